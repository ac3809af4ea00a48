//! Nomination dossiers over HTTP, on both databases: a unit prepares a dossier (nominees with the
//! engine's verdict, typed documents checked by content), cannot send it incomplete, sends it;
//! the office appraises and returns it with a reason; the unit supplements and sends again, the
//! first version kept with its files; another commune never reads it or its files; the
//! administrator does not read dossiers; every step is in the audit log.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends, extract};
use tdkt_store::dossier::{self, DossierFilter};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1];

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    id: i64,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().text("kind", kind.to_string()).part("file", part);
    c.post(format!("{}/dossiers/{id}/documents", app.url))
        .header("X-CSRF-Token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn act(app: &TestApp, c: &reqwest::Client, csrf: &str, id: i64, action: &str, reason: &str) -> (u16, String) {
    let r = c
        .post(format!("{}/dossiers/{id}/action", app.url))
        .form(&[("_csrf", csrf), ("action", action), ("reason", reason)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn status(app: &TestApp, id: i64) -> String {
    dossier::get(&app.tdb.db.conn, id).await.unwrap().status.code().to_string()
}

/// The id of a person of `unit_code` (or below) whose name the engine can judge.
async fn someone_of(app: &TestApp, unit_code: &str, skip: usize) -> tdkt_store::org::Person {
    let unit = tdkt_store::org::get_unit(&app.tdb.db.conn, app.unit_id(unit_code).await).await.unwrap();
    let f = tdkt_store::org::PersonFilter {
        unit_path: Some(unit.path.clone()),
        scope: vec![unit.path],
        ..Default::default()
    };
    tdkt_store::org::search_people(&app.tdb.db, &f, 1, 50).await.unwrap().items.remove(skip)
}

#[tokio::test]
async fn a_dossier_goes_to_the_office_back_for_supplement_and_again() {
    for b in backends() {
        let app = TestApp::demo(b, 3000).await;
        let syt = app.unit_id("SYT").await;
        let round = dossier::rounds(&app.tdb.db).await.unwrap().into_iter().find(|r| r.number == 2).unwrap().id;
        let (unit, ucsrf) = app.login("canbo.so").await;

        // Opening: the unit's own officer, for the unit; a missing title is named.
        let r = unit
            .post(format!("{}/dossiers/new", app.url))
            .form(&[
                ("_csrf", ucsrf.as_str()),
                ("unit", &syt.to_string()),
                ("round", &round.to_string()),
                ("kind", "thuong_xuyen"),
                ("title", "  "),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("trích yếu"), "{b}: the title's error is shown");
        let r = unit
            .post(format!("{}/dossiers/new", app.url))
            .form(&[
                ("_csrf", ucsrf.as_str()),
                ("unit", &syt.to_string()),
                ("round", &round.to_string()),
                ("kind", "thuong_xuyen"),
                ("title", "Đề nghị tặng Bằng khen năm 2025 cho Sở Y tế"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let id: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/dossiers/").parse().unwrap();
        assert_eq!(status(&app, id).await, "draft");

        // Nominees: one of the unit's people (the verdict is stored with it), not twice, and
        // nobody from another unit.
        let p = someone_of(&app, "SYT", 0).await;
        let add = |person: i64, award: &'static str| {
            let (unit, ucsrf, url) = (unit.clone(), ucsrf.clone(), app.url.clone());
            async move {
                unit.post(format!("{url}/dossiers/{id}/nominees"))
                    .form(&[
                        ("_csrf", ucsrf.as_str()),
                        ("person", &person.to_string()),
                        ("award", award),
                        ("year", "2025"),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(add(p.id, "BK_TINH").await.status(), 303, "{b}");
        assert_eq!(add(p.id, "BK_TINH").await.status(), 422, "{b}: the same nominee twice");
        let outsider = someone_of(&app, "SNV", 0).await;
        let r = add(outsider.id, "BK_TINH").await;
        assert_eq!(r.status(), 403, "{b}: a person of a unit the officer does not reach");
        assert!(!r.text().await.unwrap().contains(&outsider.full_name), "{b}: and nothing about them is said");
        let r = add(p.id, "CO_TD_TINH").await;
        assert_eq!(r.status(), 422, "{b}: a collective's award for a person");
        let nominees = dossier::nominees(&app.tdb.db.conn, id).await.unwrap();
        assert_eq!(nominees.len(), 1);
        assert!(matches!(nominees[0].verdict.as_str(), "eligible" | "not_eligible"), "{b}: {}", nominees[0].verdict);
        assert!(nominees[0].verdict_json.contains("Điều 74"), "{b}: the verdict cites its articles");

        // Sending without the documents the law asks for is refused and names them.
        let (s, page) = act(&app, &unit, &ucsrf, id, "submit", "").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Tờ trình") && page.contains("Biên bản"), "{b}: the missing documents are named");
        assert_eq!(status(&app, id).await, "draft");
        let page = unit.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"submit-blocked\""), "{b}: the page says why it cannot be sent");

        // Documents: the type is read from the content; a bad upload leaves nothing behind.
        let before = tdkt_store::audit::verify(&app.tdb.db).await.unwrap().unwrap();
        let r = upload(&app, &unit, &ucsrf, id, "to_trinh", "to-trinh.pdf", b"MZ\x90\x00 this is an executable").await;
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("không phải loại được nhận"), "{b}");
        let r = upload(&app, &unit, &ucsrf, id, "to_trinh", "to-trinh.docx", PDF).await;
        assert_eq!(r.status(), 422, "{b}: a PDF named .docx");
        let r = upload(&app, &unit, &ucsrf, id, "", "to-trinh.pdf", PDF).await;
        assert_eq!(r.status(), 422, "{b}: no kind");
        assert_eq!(tdkt_store::audit::verify(&app.tdb.db).await.unwrap().unwrap(), before, "{b}: nothing written");
        assert!(dossier::documents(&app.tdb.db.conn, id).await.unwrap().is_empty());
        let too_big = [PDF, &vec![b' '; 20 * 1024 * 1024]].concat();
        let r = upload(&app, &unit, &ucsrf, id, "to_trinh", "lon.pdf", &too_big).await;
        assert_eq!(r.status(), 422, "{b}: a file over the limit");
        assert!(r.text().await.unwrap().contains("quá giới hạn 20 MB"), "{b}");
        for (kind, name, bytes) in [
            ("to_trinh", "Tờ trình số 15.pdf", PDF),
            ("bao_cao_thanh_tich", "Báo cáo thành tích.pdf", PDF),
            ("bien_ban", "Biên bản họp.png", PNG),
        ] {
            assert_eq!(upload(&app, &unit, &ucsrf, id, kind, name, bytes).await.status(), 303, "{b}: {name}");
        }
        let docs = dossier::documents(&app.tdb.db.conn, id).await.unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].file_name, "Tờ trình số 15.pdf");
        assert_eq!(docs[2].media_type, "image/png");
        let minutes = docs[2].id;
        let r = unit.get(format!("{}/dossiers/{id}/documents/{}", app.url, docs[0].id)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains("UTF-8''T%E1%BB%9D"), "{b}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

        // Another commune's officer, a block head and the administrator see neither the dossier,
        // nor its files, nor it in their lists.
        for who in ["canbo.xa", "truongkhoi", "quantri"] {
            let (c, _) = app.login(who).await;
            assert_eq!(c.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().status(), 403, "{b}: {who}");
            let r = c.get(format!("{}/dossiers/{id}/documents/{}", app.url, docs[0].id)).send().await.unwrap();
            assert_eq!(r.status(), 403, "{b}: {who} downloads");
            let list = c.get(format!("{}/dossiers", app.url)).send().await.unwrap();
            if who != "quantri" {
                assert!(!list.text().await.unwrap().contains("cho Sở Y tế"), "{b}: {who} lists it");
            } else {
                assert_eq!(list.status(), 403, "{b}");
            }
        }

        // Sent: version 1 is kept; the unit can no longer change it.
        let (s, _) = act(&app, &unit, &ucsrf, id, "submit", "").await;
        assert_eq!(s, 303, "{b}");
        assert_eq!(status(&app, id).await, "submitted");
        assert_eq!(add(p.id, "LDTT").await.status(), 422, "{b}: a sent dossier is not edited");
        assert_eq!(upload(&app, &unit, &ucsrf, id, "khac", "them.pdf", PDF).await.status(), 422, "{b}");

        // The office: in its queue; a council member cannot appraise; a return needs a reason.
        let (office, ocsrf) = app.login("chuyenvien").await;
        let queue =
            office.get(format!("{}/dossiers?status=cho_xu_ly", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(queue.contains("cho Sở Y tế"), "{b}: the dossier is in the office's queue");
        let (council, ccsrf) = app.login("hoidong").await;
        let (s, page) = act(&app, &council, &ccsrf, id, "start_appraisal", "").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Chỉ chuyên viên"), "{b}");
        assert_eq!(act(&app, &office, &ocsrf, id, "start_appraisal", "").await.0, 303, "{b}");
        let page = office.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"checklist\"") && page.contains("Đủ thành phần hồ sơ"), "{b}: the checklist");
        assert!(page.contains("theo dữ liệu hôm nay"), "{b}: eligibility re-run on today's data");
        let (s, page) = act(&app, &office, &ocsrf, id, "return", "   ").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("lý do"), "{b}");
        let reason = "Biên bản họp chưa có chữ ký của Chủ tịch Hội đồng";
        assert_eq!(act(&app, &office, &ocsrf, id, "return", reason).await.0, 303, "{b}");
        assert_eq!(status(&app, id).await, "returned");

        // The unit sees the reason, replaces the minutes and sends again.
        let page = unit.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(reason), "{b}: the reason reaches the unit");
        let r = unit
            .post(format!("{}/dossiers/{id}/documents/{minutes}/remove", app.url))
            .form(&[("_csrf", ucsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let (s, _) = act(&app, &unit, &ucsrf, id, "submit", "").await;
        assert_eq!(s, 422, "{b}: without minutes it cannot go again");
        assert_eq!(upload(&app, &unit, &ucsrf, id, "bien_ban", "Biên bản có chữ ký.pdf", PDF).await.status(), 303);
        assert_eq!(act(&app, &unit, &ucsrf, id, "submit", "").await.0, 303, "{b}");
        let d = dossier::get(&app.tdb.db.conn, id).await.unwrap();
        assert_eq!((d.status.code(), d.version), ("submitted", 2));
        let versions = dossier::versions(&app.tdb.db.conn, id).await.unwrap();
        assert_eq!(versions.len(), 2);
        let first = &versions[1];
        assert_eq!(first.version, 1);
        assert!(
            first.content.documents.iter().any(|x| x.file_name == "Biên bản họp.png"),
            "{b}: version 1 keeps its minutes"
        );
        assert!(!versions[0].content.documents.iter().any(|x| x.file_name == "Biên bản họp.png"));
        // The first version's file is still served.
        let r = office.get(format!("{}/dossiers/{id}/documents/{minutes}", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);

        // The unit may withdraw it before appraisal; then nothing moves it any more.
        // (Here the office has started again, so the withdrawal is refused.)
        assert_eq!(act(&app, &office, &ocsrf, id, "start_appraisal", "").await.0, 303);
        let (s, page) = act(&app, &unit, &ucsrf, id, "withdraw", "").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Không thể rút hồ sơ"), "{b}: {}", extract(&page, "<p>").unwrap_or_default());

        // The timeline and the audit log hold every step.
        let page = unit.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        for text in
            ["Lập hồ sơ", "Gửi hồ sơ (lần 1)", "Trả lại để bổ sung", reason, "Gửi hồ sơ (lần 2)", "Bắt đầu thẩm định"]
        {
            assert!(page.contains(text), "{b}: the timeline shows “{text}”");
        }
        let steps: Vec<String> =
            dossier::timeline(&app.tdb.db, id).await.unwrap().into_iter().map(|s| s.action).collect();
        for action in [
            "dossier.create",
            "dossier.add_nominee",
            "dossier.add_document",
            "dossier.submit",
            "dossier.return",
            "dossier.remove_document",
            "dossier.start_appraisal",
        ] {
            assert!(steps.iter().any(|s| s == action), "{b}: {action} in the audit log: {steps:?}");
        }
        tdkt_store::audit::verify(&app.tdb.db).await.unwrap().expect("chain intact");
    }
}

#[tokio::test]
async fn a_stale_step_changes_nothing_and_the_queue_filters() {
    for b in backends() {
        let app = TestApp::demo(b, 400).await;
        let db = &app.tdb.db;
        let all = DossierFilter { scope: vec!["/".into()], ..Default::default() };
        let lines = dossier::list(db, &all, 1, 50).await.unwrap();
        assert_eq!(lines.total, 3, "{b}: the demo's two dossiers being prepared and one on posting");
        // The list downloads as a spreadsheet with the same filters and scope.
        let (office, _) = app.login("chuyenvien").await;
        let csv =
            office.get(format!("{}/dossiers.csv?status=posting", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(csv.contains("Huân chương") || csv.contains("Đang công khai"), "{b}: {csv}");
        assert_eq!(csv.lines().count(), 2, "{b}: a header and the one dossier on posting");
        let (commune, _) = app.login("canbo.xa").await;
        let csv = commune.get(format!("{}/dossiers.csv", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains("Sở Y tế") && csv.contains("Mường Bú"), "{b}: only the commune's own");
        let r = office.get(format!("{}/dossiers.xlsx", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{b}");
        let syt = lines.items.iter().find(|l| l.dossier.unit_name == "Sở Y tế").unwrap().dossier.clone();
        // Two people read the dossier as a draft; the first one's withdrawal lands, the
        // second one's, based on what they read, is refused and writes nothing.
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        dossier::move_to(
            &mut w,
            &syt,
            &tdkt_domain::dossier::Action::Withdraw,
            tdkt_domain::dossier::Status::Withdrawn,
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let before = tdkt_store::audit::verify(db).await.unwrap().unwrap();
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let e = dossier::move_to(
            &mut w,
            &syt,
            &tdkt_domain::dossier::Action::Withdraw,
            tdkt_domain::dossier::Status::Withdrawn,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("vừa được người khác"), "{b}: {e}");
        w.rollback().await.unwrap();
        assert_eq!(tdkt_store::audit::verify(db).await.unwrap().unwrap(), before);

        // Filters: status, kind, overdue (round 2's last day is 30/09/2026), search without
        // diacritics, and the scope.
        let f = |g: DossierFilter| async move { dossier::list(db, &g, 1, 50).await.unwrap().total };
        let scoped = |statuses| DossierFilter { statuses, ..all.clone() };
        assert_eq!(f(scoped(vec![tdkt_domain::dossier::Status::Withdrawn])).await, 1);
        assert_eq!(f(scoped(vec![tdkt_domain::dossier::Status::Draft])).await, 1);
        let after = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let before_day = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(f(DossierFilter { overdue_on: Some(after), ..all.clone() }).await, 1, "{b}: the draft is late");
        assert_eq!(f(DossierFilter { overdue_on: Some(before_day), ..all.clone() }).await, 0, "{b}");
        assert_eq!(f(DossierFilter { q: Some("muong bu".into()), ..all.clone() }).await, 1, "{b}");
        assert_eq!(f(DossierFilter { kind: Some(tdkt_domain::dossier::DossierKind::AdHoc), ..all.clone() }).await, 0);
        let xa = tdkt_store::org::get_unit(&db.conn, app.unit_id("XA-03847").await).await.unwrap();
        assert_eq!(f(DossierFilter { scope: vec![xa.path.clone()], ..Default::default() }).await, 1, "{b}");
        assert_eq!(f(DossierFilter { scope: vec![], ..Default::default() }).await, 0, "{b}: no scope, nothing");

        // Rounds: one number per year.
        let (office, ocsrf) = app.login("chuyenvien").await;
        let form = |n: &'static str| {
            let (office, ocsrf, url) = (office.clone(), ocsrf.clone(), app.url.clone());
            async move {
                office
                    .post(format!("{url}/dossiers/rounds"))
                    .form(&[("_csrf", ocsrf.as_str()), ("year", "2027"), ("number", n), ("submit_by", "30/09/2027")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(form("1").await, 422, "{b}: round 1 of 2027 exists (demo)");
        assert_eq!(form("2").await, 303, "{b}");
        let r = dossier::rounds(db).await.unwrap();
        assert_eq!((r[0].year, r[0].number, r[0].name.as_str()), (2027, 2, "Đợt 2 năm 2027"));
    }
}

#[tokio::test]
async fn an_order_is_posted_for_the_working_days_before_the_council() {
    use tdkt_domain::dossier::{Action, Status};
    for b in backends() {
        let app = TestApp::demo(b, 400).await;
        let db = &app.tdb.db;
        let unit = tdkt_store::org::get_unit(&db.conn, app.unit_id("SYT").await).await.unwrap();
        let p = someone_of(&app, "SYT", 0).await;
        let round = dossier::rounds(db).await.unwrap().remove(0).id;
        let steps = [(Action::Submit, Status::Submitted), (Action::StartAppraisal, Status::Appraising)];
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let title = "Đề nghị tặng Huân chương Lao động hạng Ba";
        let id = tdkt::bench_dossiers::dossier_through(&mut w, unit.id, round, title, &[p.id], "HCLD3", &steps)
            .await
            .unwrap();
        w.commit().await.unwrap();

        // An order goes to public posting first (NĐ 98/2023 Đ46 k2), posted today.
        let (office, ocsrf) = app.login("chuyenvien").await;
        let act = |action: &'static str| {
            let (c, csrf, url) = (office.clone(), ocsrf.clone(), format!("{}/dossiers/{id}/action", app.url));
            async move {
                let r = c.post(url).form(&[("_csrf", csrf.as_str()), ("action", action)]).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        assert_eq!(act("pass").await.0, 303, "{b}");
        let d = dossier::get(&db.conn, id).await.unwrap();
        assert_eq!((d.status, d.posted_on), (Status::Posting, Some(tdkt_store::db::today())), "{b}");
        let page = office.get(format!("{}/dossiers/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"posting\"") && page.contains("đủ 10 ngày làm việc"), "{b}");
        // Ten working days have not passed.
        let (s, page) = act("end_posting").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Chưa đủ 10 ngày làm việc"), "{b}");
        assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Posting);
        // Posted a month ago: the period is over.
        let month_ago = tdkt_store::db::today() - chrono::Days::new(30);
        use sea_orm::ConnectionTrait;
        db.conn
            .execute_raw(tdkt_store::db::stmt(
                db.backend(),
                "UPDATE dossier SET posted_on = ? WHERE id = ?",
                vec![month_ago.into(), id.into()],
            ))
            .await
            .unwrap();
        assert_eq!(act("end_posting").await.0, 303, "{b}");
        assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Council, "{b}");

        // The council passes the nominee (eight members present, all vote yes).
        let council_id = tdkt_store::org::list_councils(db).await.unwrap().remove(0).id;
        let members = tdkt_store::council::member_ids(&db.conn, council_id).await.unwrap();
        let chair = tdkt_store::users::find_user(db, "chutich").await.unwrap().unwrap().person_id.unwrap();
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let new = tdkt_store::council::NewSession {
            council_id,
            title: "Phiên họp thử".into(),
            meets_on: tdkt_store::db::today(),
            chair_person_id: chair,
            dossier_ids: vec![id],
        };
        let session = tdkt_store::council::create_session(&mut w, &new).await.unwrap();
        let s = tdkt_store::council::get_session(&w.tx, session).await.unwrap();
        let present: Vec<i64> = members.iter().copied().take(8).collect();
        tdkt_store::council::set_attendance(&mut w, &s, &present).await.unwrap();
        let item = tdkt_store::council::items(&w.tx, session).await.unwrap()[0].id;
        for p in &present {
            tdkt_store::council::vote(&mut w, session, *p, &[(item, tdkt_domain::council::Choice::Yes)]).await.unwrap();
        }
        w.commit().await.unwrap();
        let (chutich, ccsrf) = app.login("chutich").await;
        let r = chutich
            .post(format!("{}/council/sessions/{session}/close", app.url))
            .form(&[("_csrf", ccsrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Voted, "{b}");

        // An order is decided by the President: the office forwards it and records the outcome.
        let (s, page) = act("pass").await;
        assert_eq!(s, 422, "{b}: {}", &page[..page.len().min(300)]);
        assert_eq!(act("forward").await.0, 303, "{b}");
        assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Forwarded, "{b}");
        let outcome = |fields: Vec<(&'static str, &'static str)>| {
            let (c, csrf, url) = (office.clone(), ocsrf.clone(), format!("{}/dossiers/{id}/outcome", app.url));
            async move {
                let mut form: Vec<(&str, String)> = vec![("_csrf", csrf)];
                form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
                let r = c.post(url).form(&form).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s, page) = outcome(vec![("outcome", "awarded"), ("number", ""), ("signed_on", "15/12/2026")]).await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("số quyết định"), "{b}");
        let (s, _) = outcome(vec![
            ("outcome", "awarded"),
            ("number", "1234/QĐ-CTN"),
            ("signed_on", "15/12/2026"),
            ("issuer", "Chủ tịch nước"),
        ])
        .await;
        assert_eq!(s, 303, "{b}");
        assert_eq!(dossier::get(&db.conn, id).await.unwrap().status, Status::Decided, "{b}");
        let records = tdkt_store::registry::records(db, tdkt_store::registry::Holder::Person(p.id)).await.unwrap();
        let award = records.awards.iter().find(|a| a.award_code == "HCLD3").expect("the order is in the registry");
        assert_eq!(award.year, 2025, "{b}");
        assert_eq!(award.decision_number.as_deref(), Some("1234/QĐ-CTN"), "{b}: with its decision");
        assert_eq!(outcome(vec![("outcome", "not_awarded"), ("reason", "x")]).await.0, 422, "{b}: only once");

        // The province enters the year's moving holidays; a unit officer cannot.
        let holiday = |c: reqwest::Client, csrf: String, day: &'static str| {
            let url = format!("{}/rules/holidays", app.url);
            async move {
                c.post(url)
                    .form(&[("_csrf", csrf.as_str()), ("day", day), ("name", "Tết Nguyên đán")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(holiday(office.clone(), ocsrf.clone(), "17/02/2026").await, 303, "{b}");
        assert_eq!(holiday(office.clone(), ocsrf.clone(), "17/02/2026").await, 422, "{b}: twice");
        let (unit_officer, ucsrf) = app.login("canbo.so").await;
        assert_eq!(holiday(unit_officer, ucsrf, "18/02/2026").await, 403, "{b}");
        let days = dossier::holidays(&db.conn).await.unwrap();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].day, chrono::NaiveDate::from_ymd_opt(2026, 2, 17).unwrap());
    }
}
