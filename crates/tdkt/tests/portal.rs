//! The public portal over HTTP, on both databases: anyone sees the nominees on public posting
//! and sends a comment (with the form's own anti-forgery token, a few an hour); nobody comments
//! on a nominee who is not posted; the office reads every comment on the dossier and accepts or
//! rejects it, the council reads the accepted ones, the proposing unit none.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends, extract};
use tdkt_domain::dossier::{Action, Status};

/// A dossier on posting (its nominee and name) and a draft one (its nominee).
async fn posted(app: &TestApp) -> (i64, i64, String, i64) {
    let db = &app.tdb.db;
    let unit = app.unit_id("SYT").await;
    let round = tdkt_store::dossier::rounds(db).await.unwrap().remove(0).id;
    let f = tdkt_store::org::PersonFilter {
        scope: vec!["/".into()],
        unit_path: Some(tdkt_store::org::get_unit(&db.conn, unit).await.unwrap().path),
        ..Default::default()
    };
    let person = tdkt_store::org::search_people(db, &f, 1, 5).await.unwrap().items.remove(0);
    let steps = [
        (Action::Submit, Status::Submitted),
        (Action::StartAppraisal, Status::Appraising),
        (Action::PassToCouncil, Status::Posting),
    ];
    let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
    let title = "Đề nghị tặng Huân chương Lao động hạng Ba";
    let id =
        tdkt::bench_dossiers::dossier_through(&mut w, unit, round, title, &[person.id], "HCLD3", &steps).await.unwrap();
    let draft = tdkt::bench_dossiers::dossier_through(&mut w, unit, round, "Bản nháp", &[person.id], "HCLD3", &[])
        .await
        .unwrap();
    w.commit().await.unwrap();
    let nominee = tdkt_store::dossier::nominees(&db.conn, id).await.unwrap()[0].id;
    let hidden = tdkt_store::dossier::nominees(&db.conn, draft).await.unwrap()[0].id;
    (id, nominee, person.full_name, hidden)
}

/// The form's token, read from the page that also set its cookie on `c`.
async fn form_token(app: &TestApp, c: &reqwest::Client, nominee: i64) -> String {
    let page = c.get(format!("{}/cong-khai/{nominee}", app.url)).send().await.unwrap().text().await.unwrap();
    extract(&page, "name=\"_csrf\" value=\"").unwrap()
}

async fn send(app: &TestApp, c: &reqwest::Client, nominee: i64, csrf: &str, content: &str) -> (u16, String) {
    let r = c
        .post(format!("{}/cong-khai/{nominee}", app.url))
        .form(&[("_csrf", csrf), ("author", "Lò Thị Mai"), ("contact", "0912 345 678"), ("content", content)])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_public_comments_on_posted_nominees_and_the_office_moderates() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (dossier, nominee, name, hidden) = posted(&app).await;
        let visitor = TestApp::client();

        // Anyone sees the list and the nominee's page.
        let list = visitor.get(format!("{}/cong-khai", app.url)).send().await.unwrap();
        assert_eq!(list.status(), 200, "{b}");
        let list = list.text().await.unwrap();
        assert!(list.contains(&name) && list.contains("Huân chương Lao động hạng Ba"), "{b}");
        // A nominee not on posting has no page.
        assert_eq!(visitor.get(format!("{}/cong-khai/{hidden}", app.url)).send().await.unwrap().status(), 404, "{b}");

        // The form needs its own token; bad input is named; a good comment is received.
        let csrf = form_token(&app, &visitor, nominee).await;
        let (s, _) = send(&app, &visitor, nominee, "sai-ma", "Ông ấy làm việc rất tận tụy với dân bản.").await;
        assert_eq!(s, 403, "{b}");
        let stranger = TestApp::client();
        let (s, _) = send(&app, &stranger, nominee, &csrf, "Ông ấy làm việc rất tận tụy với dân bản.").await;
        assert_eq!(s, 403, "{b}: the token without its cookie");
        let (s, page) = send(&app, &visitor, nominee, &csrf, "ngắn").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("ít nhất 10 ký tự"), "{b}");
        let csrf = form_token(&app, &visitor, nominee).await;
        let (s, page) =
            send(&app, &visitor, nominee, &csrf, "Đề nghị xem xét lại: năm 2024 đơn vị có đơn khiếu nại.").await;
        assert_eq!(s, 200, "{b}");
        assert!(page.contains("Cảm ơn bạn"), "{b}");
        // The answer page carries the next form's token.
        let csrf = extract(&page, "name=\"_csrf\" value=\"").unwrap();
        let (s, _) = send(&app, &visitor, hidden, &csrf, "Một ý kiến về người không được công khai.").await;
        assert_eq!(s, 404, "{b}");

        // The office sees it with the contact; the council sees nothing yet; the unit never.
        let (office, ocsrf) = app.login("chuyenvien").await;
        let page = office.get(format!("{}/dossiers/{dossier}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("đơn khiếu nại") && page.contains("0912 345 678") && page.contains("Chờ xem xét"), "{b}");
        assert!(page.contains("Nhận ý kiến của nhân dân"), "{b}: in the timeline");
        let (council, _) = app.login("hoidong").await;
        let page = council.get(format!("{}/dossiers/{dossier}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("đơn khiếu nại"), "{b}");
        let comment = tdkt_store::portal::comments(&app.tdb.db.conn, dossier, false).await.unwrap()[0].id;
        // A comment keeps its paragraphs.
        let csrf = form_token(&app, &visitor, nominee).await;
        let (s, _) = send(&app, &visitor, nominee, &csrf, "Đoạn thứ nhất.\r\n\r\n\r\n  Đoạn   thứ hai.").await;
        assert_eq!(s, 200, "{b}");
        let all = tdkt_store::portal::comments(&app.tdb.db.conn, dossier, false).await.unwrap();
        assert_eq!(all.last().unwrap().content, "Đoạn thứ nhất.\n\nĐoạn thứ hai.", "{b}");
        let moderate = |decision: &'static str, note: &'static str| {
            let (c, csrf) = (office.clone(), ocsrf.clone());
            let url = format!("{}/dossiers/{dossier}/comments/{comment}", app.url);
            async move {
                c.post(url)
                    .form(&[("_csrf", csrf.as_str()), ("decision", decision), ("note", note)])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(moderate("reject", "").await, 422, "{b}: a rejection needs its reason");
        assert_eq!(moderate("accept", "").await, 303, "{b}");
        assert_eq!(moderate("accept", "").await, 422, "{b}: once");
        let page = council.get(format!("{}/dossiers/{dossier}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("đơn khiếu nại") && !page.contains("0912 345 678"), "{b}: accepted, without the contact");
        let (unit, _) = app.login("canbo.so").await;
        let page = unit.get(format!("{}/dossiers/{dossier}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("đơn khiếu nại"), "{b}");

        // One client sends at most ten an hour.
        for i in 0..8 {
            let csrf = form_token(&app, &visitor, nominee).await;
            let (s, _) = send(&app, &visitor, nominee, &csrf, &format!("Ý kiến thứ {i} của cùng một người.")).await;
            assert_eq!(s, 200, "{b}: {i}");
        }
        let csrf = form_token(&app, &visitor, nominee).await;
        let (s, page) = send(&app, &visitor, nominee, &csrf, "Ý kiến thứ mười một trong một giờ.").await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("nhiều ý kiến trong một giờ"), "{b}");
        tdkt_store::audit::verify(&app.tdb.db).await.unwrap().expect("chain intact");
    }
}
