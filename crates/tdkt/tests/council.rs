//! The council's secret ballot over HTTP, on both databases: the office opens a session with the
//! dossiers before the council and records who is present; members vote from their own accounts,
//! once per nominee, all at the same time; nobody sees a count or a choice until the presiding
//! member closes the vote; closing needs the province's quorum and pass ratio; the dossiers move
//! on with the result.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};
use tdkt_domain::dossier::{Action, Status};
use tdkt_store::{Actor, council, dossier};

/// A dossier of `unit_code` with `n` nominees, already appraised and passed to the council.
async fn before_the_council(app: &TestApp, unit_code: &str, n: usize) -> i64 {
    let db = &app.tdb.db;
    let unit = tdkt_store::org::get_unit(&db.conn, app.unit_id(unit_code).await).await.unwrap();
    let f = tdkt_store::org::PersonFilter {
        unit_path: Some(unit.path.clone()),
        scope: vec![unit.path.clone()],
        ..Default::default()
    };
    let people = tdkt_store::org::search_people(db, &f, 1, n as u64).await.unwrap().items;
    assert_eq!(people.len(), n);
    let round = dossier::rounds(db).await.unwrap().remove(0).id;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let steps = [
        (Action::Submit, Status::Submitted),
        (Action::StartAppraisal, Status::Appraising),
        (Action::PassToCouncil, Status::Council),
    ];
    let mut w = db.write(&Actor::system("thử")).await.unwrap();
    let title = format!("Đề nghị khen thưởng của {}", unit.name);
    let id =
        tdkt::bench_dossiers::dossier_through(&mut w, unit.id, round, &title, &ids, "BK_TINH", &steps).await.unwrap();
    w.commit().await.unwrap();
    id
}

/// The demo's account of every council member: `chutich` (the chair) first, `hoidong`, then
/// `hd01`... (username, person id).
async fn member_accounts(app: &TestApp) -> Vec<(String, i64)> {
    let db = &app.tdb.db;
    let mut out = vec![];
    for n in 0..20 {
        let username = match n {
            0 => "chutich".to_string(),
            1 => "hoidong".to_string(),
            n => format!("{}{:02}", tdkt::demo::COUNCIL_ACCOUNT_PREFIX, n - 1),
        };
        if let Some(u) = tdkt_store::users::find_user(db, &username).await.unwrap() {
            out.push((username, u.person_id.expect("a council account belongs to a member")));
        }
    }
    out
}

