//! `tdkt bench registry`: a deterministic province of N people with 20 years of ratings, titles
//! and initiatives, written as CSV, imported with every row checked, then bulk eligibility timed
//! (panel read, column derivation, evaluation) beside the same rule as one SQL query.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use tdkt_rules::history::{AwardKind, Level, Rating, WorkKind};
use tdkt_rules::{Catalogue, Engine};
use tdkt_store::registry::{Holder, NewAward, NewInitiative};
use tdkt_store::{Actor, Checkpoint, Db, LoadTx, org};

use crate::bench::bar;

/// The years of the generated records.
pub(crate) const FIRST: i32 = 2006;
pub(crate) const LAST: i32 = 2025;
/// The seed of the generated histories.
pub(crate) const SEED: u64 = 2026;
/// Rows per insert call (one audit entry each).
const BATCH: usize = 50_000;

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

pub async fn run(
    people: usize,
    database_url: Option<&str>,
    csv_dir: Option<&Path>,
    award: &str,
    year: i32,
    runs: usize,
    reuse: bool,
) -> anyhow::Result<ExitCode> {
    let url = crate::bench::bench_url(database_url)?;
    let db = Db::connect(&url).await?;
    tdkt_store::migrate::migrate(&db).await?;
    let engine = Engine::builtin()?;
    let empty = org::is_empty(&db).await?;
    if !reuse {
        if !empty {
            anyhow::bail!("cơ sở dữ liệu benchmark phải trống (hoặc dùng --reuse)");
        }
        load(&db, &engine.catalogue, people, csv_dir).await?;
    } else if let Some(dir) = csv_dir
        && tdkt_store::registry::is_empty(&db).await?
    {
        // People loaded by an earlier run, registry empty: import the CSV files that run wrote.
        println!("dùng lại người có sẵn, nhập sổ từ {}", dir.display());
        let ids = org::person_ids(&db.conn).await?;
        import_dir(&db, &engine.catalogue, dir, ids, None).await?;
    } else {
        println!("dùng lại dữ liệu có sẵn ({})", tdkt_store::db::redact(&url));
    }
    timed_runs(&db, &engine, award, year, runs).await?;
    Ok(ExitCode::SUCCESS)
}

