//! Benchmarks on generated data: `tdkt bench search` (person search on N people),
//! `tdkt bench registry` (N people with 20 years of records written as CSV, imported, then bulk
//! eligibility timed beside the same rule as one SQL query), `tdkt bench dossiers` (the office's
//! queue and a council's vote over HTTP) and `tdkt bench cycle` (block scoring and ranking, and a
//! long plan's import), on SQLite or PostgreSQL; `tdkt bench eval` (the evaluation of bulk
//! eligibility alone, in memory, no database).

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use tdkt_domain::org::PersonInput;
use tdkt_store::org::{self, PersonFilter};
use tdkt_store::{Actor, Db};

#[derive(Subcommand)]
pub enum BenchCmd {
    /// Generate N people into a fresh database, then time a mix of searches.
    Search {
        /// Number of generated people.
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        /// Database to fill: a new SQLite file by default; a postgres:// URL must name an empty database.
        #[arg(long)]
        database_url: Option<String>,
        /// Number of timed searches.
        #[arg(long, default_value_t = 400)]
        queries: usize,
        /// Reuse a database an earlier run with the same --people filled (skip the load).
        #[arg(long)]
        reuse: bool,
    },
    /// The officer's queue over many dossiers and a council voting all at once, through the
    /// real server on loopback: timings per request, and checks that no vote is lost, doubled or
    /// shown before the vote is closed.
    Dossiers {
        /// Database to fill: a new SQLite file by default; a postgres:// URL must name an empty database.
        #[arg(long)]
        database_url: Option<String>,
        /// Dossiers in the queue.
        #[arg(long, default_value_t = 50_000)]
        dossiers: usize,
        /// Council members voting at the same time.
        #[arg(long, default_value_t = 25)]
        members: usize,
        /// Nominees on the session's agenda.
        #[arg(long, default_value_t = 500)]
        nominees: usize,
        /// Timed requests of the queue page.
        #[arg(long, default_value_t = 300)]
        queue_requests: usize,
    },
    /// The yearly cycle's bulk work: every unit of many blocks scoring itself, the ranking of
    /// every block, and importing a long plan.
    Cycle {
        /// Database to fill: a new SQLite file by default; a postgres:// URL must name an empty database.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 40)]
        blocks: usize,
        /// Units per block.
        #[arg(long, default_value_t = 30)]
        units: usize,
        /// Criteria per score sheet.
        #[arg(long, default_value_t = 50)]
        criteria: usize,
        /// Tasks of the generated plan.
        #[arg(long, default_value_t = 1000)]
        tasks: usize,
        /// Timed repetitions of the ranking and of the plan import.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Generate N people with 20 years (2006–2025) of ratings, titles and initiatives as CSV,
    /// import them, build the eligibility panel, then time bulk eligibility and the SQL query.
    Registry {
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        /// Database to fill: a new SQLite file by default; a postgres:// URL must name an empty database.
        #[arg(long)]
        database_url: Option<String>,
        /// Folder for the CSV files (a temporary folder by default).
        #[arg(long)]
        csv: Option<std::path::PathBuf>,
        /// Award and year of the timed bulk runs.
        #[arg(long, default_value = "BK_TINH")]
        award: String,
        #[arg(long, default_value_t = 2025)]
        year: i32,
        /// Timed runs of each kind.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Reuse a database an earlier run filled (only the timed runs); with `--csv DIR`, a
        /// database whose people are loaded and whose registry is empty imports the files of DIR.
        #[arg(long)]
        reuse: bool,
    },
    /// The evaluation of bulk eligibility alone, in memory: the people and records of
    /// `bench registry` put straight into a panel (no database), the plan run many times.
    Eval {
        #[arg(long, default_value_t = 1_000_000)]
        people: usize,
        #[arg(long, default_value = "BK_TINH")]
        award: String,
        #[arg(long, default_value_t = 2025)]
        year: i32,
        /// Timed runs on each number of threads.
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
}

/// A progress bar with a message, its position and the time left.
pub(crate) fn bar(len: u64, msg: &str) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb.set_message(msg.to_string());
    pb
}

/// Inserts one batch of generated people in its own audited transaction.
pub(crate) async fn insert_batch(db: &Db, batch: &[(PersonInput, i64)]) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut w = db.write(&Actor::system("tdkt bench")).await?;
    org::insert_people_batch(&w, batch).await?;
    w.record("bench.load", "person", None, None, serde_json::json!({"rows": batch.len()})).await?;
    w.commit().await?;
    Ok(())
}

pub async fn run(cmd: &BenchCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCmd::Search { people, database_url, queries, reuse } => {
            search(*people, database_url.as_deref(), *queries, *reuse).await
        }
        BenchCmd::Dossiers { database_url, dossiers, members, nominees, queue_requests } => {
            crate::bench_dossiers::run(database_url.as_deref(), *dossiers, *members, *nominees, *queue_requests).await
        }
        BenchCmd::Cycle { database_url, blocks, units, criteria, tasks, runs } => {
            crate::bench_cycle::run(database_url.as_deref(), *blocks, *units, *criteria, *tasks, *runs).await
        }
        BenchCmd::Registry { people, database_url, csv, award, year, runs, reuse } => {
            crate::bench_registry::run(*people, database_url.as_deref(), csv.as_deref(), award, *year, *runs, *reuse)
                .await
        }
        BenchCmd::Eval { people, award, year, runs } => crate::bench_eval::run(*people, award, *year, *runs),
    }
}

