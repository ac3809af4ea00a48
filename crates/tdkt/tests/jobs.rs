//! The job queue in the database, on both databases: several workers at once run every job
//! exactly once (none lost, none doubled); a job whose server died is taken over when its lease
//! runs out, and the late server's work is thrown away; the day's scan is queued once however
//! many servers schedule it; the scan reminds a unit of a dossier not yet sent before its round's
//! last day, and the office of a round past its last day.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use chrono::{Duration, Utc};
use common::{TestApp, backends};
use sea_orm::FromQueryResult;
use tdkt_store::jobs;

fn state(app: &TestApp) -> tdkt_web::AppState {
    tdkt_web::AppState { db: app.tdb.db.clone(), config: Arc::new(tdkt_web::WebConfig::default()) }
}

/// How many times each job has been recorded as run in the audit log.
async fn runs(app: &TestApp) -> Vec<(String, i64)> {
    #[derive(FromQueryResult)]
    struct Row {
        object_id: String,
        n: i64,
    }
    let db = &app.tdb.db;
    Row::find_by_statement(tdkt_store::db::stmt(
        db.backend(),
        "SELECT object_id, COUNT(*) AS n FROM audit_log WHERE action = 'job.run' GROUP BY object_id",
        vec![],
    ))
    .all(&db.conn)
    .await
    .unwrap()
    .into_iter()
    .map(|r| (r.object_id, r.n))
    .collect()
}

/// Reminders about dossiers (the scan also reminds plans' key tasks as their days come near).
async fn reminder_count(app: &TestApp) -> i64 {
    #[derive(FromQueryResult)]
    struct N {
        n: i64,
    }
    let db = &app.tdb.db;
    N::find_by_statement(tdkt_store::db::stmt(
        db.backend(),
        "SELECT COUNT(*) AS n FROM reminder WHERE link LIKE '/dossiers%'",
        vec![],
    ))
    .one(&db.conn)
    .await
    .unwrap()
    .unwrap()
    .n
}

#[tokio::test]
async fn workers_at_once_run_every_job_exactly_once() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let st = state(&app);
        let now = Utc::now();
        // Forty days' scans, queued twice each (as two servers would): forty jobs.
        for i in 0..40 {
            let day = tdkt_store::db::today() - chrono::Days::new(i);
            for _ in 0..2 {
                jobs::enqueue(
                    &st.db,
                    "deadline_scan",
                    &format!("deadline_scan:{day}"),
                    &serde_json::json!({"day": day}),
                    now,
                )
                .await
                .unwrap();
            }
        }
        assert_eq!(jobs::counts(&st.db).await.unwrap(), vec![("queued".to_string(), 40)], "{b}");
        let mut tasks = vec![];
        for w in 0..6 {
            let st = st.clone();
            tasks.push(tokio::spawn(
                async move { tdkt_web::jobs::run_due(&st, &format!("may-{w}"), now).await.unwrap() },
            ));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        assert_eq!(total, 40, "{b}: every job ran once");
        assert_eq!(jobs::counts(&st.db).await.unwrap(), vec![("done".to_string(), 40)], "{b}");
        let r = runs(&app).await;
        assert_eq!(r.len(), 40, "{b}");
        assert!(r.iter().all(|(_, n)| *n == 1), "{b}: a job recorded twice: {r:?}");
        tdkt_store::audit::verify(&st.db).await.unwrap().expect("chain intact");
    }
}

#[tokio::test]
async fn a_job_whose_server_died_is_taken_over_and_the_late_work_thrown_away() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let st = state(&app);
        let now = Utc::now();
        assert!(tdkt_web::jobs::schedule_today(&st, now).await.unwrap(), "{b}");
        assert!(!tdkt_web::jobs::schedule_today(&st, now).await.unwrap(), "{b}: a second server adds nothing");
        // Server A takes the job and dies.
        let a = jobs::claim(&st.db, "may-a", now, Duration::minutes(10)).await.unwrap().unwrap();
        assert!(jobs::claim(&st.db, "may-b", now, Duration::minutes(10)).await.unwrap().is_none(), "{b}: leased");
        // Eleven minutes later server B takes it over and runs it.
        let later = now + Duration::minutes(11);
        assert_eq!(tdkt_web::jobs::run_due(&st, "may-b", later).await.unwrap(), 1, "{b}");
        // A comes back: its finish is refused, so its transaction (and effects) are dropped.
        let mut w = st.db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let late = jobs::finish(&mut w, &a, "may-a", serde_json::json!({})).await;
        assert!(late.is_err(), "{b}");
        drop(w);
        assert_eq!(runs(&app).await, vec![(a.id.to_string(), 1)], "{b}");
        // A job that keeps failing is put back with a delay, then given up.
        jobs::enqueue(&st.db, "khong_ton_tai", "hong", &serde_json::json!({}), now).await.unwrap();
        for attempt in 1..=jobs::MAX_ATTEMPTS {
            let at = now + Duration::hours(attempt);
            tdkt_web::jobs::run_due(&st, "may-c", at).await.unwrap();
        }
        let counts = jobs::counts(&st.db).await.unwrap();
        assert!(counts.contains(&("failed".to_string(), 1)), "{b}: {counts:?}");
    }
}