async fn load(db: &Db, catalogue: &Catalogue, people: usize, csv_dir: Option<&Path>) -> anyhow::Result<()> {
    let province = tdkt_demo::province(2_000, 1);
    let mut w = db.write(&Actor::system("tdkt bench")).await?;
    let unit_ids = crate::demo::create_units(&mut w, &province.units).await?;
    w.commit().await?;
    let active: Vec<String> = province.units.iter().filter(|u| u.active_to.is_none()).map(|u| u.code.clone()).collect();
    // Everyone has been in service for the 20 years.
    let recruited_by = NaiveDate::from_ymd_opt(FIRST - 1, 9, 1).unwrap_or_default();
    let t = Instant::now();
    let pb = bar(people as u64, "người");
    let mut batch = Vec::with_capacity(20_000);
    let mut recruited = Vec::with_capacity(people);
    for mut s in tdkt_demo::people(people, 7, &active, 0) {
        s.recruited_on = s.recruited_on.min(recruited_by);
        recruited.push(s.recruited_on);
        let unit_id = unit_ids[&s.unit_code];
        batch.push((crate::demo::person_input(s), unit_id));
        if batch.len() == 20_000 {
            crate::bench::insert_batch(db, &batch).await?;
            pb.inc(batch.len() as u64);
            batch.clear();
        }
    }
    crate::bench::insert_batch(db, &batch).await?;
    pb.finish_and_clear();
    println!("người: {} trong {:.1} s (chưa tính vào thời gian nhập sổ)", people, secs(t));
    let ids = org::person_ids(&db.conn).await?;

    // The CSV files.
    let dir = match csv_dir {
        Some(d) => d.to_path_buf(),
        None => std::env::temp_dir().join(format!("tdkt-bench-csv-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được {}", dir.display()))?;
    let t = Instant::now();
    let (nr, na, ni) = write_csv(&dir, &ids, &recruited)?;
    println!("CSV: {nr} đánh giá, {na} khen thưởng, {ni} sáng kiến trong {:.1} s ({})", secs(t), dir.display());
    import_dir(db, catalogue, &dir, ids, Some((nr, na, ni))).await
}

/// The validated import of the three CSV files of `dir`, then ANALYZE and the panel's build.
/// `rows`: the rows of each file when known (counted here otherwise, for the progress bars).
async fn import_dir(
    db: &Db,
    catalogue: &Catalogue,
    dir: &Path,
    ids: Vec<i64>,
    rows: Option<(u64, u64, u64)>,
) -> anyhow::Result<()> {
    let lines = |name: &str| -> anyhow::Result<u64> {
        let file = dir.join(name);
        let mut rd = csv::Reader::from_path(&file).with_context(|| format!("không đọc được {}", file.display()))?;
        Ok(rd.byte_records().count() as u64)
    };
    let (nr, na, ni) = match rows {
        Some(n) => n,
        None => (lines("ratings.csv")?, lines("awards.csv")?, lines("initiatives.csv")?),
    };
    let t0 = Instant::now();
    let t = Instant::now();
    let ids = Arc::new(ids);
    // Each table's checkpoint runs while the next table loads; the import ends when the last
    // one has put every page in the database file.
    let (n, ratings) = import_ratings(db, &dir.join("ratings.csv"), ids.clone(), nr).await?;
    println!("nhập đánh giá: {n} dòng trong {:.1} s", secs(t));
    let t = Instant::now();
    let (n, awards) = import_awards(db, catalogue, &dir.join("awards.csv"), ids.clone(), na).await?;
    println!("nhập khen thưởng: {n} dòng trong {:.1} s", secs(t));
    let t = Instant::now();
    let (n, initiatives) = import_initiatives(db, &dir.join("initiatives.csv"), ids, ni).await?;
    println!("nhập sáng kiến: {n} dòng trong {:.1} s", secs(t));
    let t = Instant::now();
    for c in [ratings, awards, initiatives] {
        if !c.wait().await? {
            println!("  (một phần nhật ký WAL còn chờ: có phiên đọc đang giữ nó)");
        }
    }
    println!("chờ ghi xong vào tệp cơ sở dữ liệu (checkpoint): {:.1} s", secs(t));
    let import = secs(t0);
    let t = Instant::now();
    db.analyze().await?;
    let analyze = secs(t);
    let t = Instant::now();
    let stale = tdkt_store::panel::stale_count(db).await?;
    let pb = bar(stale, "bảng tổng hợp");
    tdkt_store::panel::refresh(db, catalogue, &mut |done, _| pb.set_position(done)).await?;
    pb.finish_and_clear();
    let panel = secs(t);
    println!(
        "nhập sổ (kiểm tra từng dòng, có chỉ mục): {import:.1} s; ANALYZE {analyze:.1} s; bảng tổng hợp {stale} khối: {panel:.1} s; cộng {:.1} s",
        import + analyze + panel
    );
    Ok(())
}

fn write_csv(dir: &Path, ids: &[i64], recruited: &[NaiveDate]) -> anyhow::Result<(u64, u64, u64)> {
    let open = |name: &str| -> anyhow::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
        let f = std::fs::File::create(dir.join(name)).with_context(|| format!("không ghi được {name}"))?;
        Ok(csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f)))
    };
    let mut r = open("ratings.csv")?;
    let mut a = open("awards.csv")?;
    let mut x = open("initiatives.csv")?;
    r.write_record(["person_id", "year", "rating"])?;
    a.write_record(["person_id", "award_code", "year", "kind"])?;
    x.write_record(["person_id", "year", "level", "kind", "title"])?;
    let (mut nr, mut na, mut ni) = (0, 0, 0);
    let pb = bar(ids.len() as u64, "ghi CSV");
    for (i, (&id, &rec)) in ids.iter().zip(recruited).enumerate() {
        let h = tdkt_demo::history::history(SEED, i as u64, rec, FIRST, LAST);
        let id = id.to_string();
        for (y, rating) in &h.ratings {
            r.write_record([id.as_str(), &y.to_string(), rating])?;
            nr += 1;
        }
        for aw in &h.awards {
            a.write_record([id.as_str(), aw.code, &aw.year.to_string(), aw.kind])?;
            na += 1;
        }
        for it in &h.initiatives {
            x.write_record([id.as_str(), &it.year.to_string(), it.level, it.kind, &it.title])?;
            ni += 1;
        }
        if i % 10_000 == 0 {
            pb.set_position(i as u64);
        }
    }
    pb.finish_and_clear();
    r.flush()?;
    a.flush()?;
    x.flush()?;
    Ok((nr, na, ni))
}

