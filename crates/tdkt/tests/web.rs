#![allow(clippy::unwrap_used)]
//! End-to-end tests over HTTP against the real server, on SQLite and (when configured) PostgreSQL.

mod common;

use common::{TestApp, TestDb, backends};
use tdkt_store::Actor;

#[tokio::test]
async fn health_openapi_and_login_flow() {
    for b in backends() {
        let app = TestApp::demo(b, 500).await;
        let c = TestApp::client();
        let h: serde_json::Value = c.get(format!("{}/healthz", app.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(h["status"], "ok", "{b}");
        let api: serde_json::Value =
            c.get(format!("{}/api/v1/openapi.json", app.url)).send().await.unwrap().json().await.unwrap();
        assert!(api["paths"]["/api/v1/people"].is_object() && api["paths"]["/api/v1/units/{id}"].is_object(), "{b}");
        // Not logged in: pages redirect to the login form, the API answers 401 JSON.
        let r = c.get(format!("{}/people", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = c.get(format!("{}/api/v1/people", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 401);
        // Wrong password: a Vietnamese message, no session.
        let page = c.get(format!("{}/login", app.url)).send().await.unwrap().text().await.unwrap();
        let token = common::extract(&page, "name=\"_csrf\" value=\"").unwrap();
        let r = c
            .post(format!("{}/login", app.url))
            .form(&[("_csrf", token.as_str()), ("username", "chuyenvien"), ("password", "sai mật khẩu")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("Sai tên đăng nhập hoặc mật khẩu"));
        // Login without the login form's token is refused.
        let r = TestApp::client()
            .post(format!("{}/login", app.url))
            .form(&[("username", "chuyenvien"), ("password", tdkt::demo::DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}: login CSRF");
        let (c, _) = app.login("chuyenvien").await;
        let home = c.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Bảng điều khiển"));
    }
}

#[tokio::test]
async fn search_ignores_diacritics_and_sorts_the_vietnamese_way() {
    for b in backends() {
        let app = TestApp::demo(b, 2000).await;
        let (c, _) = app.login("chuyenvien").await;
        let html = c.get(format!("{}/people?q=nguyen+thi+huong", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Nguyễn Thị Hường"), "{b}: search without diacritics");
        let units = c.get(format!("{}/units?q=dien+bien", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(units.contains("Điện Biên"), "{b}: đ folds to d");
        let r: serde_json::Value = c
            .get(format!("{}/api/v1/people?q=huong&per_page=200", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let names: Vec<String> =
            r["items"].as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap().to_string()).collect();
        assert!(!names.is_empty(), "{b}");
        let keys: Vec<String> = names.iter().map(|n| tdkt_domain::text::person_sort_key(n)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{b}: people come in Vietnamese order (given, middle, family)");
        // NFD input finds the NFC name.
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng";
        let r: serde_json::Value = c
            .get(format!("{}/api/v1/people", app.url))
            .query(&[("q", nfd)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(r["total"].as_u64().unwrap() >= 1, "{b}: NFD query");
    }
}

#[tokio::test]
async fn unsafe_requests_need_the_session_csrf_token() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, csrf) = app.login("chuyenvien").await;
        let body = serde_json::json!({"full_name": "Lò Văn Pản", "gender": "nam", "unit_code": "SNV"});
        let r = c.post(format!("{}/api/v1/people", app.url)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 403, "{b}: no token");
        let r = c
            .post(format!("{}/api/v1/people", app.url))
            .header("X-CSRF-Token", "wrong")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}: wrong token");
        let r = c
            .post(format!("{}/api/v1/people", app.url))
            .header("X-CSRF-Token", &csrf)
            .header("Sec-Fetch-Site", "cross-site")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}: cross-site");
        let r = c
            .post(format!("{}/api/v1/people", app.url))
            .header("X-CSRF-Token", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{b}: with the token");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["full_name"], "Lò Văn Pản");
        // A bad field gets a Vietnamese message naming it, and nothing is stored.
        let bad = serde_json::json!({"full_name": "", "gender": "x", "unit_code": "SNV", "birth_date": "31/02/1990"});
        let r =
            c.post(format!("{}/api/v1/people", app.url)).header("X-CSRF-Token", &csrf).json(&bad).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let e: serde_json::Value = r.json().await.unwrap();
        let fields: Vec<&str> = e["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(
            fields.contains(&"full_name") && fields.contains(&"gender") && fields.contains(&"birth_date"),
            "{fields:?}"
        );
        // Malformed JSON is a clear 400, not a crash.
        let r = c
            .post(format!("{}/api/v1/people", app.url))
            .header("X-CSRF-Token", &csrf)
            .header("content-type", "application/json")
            .body("{nope")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        // Logout ends the session.
        let r = c.post(format!("{}/logout", app.url)).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = c.get(format!("{}/", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}: logged out");
    }
}

#[tokio::test]
async fn sessions_are_shared_by_servers_on_one_database() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, _) = app.login("canbo.xa").await;
        // A second server over the same database accepts the session.
        let db2 = tdkt_store::Db::connect(&app.tdb.url).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url2 = format!("http://{}", listener.local_addr().unwrap());
        let state = tdkt_web::AppState { db: db2, config: std::sync::Arc::new(tdkt_web::WebConfig::default()) };
        tokio::spawn(tdkt_web::serve(listener, state, std::future::pending()));
        let cookie = c.get(format!("{}/", app.url)).send().await.unwrap();
        assert_eq!(cookie.status(), 200);
        // reqwest keeps cookies per host:port-less domain, so the same client sends it to url2.
        let r = c.get(format!("{url2}/")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}: second server accepts the session");
    }
}

#[tokio::test]
async fn login_is_rate_limited() {
    let app = TestApp::demo("sqlite", 300).await;
    let c = TestApp::client();
    let mut last = 0;
    for _ in 0..7 {
        let page = c.get(format!("{}/login", app.url)).send().await.unwrap().text().await.unwrap();
        let token = common::extract(&page, "name=\"_csrf\" value=\"").unwrap();
        let r = c
            .post(format!("{}/login", app.url))
            .form(&[("_csrf", token.as_str()), ("username", "quantri"), ("password", "đoán bừa")])
            .send()
            .await
            .unwrap();
        last = r.status().as_u16();
    }
    assert_eq!(last, 429);
    // Even the right password is refused while limited.
    let page = c.get(format!("{}/login", app.url)).send().await.unwrap().text().await.unwrap();
    let token = common::extract(&page, "name=\"_csrf\" value=\"").unwrap();
    let r = c
        .post(format!("{}/login", app.url))
        .form(&[("_csrf", token.as_str()), ("username", "quantri"), ("password", tdkt::demo::DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn audit_chain_records_changes_and_detects_a_hand_edit() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, csrf) = app.login("canbo.xa").await;
        let r = c
            .post(format!("{}/people/new", app.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("full_name", "Quàng Thị Ín"),
                ("gender", "nu"),
                ("unit_code", "XA-03847"),
                ("birth_date", "12/05/1990"),
                ("ethnicity", "Thái"),
                ("leadership", "truc_tiep"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let v = tdkt_store::audit::verify(&app.tdb.db).await.unwrap().expect("chain intact");
        assert!(v.entries > 400);
        let rows = tdkt_store::audit::list(
            &app.tdb.db,
            &tdkt_store::audit::AuditFilter { action_prefix: Some("person.create".into()), ..Default::default() },
            1,
            10,
        )
        .await
        .unwrap();
        assert_eq!(rows.items[0].actor_name, "canbo.xa");
        assert!(rows.items[0].detail.contains("Quàng Thị Ín"));
        // Edit one row by hand: verify names it.
        use sea_orm::ConnectionTrait;
        app.tdb.db.conn.execute_unprepared("UPDATE audit_log SET detail = '{}' WHERE seq = 5").await.unwrap();
        let broken = tdkt_store::audit::verify(&app.tdb.db).await.unwrap().expect_err("broken");
        assert_eq!(broken.seq, 5, "{b}");
    }
}

#[tokio::test]
async fn a_failed_write_leaves_no_trace() {
    for b in backends() {
        let tdb = TestDb::new(b).await;
        tdkt::demo::load(&tdb.db, 300, &|_| {}).await.unwrap();
        let before = tdkt_store::audit::verify(&tdb.db).await.unwrap().unwrap();
        let mut w = tdb.db.write(&Actor::system("test")).await.unwrap();
        let input = tdkt_domain::org::UnitInput {
            code: "X1".into(),
            name: "Thử".into(),
            kind: tdkt_domain::org::UnitKind::Other,
            parent_code: Some("KHONG-CO".into()),
            active_from: None,
            active_to: None,
        };
        assert!(tdkt_store::org::create_unit(&mut w, &input).await.is_err());
        w.rollback().await.unwrap();
        let after = tdkt_store::audit::verify(&tdb.db).await.unwrap().unwrap();
        assert_eq!(before, after, "{b}");
    }
}

#[tokio::test]
async fn officers_create_blocks_and_council_members() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, csrf) = app.login("chuyenvien").await;
        let form = [
            ("_csrf", csrf.as_str()),
            ("code", "KHOI-THU-2027"),
            ("name", "Khối thử nghiệm"),
            ("kind", "khoi"),
            ("year", "2027"),
            ("members", "SNV\nSTP, STC"),
            ("head", "STP"),
            ("deputy", "SNV"),
        ];
        let r = c.post(format!("{}/groups/new", app.url)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let groups = tdkt_store::org::list_groups(&app.tdb.db, 2027).await.unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].members, 3);
        assert_eq!(groups[0].head_name.as_deref(), Some("Sở Tư pháp"));
        // The same unit twice in one year's blocks is refused with a message.
        let form2 = [
            ("_csrf", csrf.as_str()),
            ("code", "KHOI-THU2-2027"),
            ("name", "Khối khác"),
            ("kind", "khoi"),
            ("year", "2027"),
            ("members", "SNV"),
            ("head", "SYT"),
        ];
        let r = c.post(format!("{}/groups/new", app.url)).form(&form2).send().await.unwrap();
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("đã thuộc một khối thi đua khác năm 2027"), "{b}");
        // Council: add a person, refuse them twice.
        let council = tdkt_store::org::list_councils(&app.tdb.db).await.unwrap().remove(0);
        let before = tdkt_store::org::council_members(&app.tdb.db, council.id).await.unwrap().len();
        let person = tdkt_store::org::search_people(
            &app.tdb.db,
            &tdkt_store::org::PersonFilter {
                unit_path: Some("/".into()),
                scope: vec!["/".into()],
                q: Some("huong".into()),
                ..Default::default()
            },
            1,
            1,
        )
        .await
        .unwrap()
        .items
        .remove(0);
        let pid = person.id.to_string();
        let add =
            [("_csrf", csrf.as_str()), ("person_id", pid.as_str()), ("role", "uy_vien"), ("title", "Chuyên viên")];
        let r = c.post(format!("{}/council/{}/add", app.url, council.id)).form(&add).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        assert_eq!(tdkt_store::org::council_members(&app.tdb.db, council.id).await.unwrap().len(), before + 1);
        let r = c.post(format!("{}/council/{}/add", app.url, council.id)).form(&add).send().await.unwrap();
        assert_eq!(r.status(), 422, "{b}");
    }
}

#[tokio::test]
async fn expired_sessions_are_purged() {
    let app = TestApp::demo("sqlite", 300).await;
    let (c, _) = app.login("canbo.xa").await;
    use sea_orm::ConnectionTrait;
    app.tdb.db.conn.execute_unprepared("UPDATE session SET expires_at = '2000-01-01T00:00:00.000Z'").await.unwrap();
    let r = c.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(r.status(), 303, "an expired session is not accepted");
    tdkt_store::users::purge_expired(&app.tdb.db, "2000-01-01T00:00:00.000Z").await.unwrap();
    let n = app
        .tdb
        .db
        .conn
        .query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "SELECT COUNT(*) AS n FROM session"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.try_get::<i64>("", "n").unwrap(), 0);
}

#[tokio::test]
async fn merging_a_unit_hands_its_people_and_history_to_the_successor() {
    for b in backends() {
        let app = TestApp::demo(b, 500).await;
        let (c, csrf) = app.login("chuyenvien").await;
        let from = app.unit_id("XA-03847").await;
        let to = app.unit_id("XA-03850").await;
        let staff = tdkt_store::org::staff_count(
            &app.tdb.db,
            &tdkt_store::org::get_unit(&app.tdb.db.conn, from).await.unwrap().path,
        )
        .await
        .unwrap();
        let form = [
            ("_csrf", csrf.as_str()),
            ("successor_code", "XA-03850"),
            ("kind", "hop_nhat"),
            ("on", "01/01/2027"),
            ("note", "Nghị quyết thử"),
            ("move_people", "on"),
        ];
        let r = c.post(format!("{}/units/{from}/close", app.url)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let closed = tdkt_store::org::get_unit(&app.tdb.db.conn, from).await.unwrap();
        assert_eq!(closed.active_to, chrono::NaiveDate::from_ymd_opt(2026, 12, 31), "{b}: last day before the merger");
        let history = tdkt_store::org::history_units(&app.tdb.db, to).await.unwrap();
        assert!(history.contains(&from) && history.contains(&to), "{b}: the successor inherits the history");
        let direct = tdkt_store::org::person_ids_of_unit(&app.tdb.db, from).await.unwrap();
        assert!(direct.is_empty(), "{b}: nobody is left in the closed unit");
        assert!(staff > 0);
        let page = c.get(format!("{}/units/{to}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Tiền thân") && page.contains("Xã Mường Bú"), "{b}");
        // A closed unit takes no new staff.
        let p = [("_csrf", csrf.as_str()), ("full_name", "Lò Thị Mới"), ("gender", "nu"), ("unit_code", "XA-03847")];
        let r = c.post(format!("{}/people/new", app.url)).form(&p).send().await.unwrap();
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("đã ngừng hoạt động"));
    }
}