/// A database URL for a benchmark: the one given, or a new SQLite file in a temporary folder.
pub fn bench_url(database_url: Option<&str>) -> anyhow::Result<String> {
    Ok(match database_url {
        Some(u) => u.to_string(),
        None => {
            let dir = std::env::temp_dir().join(format!("tdkt-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            format!("sqlite://{}/bench.db", dir.display())
        }
    })
}

async fn search(people: usize, database_url: Option<&str>, queries: usize, reuse: bool) -> anyhow::Result<ExitCode> {
    let (people, queries, reuse) = (&people, &queries, &reuse);
    let url = bench_url(database_url)?;
    let db = Db::connect(&url).await?;
    tdkt_store::migrate::migrate(&db).await?;
    let empty = org::is_empty(&db).await?;
    let load = empty || !*reuse;
    if load && !empty {
        anyhow::bail!("cơ sở dữ liệu benchmark phải trống");
    }
    let province = tdkt_demo::province(2_000, 1);
    let ids = if load {
        let mut w = db.write(&Actor::system("tdkt bench")).await?;
        let ids = crate::demo::create_units(&mut w, &province.units).await?;
        w.commit().await?;
        ids
    } else {
        println!("dùng lại dữ liệu có sẵn");
        Default::default()
    };
    let active: Vec<String> = province.units.iter().filter(|u| u.active_to.is_none()).map(|u| u.code.clone()).collect();
    let pb = indicatif::ProgressBar::new(*people as u64);
    let t = Instant::now();
    let mut names = Vec::new();
    let mut batch = Vec::with_capacity(20_000);
    let gen_iter = tdkt_demo::people(*people, 7, &active, 0);
    for (i, s) in gen_iter.enumerate() {
        if i % 997 == 0 {
            names.push(s.full_name.clone());
        }
        if !load {
            continue;
        }
        let unit_id: i64 = ids[&s.unit_code];
        batch.push((crate::demo::person_input(s), unit_id));
        if batch.len() == 20_000 {
            insert_batch(&db, &batch).await?;
            pb.inc(batch.len() as u64);
            batch.clear();
        }
    }
    insert_batch(&db, &batch).await?;
    pb.finish_and_clear();
    if load {
        db.analyze().await?;
    }
    println!("nạp {people} người: {:.1} s ({})", t.elapsed().as_secs_f64(), tdkt_store::db::redact(&url));
    // The query mix: full names without diacritics, given names, family + given, partial words.
    let mut mix: Vec<(String, String)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let folded = tdkt_domain::text::fold(n);
        let words: Vec<&str> = folded.split(' ').collect();
        let q = match i % 4 {
            0 => folded.clone(),
            1 => words.last().copied().unwrap_or_default().to_string(),
            2 => {
                format!("{} {}", words.first().copied().unwrap_or_default(), words.last().copied().unwrap_or_default())
            }
            _ => words.last().map(|w| w.chars().take(4).collect()).unwrap_or_default(),
        };
        mix.push((["full name", "given name", "family + given", "prefix"][i % 4].to_string(), q));
    }
    // An officer of the province's committee: the whole province in scope.
    let root = org::find_unit_by_code(&db.conn, "UBND").await?.ok_or_else(|| anyhow::anyhow!("no root unit"))?;
    let scope = vec![root.path];
    let mut times: Vec<(String, f64)> = Vec::new();
    let mut slowest: Vec<(f64, String, u64, bool)> = Vec::new();
    for i in 0..*queries {
        let (kind, q) = &mix[i % mix.len()];
        let t = Instant::now();
        let r = org::search_people(
            &db,
            &PersonFilter { q: Some(q.clone()), scope: scope.clone(), ..Default::default() },
            1,
            50,
        )
        .await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if r.items.is_empty() && kind == "full name" {
            anyhow::bail!("tìm “{q}” không thấy ai");
        }
        times.push((kind.clone(), ms));
        slowest.push((ms, q.clone(), r.total, r.total_capped));
    }
    let report = |label: &str, mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "{label:<16} n={:<4} p50={:>7.2} ms  p95={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms",
            v.len(),
            p(0.5),
            p(0.95),
            p(0.99),
            p(1.0)
        );
    };
    for kind in ["full name", "given name", "family + given", "prefix"] {
        report(kind, times.iter().filter(|(k, _)| k == kind).map(|(_, t)| *t).collect());
    }
    report("all", times.iter().map(|(_, t)| *t).collect());
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q, total, capped) in slowest.iter().take(5) {
        println!("  slowest: {ms:>7.2} ms  “{q}” ({}{total} matches)", if *capped { ">" } else { "" });
    }
    Ok(ExitCode::SUCCESS)
}