#[tokio::test]
async fn members_vote_in_secret_and_the_chair_closes() {
    for b in backends() {
        let app = TestApp::demo(b, 1000).await;
        let db = &app.tdb.db;
        let first = before_the_council(&app, "SYT", 3).await;
        let second = before_the_council(&app, "STP", 2).await;
        let accounts = member_accounts(&app).await;
        assert_eq!(accounts.len(), 15);
        let chair = accounts[0].1;
        let council_id = tdkt_store::org::list_councils(db).await.unwrap().remove(0).id;

        // Opening: the office only; a unit officer and the administrator do not even see sessions.
        let (office, ocsrf) = app.login("chuyenvien").await;
        for who in ["canbo.so", "quantri"] {
            let (c, _) = app.login(who).await;
            assert_eq!(
                c.get(format!("{}/council/sessions", app.url)).send().await.unwrap().status(),
                403,
                "{b}: {who}"
            );
        }
        let r = office
            .post(format!("{}/council/sessions", app.url))
            .form(&[
                ("_csrf", ocsrf.as_str()),
                ("council", &council_id.to_string()),
                ("title", "Phiên họp thử"),
                ("meets_on", "20/10/2026"),
                ("chair", &chair.to_string()),
                ("dossier", &first.to_string()),
                ("dossier", &second.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let session: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let items = council::items(&db.conn, session).await.unwrap();
        assert_eq!(items.len(), 5, "{b}: every nominee of both dossiers is on the agenda");
        // A dossier is on one open session at a time.
        let mut w = db.write(&Actor::system("thử")).await.unwrap();
        let again = council::NewSession {
            council_id,
            title: "Trùng".into(),
            meets_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 21).unwrap(),
            chair_person_id: chair,
            dossier_ids: vec![first],
        };
        assert!(council::create_session(&mut w, &again).await.unwrap_err().to_string().contains("phiên họp khác"));
        w.rollback().await.unwrap();

        // Nobody votes before being recorded present.
        let (h, hcsrf) = app.login("hoidong").await;
        let vote = |c: reqwest::Client, csrf: String, item: i64, choice: &'static str| {
            let url = format!("{}/council/sessions/{session}/vote", app.url);
            async move {
                let form = [("_csrf".to_string(), csrf), (format!("item_{item}"), choice.to_string())];
                let r = c.post(url).form(&form).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, page) = vote(h.clone(), hcsrf.clone(), items[0].id, "dong_y").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("có mặt"), "{b}");

        // 10 of 15 present (the demo province's quorum is half).
        let present: Vec<&(String, i64)> = accounts.iter().take(10).collect();
        let mut form: Vec<(String, String)> = vec![("_csrf".into(), ocsrf.clone())];
        form.extend(present.iter().map(|(_, p)| ("present".to_string(), p.to_string())));
        let r =
            office.post(format!("{}/council/sessions/{session}/attendance", app.url)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let (absent, _) = app.login(&accounts[12].0).await;
        let page =
            absent.get(format!("{}/council/sessions/{session}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("id=\"ballot\""), "{b}: an absent member gets no ballot");

        // Everyone present votes on every nominee at the same time. Item k gets k+3 "yes" of 10:
        // at the demo province's half, items 0 and 1 fail, 2, 3 and 4 pass.
        let mut expected_yes = vec![0usize; items.len()];
        let mut tasks = vec![];
        for (m, (user, _)) in present.iter().enumerate() {
            let (c, csrf) = app.login(user).await;
            for (k, item) in items.iter().enumerate() {
                let yes = m < (k + 3).min(10);
                if yes {
                    expected_yes[k] += 1;
                }
                tasks.push(vote(c.clone(), csrf.clone(), item.id, if yes { "dong_y" } else { "khong_dong_y" }));
            }
        }
        let results = futures_join_all(tasks).await;
        assert!(
            results.iter().all(|(s, _)| *s == 303),
            "{b}: every vote lands: {:?}",
            results.iter().filter(|r| r.0 != 303).map(|r| &r.1[..r.1.len().min(200)]).collect::<Vec<_>>()
        );
        // A second vote on the same nominee is refused.
        let (s, page) = vote(h.clone(), hcsrf.clone(), items[0].id, "khong_dong_y").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("chỉ bỏ một phiếu"), "{b}");

        // While open: how many voted, never how.
        let page =
            office.get(format!("{}/council/sessions/{session}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("10/10"), "{b}: the count of voters shows");
        assert!(!page.contains("Thông qua") && !page.contains("<th>Đồng ý</th>"), "{b}: no result while open");
        let page = h.get(format!("{}/council/sessions/{session}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Bạn đã bỏ phiếu cho tất cả 5"), "{b}");
        // The audit log names the items of a vote, never the choice.
        let log = tdkt_store::audit::list(
            db,
            &tdkt_store::audit::AuditFilter {
                action_prefix: Some("council_session.vote".into()),
                ..Default::default()
            },
            1,
            100,
        )
        .await
        .unwrap();
        assert_eq!(log.total, 50, "{b}: one entry per vote");
        assert!(log.items.iter().all(|e| !e.detail.contains("dong_y") && !e.detail.contains("yes")), "{b}");
        // No table ties a ballot to a member: the ballot's columns are its key, item and choice.
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .conn
            .query_one_raw(Statement::from_string(db.backend(), "SELECT * FROM council_ballot LIMIT 1"))
            .await
            .unwrap()
            .unwrap();
        let mut cols = row.column_names();
        cols.sort();
        assert_eq!(cols, vec!["choice", "id", "item_id"], "{b}");

        // Only the presiding member closes, and only with the province's figures set.
        let (s, page) = {
            let r = h
                .post(format!("{}/council/sessions/{session}/close", app.url))
                .form(&[("_csrf", hcsrf.as_str())])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        };
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Chỉ người chủ trì"), "{b}");
        let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut w = db.write(&Actor::system("thử")).await.unwrap();
        tdkt_store::registry::delete_param_override(&mut w, "council.vote_ratio", from).await.unwrap();
        w.commit().await.unwrap();
        let (chair_c, ccsrf) = app.login("chutich").await;
        let close = || {
            let (c, csrf, url) =
                (chair_c.clone(), ccsrf.clone(), format!("{}/council/sessions/{session}/close", app.url));
            async move {
                let r = c.post(url).form(&[("_csrf", csrf)]).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, page) = close().await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("council.vote_ratio"), "{b}: an unset pass ratio is never assumed");
        assert!(council::get_session(&db.conn, session).await.unwrap().is_open());
        let mut w = db.write(&Actor::system("thử")).await.unwrap();
        tdkt_store::registry::set_param_override(&mut w, "council.vote_ratio", from, Some(0.5), "thử").await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(close().await.0, 303, "{b}");

        // The counts are what was cast; the dossiers moved on.
        let items = council::items(&db.conn, session).await.unwrap();
        for (k, item) in items.iter().enumerate() {
            assert_eq!(item.yes, Some(expected_yes[k] as i32), "{b}: item {k}");
            assert_eq!(item.no, Some((10 - expected_yes[k]) as i32), "{b}: item {k}");
            assert_eq!(item.passed, Some(expected_yes[k] >= 5), "{b}: item {k}");
        }
        for id in [first, second] {
            assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Voted, "{b}");
        }
        let page =
            office.get(format!("{}/council/sessions/{session}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Kết quả bỏ phiếu") && page.contains("Thông qua"), "{b}");
        let page = office.get(format!("{}/dossiers/{first}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Hội đồng thông qua"), "{b}: the dossier shows the result");
        // The minutes: a Word document with the counts.
        let r = office.get(format!("{}/council/sessions/{session}/minutes.docx", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        let bytes = r.bytes().await.unwrap();
        let json = docx_rs::read_docx(&bytes).expect("Word opens the minutes").json();
        assert!(
            json.contains("BIÊN BẢN") && json.contains("10/15 thành viên") && json.contains("Phiên họp thử"),
            "{b}"
        );
        assert!(json.contains(&items[4].name), "{b}: every nominee is listed");
        // Kept for a look (LibreOffice to PDF, then pdftoppm); the test does not read it back.
        let _ = std::fs::write(std::env::temp_dir().join(format!("tdkt-minutes-{b}.docx")), &bytes);
        // Closed: no more votes, no second close.
        let (s, _) = vote(h.clone(), hcsrf.clone(), items[1].id, "dong_y").await;
        assert_eq!(s, 422, "{b}");
        assert_eq!(close().await.0, 422, "{b}");
        tdkt_store::audit::verify(db).await.unwrap().expect("chain intact");
    }
}

/// Runs the futures concurrently (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future + Send + 'static>(fs: Vec<F>) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.into_iter().map(tokio::spawn).collect();
    let mut out = vec![];
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
