//! `tdkt bench dossiers`: the officer's queue over many dossiers, and a council voting all at
//! once, both through the real HTTP server on loopback.
//!
//! 1. A demo province gets `dossiers` dossiers spread over its units and statuses; the office's
//!    queue page is requested with its usual filters, and each request is timed.
//! 2. A council of `members` members (each with an account) meets on `nominees` nominees; every
//!    member votes on every nominee at the same time, one request per vote. Then the bench checks
//!    that no vote was lost or doubled (and that a second vote is refused), that the session page
//!    showed no count while open, and that the counts after closing are the ballots cast.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use tdkt_domain::authz::Role;
use tdkt_domain::dossier::{Action, DocKind, DossierKind, Status};
use tdkt_domain::org::CouncilRole;
use tdkt_store::registry::Holder;
use tdkt_store::{Actor, Db, WriteTx, council, dossier, org, users};

use crate::bench::bar;

/// p50, p95, p99 and max of `d`, in milliseconds.
fn percentiles(d: &mut [Duration]) -> String {
    d.sort_unstable();
    let at = |q: f64| d.get(((d.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    format!(
        "n={} p50={:.1} ms p95={:.1} ms p99={:.1} ms max={:.1} ms",
        d.len(),
        ms(at(0.50)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(d.last().copied().unwrap_or_default())
    )
}

/// A logged-in client of the server at `url`, and its CSRF token.
async fn login(url: &str, username: &str) -> anyhow::Result<(reqwest::Client, String)> {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let page = c.get(format!("{url}/login")).send().await?.text().await?;
    let token = between(&page, "name=\"_csrf\" value=\"", "\"").context("login form without a token")?;
    let r = c
        .post(format!("{url}/login"))
        .form(&[("_csrf", token.as_str()), ("username", username), ("password", crate::demo::DEMO_PASSWORD)])
        .send()
        .await?;
    ensure!(r.status() == 303, "login of {username} refused ({})", r.status());
    let home = c.get(format!("{url}/")).send().await?.text().await?;
    let csrf = between(&home, "\"X-CSRF-Token\": \"", "\"").context("no CSRF token on the dashboard")?;
    Ok((c, csrf))
}

fn between(s: &str, start: &str, end: &str) -> Option<String> {
    let a = s.find(start)? + start.len();
    let b = s[a..].find(end)? + a;
    Some(s[a..b].to_string())
}

pub async fn run(
    database_url: Option<&str>,
    dossiers: usize,
    members: usize,
    nominees: usize,
    queue_requests: usize,
) -> anyhow::Result<ExitCode> {
    ensure!(members >= 2, "cần ít nhất 2 thành viên");
    let url = crate::bench::bench_url(database_url)?;
    let db = Db::connect(&url).await?;
    tdkt_store::migrate::migrate(&db).await?;
    if !org::is_empty(&db).await? {
        bail!("cơ sở dữ liệu benchmark phải trống");
    }
    let t = Instant::now();
    crate::demo::load(&db, 2_000 + nominees * 2, &|_| {}).await?;
    println!("tỉnh mẫu: {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    fill_queue(&db, dossiers).await?;
    println!("{dossiers} hồ sơ: {:.1} s", t.elapsed().as_secs_f64());
    let (session, accounts) = council_session(&db, members, nominees).await?;
    db.analyze().await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let files = std::env::temp_dir().join(format!("tdkt-bench-files-{}", std::process::id()));
    let config = tdkt_web::WebConfig { files: tdkt_store::files::Blobs::disk(files), ..tdkt_web::WebConfig::default() };
    let state = tdkt_web::AppState { db: db.clone(), config: Arc::new(config) };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tdkt_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    queue(&base, queue_requests).await?;
    votes(&db, &base, session, &accounts).await?;

    let _ = stop.send(());
    let _ = server.await;
    Ok(ExitCode::SUCCESS)
}

/// `n` dossiers over the province's units: most sent and waiting, some being appraised, some
/// still with their unit, some finished.
async fn fill_queue(db: &Db, n: usize) -> anyhow::Result<()> {
    let units: Vec<org::Unit> = org::all_units(db, &["/".to_string()], false).await?;
    let rounds = dossier::rounds(db).await?;
    let pb = bar(n as u64, "hồ sơ");
    let mut done = 0;
    while done < n {
        let mut w = db.write(&Actor::system("tdkt bench")).await?;
        for i in done..(done + 2_000).min(n) {
            let u = &units[i % units.len()];
            let kind = DossierKind::ALL[i % 7 % DossierKind::ALL.len()];
            let new = dossier::NewDossier {
                unit_id: u.id,
                round_id: rounds[i % rounds.len()].id,
                kind,
                simplified: false,
                title: format!("Đề nghị khen thưởng số {i} của {}", u.name),
            };
            let id = dossier::create(&mut w, &new).await?;
            let steps: &[(Action, Status)] = match i % 10 {
                0 => &[],
                1 => &[(Action::Submit, Status::Submitted), (Action::StartAppraisal, Status::Appraising)],
                2 => &[(Action::Withdraw, Status::Withdrawn)],
                _ => &[(Action::Submit, Status::Submitted)],
            };
            for (action, to) in steps {
                let d = dossier::get(&w.tx, id).await?;
                dossier::move_to(&mut w, &d, action, *to).await?;
            }
            pb.inc(1);
        }
        w.commit().await?;
        done = (done + 2_000).min(n);
    }
    pb.finish_and_clear();
    Ok(())
}

/// A council of `members` people with an account each (`bench.hd1` presides), and a session whose
/// agenda holds `nominees` nominees (dossiers of 10), everyone present.
async fn council_session(db: &Db, members: usize, nominees: usize) -> anyhow::Result<(i64, Vec<String>)> {
    let ubnd = org::find_unit_by_code(&db.conn, "UBND").await?.context("UBND")?;
    let everyone = org::PersonFilter { scope: vec!["/".into()], ..Default::default() };
    let people = org::search_people(db, &everyone, 1, (members + nominees) as u64).await?.items;
    ensure!(people.len() >= members + nominees, "tỉnh mẫu không đủ người");
    let hash = tdkt_web::password::hash(crate::demo::DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let mut w = db.write(&Actor::system("tdkt bench")).await?;
    let council_id = org::create_council(&mut w, "Hội đồng Thi đua - Khen thưởng (benchmark)", 2026, 2031).await?;
    let mut accounts = vec![];
    for (i, p) in people.iter().take(members).enumerate() {
        let role = if i == 0 { CouncilRole::Chair } else { CouncilRole::Member };
        org::add_council_member(&mut w, council_id, p.id, role, "Thành viên").await?;
        // Not the demo's own council accounts (hd01…): this council is the benchmark's.
        let username = format!("bench.hd{}", i + 1);
        let nu = users::NewUser {
            username: &username,
            display_name: &p.full_name,
            password_hash: &hash,
            unit_id: ubnd.id,
            person_id: Some(p.id),
        };
        let id = users::create_user(&mut w, &nu).await?;
        users::grant_role(&mut w, id, Role::CouncilMember, ubnd.id).await?;
        accounts.push(username);
    }
    let round = dossier::rounds(db).await?.first().context("no round")?.id;
    let mut dossier_ids = vec![];
    let steps = [
        (Action::Submit, Status::Submitted),
        (Action::StartAppraisal, Status::Appraising),
        (Action::PassToCouncil, Status::Council),
    ];
    for (k, chunk) in people[members..members + nominees].chunks(10).enumerate() {
        let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
        let title = format!("Hồ sơ trình Hội đồng số {}", k + 1);
        dossier_ids.push(dossier_through(&mut w, ubnd.id, round, &title, &ids, "BK_TINH", &steps).await?);
    }
    let chair = people[0].id;
    let new = council::NewSession {
        council_id,
        title: "Phiên họp (benchmark)".into(),
        meets_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 20).context("ngày")?,
        chair_person_id: chair,
        dossier_ids,
    };
    let session = council::create_session(&mut w, &new).await?;
    let s = council::get_session(&w.tx, session).await?;
    let present: Vec<i64> = people.iter().take(members).map(|p| p.id).collect();
    council::set_attendance(&mut w, &s, &present).await?;
    w.commit().await?;
    Ok((session, accounts))
}

/// A dossier of `unit_id` proposing `people` for `award` (achievement year 2025), with the three
/// documents of Law Đ84 recorded (their content is not needed here), moved through `steps`
/// without asking the state machine. The benchmark and the tests use it to put dossiers in a
/// given state without going through the pages.
pub async fn dossier_through(
    w: &mut WriteTx,
    unit_id: i64,
    round_id: i64,
    title: &str,
    people: &[i64],
    award: &str,
    steps: &[(Action, Status)],
) -> anyhow::Result<i64> {
    let new =
        dossier::NewDossier { unit_id, round_id, kind: DossierKind::Regular, simplified: false, title: title.into() };
    let id = dossier::create(w, &new).await?;
    let mut d = dossier::get(&w.tx, id).await?;
    for p in people {
        let n = dossier::NewNominee {
            holder: Holder::Person(*p),
            award_code: award.into(),
            year: 2025,
            verdict: "eligible".into(),
            verdict_json: "{}".into(),
        };
        dossier::add_nominee(w, &d, &n).await?;
    }
    for kind in [DocKind::Submission, DocKind::AchievementReport, DocKind::Minutes] {
        let doc = dossier::NewDocument {
            kind,
            file_name: "tai-lieu.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1,
            sha256: "0".repeat(64),
        };
        dossier::add_document(w, &d, &doc).await?;
    }
    for (action, to) in steps {
        dossier::move_to(w, &d, action, *to).await?;
        d = dossier::get(&w.tx, id).await?;
    }
    Ok(id)
}

async fn queue(base: &str, requests: usize) -> anyhow::Result<()> {
    let (office, _) = login(base, "chuyenvien").await?;
    let filters = [
        ("hàng chờ thẩm định", "/dossiers?status=cho_xu_ly"),
        ("trang 40 của hàng chờ", "/dossiers?status=cho_xu_ly&page=40"),
        ("tất cả", "/dossiers"),
        ("tìm “so y te”", "/dossiers?q=so+y+te"),
        ("quá hạn gửi", "/dossiers?overdue=1"),
        ("đột xuất, đang thẩm định", "/dossiers?kind=dot_xuat&status=appraising"),
    ];
    for (_, path) in &filters {
        let r = office.get(format!("{base}{path}")).send().await?;
        ensure!(r.status() == 200, "{path}: {}", r.status());
        r.text().await?;
    }
    let mut all = vec![];
    println!("Trang hàng chờ của chuyên viên ({requests} lượt, tuần tự):");
    for (label, path) in &filters {
        let mut times = vec![];
        for _ in 0..requests.div_ceil(filters.len()) {
            let t = Instant::now();
            let r = office.get(format!("{base}{path}")).send().await?;
            ensure!(r.status() == 200, "{path}: {}", r.status());
            r.bytes().await?;
            times.push(t.elapsed());
        }
        all.extend_from_slice(&times);
        println!("  {label:<28} {}", percentiles(&mut times));
    }
    println!("  {:<28} {}", "tổng", percentiles(&mut all));
    Ok(())
}

async fn votes(db: &Db, base: &str, session: i64, accounts: &[String]) -> anyhow::Result<()> {
    let items: Vec<i64> = council::items(&db.conn, session).await?.into_iter().map(|i| i.id).collect();
    let (office, _) = login(base, "chuyenvien").await?;
    let mut clients = vec![];
    for a in accounts {
        clients.push(login(base, a).await?);
    }
    let expected = |m: usize, k: usize| !(m + k).is_multiple_of(3);
    println!("Bỏ phiếu: {} thành viên × {} người, cùng lúc, mỗi phiếu một yêu cầu:", accounts.len(), items.len());
    let t = Instant::now();
    let mut tasks = vec![];
    for (m, (c, csrf)) in clients.into_iter().enumerate() {
        let items = items.clone();
        let url = format!("{base}/council/sessions/{session}/vote");
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(items.len());
            // Each member goes through the agenda in their own order.
            let mut order: Vec<usize> = (0..items.len()).collect();
            order.rotate_left((m * 37) % items.len().max(1));
            for k in order {
                let choice = if expected(m, k) { "dong_y" } else { "khong_dong_y" };
                let form = [("_csrf".to_string(), csrf.clone()), (format!("item_{}", items[k]), choice.to_string())];
                let t = Instant::now();
                let r = c.post(&url).form(&form).send().await?;
                let status = r.status();
                r.bytes().await?;
                times.push(t.elapsed());
                ensure!(status == 303, "phiếu của thành viên {m} cho mục {k} bị từ chối ({status})");
            }
            // A second vote on the first item must be refused.
            let form = [("_csrf".to_string(), csrf.clone()), (format!("item_{}", items[0]), "dong_y".to_string())];
            let again = c.post(&url).form(&form).send().await?.status();
            ensure!(again == 422, "phiếu thứ hai được nhận ({again})");
            Ok::<_, anyhow::Error>((times, c, csrf))
        }));
    }
    // While the members vote, the session page never shows a count.
    let mut looks = 0;
    while tasks.iter().any(|t| !t.is_finished()) {
        let page = office.get(format!("{base}/council/sessions/{session}")).send().await?.text().await?;
        ensure!(!page.contains("<th>Đồng ý</th>") && !page.contains("Thông qua"), "kết quả hiện ra khi chưa kết thúc");
        looks += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut all = vec![];
    let mut chair = None;
    for (m, t) in tasks.into_iter().enumerate() {
        let (times, c, csrf) = t.await??;
        all.extend(times);
        if m == 0 {
            chair = Some((c, csrf));
        }
    }
    let wall = t.elapsed();
    println!("  mỗi phiếu: {}", percentiles(&mut all));
    println!(
        "  {} phiếu trong {:.1} s ({:.0} phiếu/giây); trang phiên họp được xem {looks} lần khi đang bỏ phiếu, không lộ kết quả",
        all.len(),
        wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64()
    );
    // Nothing lost or doubled: every member on every item, once.
    let after = council::items(&db.conn, session).await?;
    ensure!(after.iter().all(|i| i.voters == accounts.len() as i64), "có mục thiếu hoặc thừa phiếu");
    let (c, csrf) = chair.context("chair")?;
    let r = c.post(format!("{base}/council/sessions/{session}/close")).form(&[("_csrf", csrf)]).send().await?;
    ensure!(r.status() == 303, "kết thúc bỏ phiếu bị từ chối ({})", r.status());
    let closed = council::items(&db.conn, session).await?;
    for (k, i) in closed.iter().enumerate() {
        let yes = (0..accounts.len()).filter(|&m| expected(m, k)).count() as i32;
        ensure!(i.yes == Some(yes) && i.no == Some(accounts.len() as i32 - yes), "mục {k}: số phiếu sai");
    }
    println!(
        "  kiểm tra: {} mục × {} phiếu, không mất, không trùng; phiếu thứ hai bị từ chối; số phiếu sau khi kết thúc đúng từng mục",
        closed.len(),
        accounts.len()
    );
    Ok(())
}