/// A row that does not pass, with its line number.
fn row_error(file: &Path, line: u64, message: String) -> anyhow::Error {
    anyhow::anyhow!("{}, dòng {line}: {message}", file.display())
}

fn person(ids: &[i64], file: &Path, line: u64, v: &str) -> anyhow::Result<i64> {
    let id: i64 = v.trim().parse().map_err(|_| row_error(file, line, format!("mã người “{v}” không phải số")))?;
    ids.binary_search(&id).map_err(|_| row_error(file, line, format!("không có người mã {id}")))?;
    Ok(id)
}

fn year(file: &Path, line: u64, v: &str) -> anyhow::Result<i32> {
    v.trim()
        .parse()
        .ok()
        .filter(|y| tdkt_rules::history::YEARS.contains(y))
        .ok_or_else(|| row_error(file, line, format!("năm “{v}” không hợp lệ")))
}

/// Reads and checks the rows of `file` on a thread of their own and hands them over in batches,
/// so that the next batch is parsed while the database writes the last one. The first bad row
/// ends the stream with its error.
/// The batches of a file, and the thread that reads them.
type Rows<T> = (tokio::sync::mpsc::Receiver<anyhow::Result<Vec<T>>>, std::thread::JoinHandle<()>);

fn rows<T: Send + 'static>(
    file: &Path,
    parse: impl Fn(&csv::StringRecord, &Path, u64) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<Rows<T>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(file)
        .with_context(|| format!("không đọc được {}", file.display()))?;
    let file = file.to_path_buf();
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let reader = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let mut rec = csv::StringRecord::new();
        let mut line = 1;
        loop {
            line += 1;
            let row = match rd.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => parse(&rec, &file, line),
                Err(e) => Err(row_error(&file, line, e.to_string())),
            };
            match row {
                Ok(r) => batch.push(r),
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
            if batch.len() == BATCH
                && tx.blocking_send(Ok(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))).is_err()
            {
                return;
            }
        }
        let _ = tx.blocking_send(Ok(batch));
    });
    Ok((rx, reader))
}

/// Writes the batches of `rx` into `table` in one load transaction ([`LoadTx`]) with `insert`,
/// showing progress. A load larger than the table sets its indexes aside and makes them again at
/// the end.
async fn import<T>(
    db: &Db,
    table: &str,
    label: &str,
    total: u64,
    (mut rx, reader): Rows<T>,
    insert: impl AsyncFn(&mut LoadTx, &[T]) -> tdkt_store::StoreResult<u64>,
) -> anyhow::Result<(u64, Checkpoint)> {
    let pb = bar(total, label);
    let mut w = db.load(&Actor::system("tdkt bench import")).await?;
    let aside = w.set_aside(table, total).await?;
    let t = Instant::now();
    let mut n = 0;
    let loaded: anyhow::Result<()> = async {
        while let Some(batch) = rx.recv().await {
            n += insert(&mut w, &batch?).await?;
            pb.set_position(n);
        }
        // The reading thread ends by closing the channel, also when it panics: ask it how it ended.
        reader.join().map_err(|_| anyhow::anyhow!("luồng đọc tệp dừng bất thường"))
    }
    .await;
    if let Err(e) = loaded {
        w.abandon(aside).await?;
        return Err(e);
    }
    let rows = secs(t);
    pb.set_message(format!("{label}: tạo chỉ mục"));
    let t = Instant::now();
    w.restore(aside).await?;
    let index = secs(t);
    let t = Instant::now();
    let checkpoint = w.commit().await?;
    pb.finish_and_clear();
    println!("  {label}: ghi dòng {rows:.1} s, tạo lại chỉ mục {index:.1} s, commit {:.1} s", secs(t));
    Ok((n, checkpoint))
}

async fn import_ratings(db: &Db, file: &Path, ids: Arc<Vec<i64>>, total: u64) -> anyhow::Result<(u64, Checkpoint)> {
    let rx = rows(file, move |rec, file, line| {
        let p = person(&ids, file, line, rec.get(0).unwrap_or_default())?;
        let y = year(file, line, rec.get(1).unwrap_or_default())?;
        let v = rec.get(2).unwrap_or_default();
        let r = Rating::parse(v).ok_or_else(|| row_error(file, line, format!("mức đánh giá “{v}” không hợp lệ")))?;
        Ok((p, y, r))
    })?;
    import(db, "rating", "đánh giá", total, rx, async |w, b| w.insert_person_ratings(b, "tdkt bench import").await)
        .await
}