#[tokio::test]
async fn the_scan_reminds_units_and_the_office_of_deadlines() {
    use tdkt_domain::dossier::{Action, Status};
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let st = state(&app);
        let db = &app.tdb.db;
        let today = tdkt_store::db::today();
        let syt = app.unit_id("SYT").await;
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let soon = tdkt_store::dossier::create_round(&mut w, 2099, 1, "", today + chrono::Days::new(3)).await.unwrap();
        let past = tdkt_store::dossier::create_round(&mut w, 2099, 2, "", today - chrono::Days::new(2)).await.unwrap();
        let d1 = tdkt::bench_dossiers::dossier_through(&mut w, syt, soon, "Hồ sơ sắp hết hạn", &[], "BK_TINH", &[])
            .await
            .unwrap();
        tdkt::bench_dossiers::dossier_through(&mut w, syt, past, "Hồ sơ quá hạn", &[], "BK_TINH", &[]).await.unwrap();
        // A sent dossier is not reminded.
        let steps = [(Action::Submit, Status::Submitted)];
        tdkt::bench_dossiers::dossier_through(&mut w, syt, soon, "Hồ sơ đã gửi", &[], "BK_TINH", &steps).await.unwrap();
        w.commit().await.unwrap();

        tdkt_web::jobs::schedule_today(&st, Utc::now()).await.unwrap();
        assert_eq!(tdkt_web::jobs::run_due(&st, "may", Utc::now()).await.unwrap(), 1, "{b}");
        let mine = jobs::reminders(db, &[syt], 20).await.unwrap();
        let texts: Vec<&str> = mine.iter().map(|r| r.text.as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("Hồ sơ sắp hết hạn") && t.contains("còn 3 ngày")), "{b}: {texts:?}");
        assert!(texts.iter().any(|t| t.contains("Hồ sơ quá hạn") && t.contains("quá hạn gửi")), "{b}");
        assert!(!texts.iter().any(|t| t.contains("Hồ sơ đã gửi")), "{b}");
        assert!(mine.iter().any(|r| r.link == format!("/dossiers/{d1}")), "{b}");
        let root: i64 = {
            #[derive(FromQueryResult)]
            struct Id {
                id: i64,
            }
            Id::find_by_statement(tdkt_store::db::stmt(
                db.backend(),
                "SELECT id FROM unit WHERE parent_id IS NULL",
                vec![],
            ))
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap()
            .id
        };
        let office = jobs::reminders(db, &[root], 20).await.unwrap();
        assert!(
            office.iter().any(|r| r.text.contains("Đợt 2 năm 2099") && r.text.contains("1 hồ sơ")),
            "{b}: {office:?}"
        );

        // The plans' key tasks: their lead (Sở Nội vụ) is reminded of the demo's overdue one.
        let snv = app.unit_id("SNV").await;
        let lead = jobs::reminders(db, &[snv], 50).await.unwrap();
        assert!(
            lead.iter().any(|r| r.link.starts_with("/plans/")
                && r.text.contains("Tổ chức lớp tập huấn")
                && r.text.contains("quá hạn")),
            "{b}: {lead:?}"
        );

        // The unit officer sees them on the dashboard; another commune does not.
        let (c, _) = app.login("canbo.so").await;
        let page = c.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Nhắc việc") && page.contains("Hồ sơ sắp hết hạn"), "{b}");
        let (x, _) = app.login("canbo.xa").await;
        let page = x.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("Hồ sơ sắp hết hạn"), "{b}");

        // Tomorrow's scan leaves no second reminder of the same deadline.
        let before = reminder_count(&app).await;
        let tomorrow = today + chrono::Days::new(1);
        jobs::enqueue(
            db,
            "deadline_scan",
            &format!("deadline_scan:{tomorrow}"),
            &serde_json::json!({"day": tomorrow}),
            Utc::now(),
        )
        .await
        .unwrap();
        tdkt_web::jobs::run_due(&st, "may", Utc::now()).await.unwrap();
        let after = reminder_count(&app).await;
        assert_eq!(before, after, "{b}");
    }
}