async fn import_awards(
    db: &Db,
    catalogue: &Catalogue,
    file: &Path,
    ids: Arc<Vec<i64>>,
    total: u64,
) -> anyhow::Result<(u64, Checkpoint)> {
    let codes = catalogue.clone();
    let rx = rows(file, move |rec, file, line| {
        let p = person(&ids, file, line, rec.get(0).unwrap_or_default())?;
        let code = rec.get(1).unwrap_or_default();
        let code =
            codes.canonical(code).ok_or_else(|| row_error(file, line, format!("không có mã khen thưởng “{code}”")))?;
        let y = year(file, line, rec.get(2).unwrap_or_default())?;
        let v = rec.get(3).unwrap_or_default();
        let kind =
            AwardKind::parse(v).ok_or_else(|| row_error(file, line, format!("loại khen thưởng “{v}” không hợp lệ")))?;
        Ok(NewAward {
            holder: Holder::Person(p),
            code: code.to_string(),
            year: y,
            period_from: None,
            kind,
            decision_id: None,
        })
    })?;
    import(db, "award", "khen thưởng", total, rx, async |w, b| {
        w.insert_awards(catalogue, b, "tdkt bench import").await
    })
    .await
}

async fn import_initiatives(db: &Db, file: &Path, ids: Arc<Vec<i64>>, total: u64) -> anyhow::Result<(u64, Checkpoint)> {
    let rx = rows(file, move |rec, file, line| {
        let p = person(&ids, file, line, rec.get(0).unwrap_or_default())?;
        let y = year(file, line, rec.get(1).unwrap_or_default())?;
        let v = rec.get(2).unwrap_or_default();
        let level =
            Level::parse(v).ok_or_else(|| row_error(file, line, format!("cấp công nhận “{v}” không hợp lệ")))?;
        let v = rec.get(3).unwrap_or_default();
        let kind = WorkKind::parse(v).ok_or_else(|| row_error(file, line, format!("loại “{v}” không hợp lệ")))?;
        Ok(NewInitiative {
            person_id: p,
            title: rec.get(4).unwrap_or_default().to_string(),
            year: y,
            level,
            kind,
            recognised_by: String::new(),
        })
    })?;
    import(db, "initiative", "sáng kiến", total, rx, async |w, b| w.insert_initiatives(b, "tdkt bench import").await)
        .await
}

async fn timed_runs(db: &Db, engine: &Engine, award: &str, year: i32, runs: usize) -> anyhow::Result<()> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    for t in [threads, 1] {
        let mut totals = Vec::new();
        for i in 0..runs {
            let r = tdkt_store::eligible::bulk(db, engine, award, year, None, t).await?;
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            let eligible = r.rows.iter().filter(|x| x.routes != 0).count();
            println!(
                "xét hàng loạt {award} {year} ({t} luồng) lần {}: {} người, {eligible} đủ điều kiện; đọc {:.1} ms, ghép cột {:.1} ms, xét {:.2} ms, ngoài khoảng năm {:.1} ms, làm mới {:.1} ms, danh sách và đếm theo đơn vị {:.1} ms; cộng {:.1} ms",
                i + 1,
                r.people,
                ms(r.timing.read),
                ms(r.timing.bind),
                ms(r.timing.eval),
                ms(r.timing.outside),
                ms(r.timing.refresh),
                ms(r.timing.summary),
                ms(r.timing.total())
            );
            totals.push(ms(r.timing.total()));
        }
        totals.sort_by(f64::total_cmp);
        if let Some(m) = totals.get(totals.len() / 2) {
            println!("  trung vị cộng: {m:.1} ms");
        }
    }
    if award == "BK_TINH" {
        for i in 0..runs.min(3) {
            let t = Instant::now();
            let n = tdkt_store::eligible::bk_tinh_sql_count(db, year).await?;
            println!("cùng quy tắc bằng một câu SQL, lần {}: {n} người trong {:.1} ms", i + 1, secs(t) * 1000.0);
        }
    }
    Ok(())
}
