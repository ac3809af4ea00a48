//! The province's award decisions over HTTP, on both databases: the office drafts a decision
//! from the nominees the council passed, the signer cannot sign it until every reward multiple is
//! known, signing numbers it after the register's numbers of the year, puts the awards in the
//! registry with a certificate each and closes the dossiers it decides; the certificate's public
//! address says it is genuine, and says so no longer once the award is revoked.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};
use tdkt_domain::dossier::{Action, Status};
use tdkt_store::award_decision as store;
use tdkt_store::dossier;

/// Dossiers of BK_TINH nominees (one per unit, with its people) taken through a council that
/// passes every nominee; returns the dossiers' ids.
async fn voted(app: &TestApp, units: &[(&str, usize)]) -> Vec<i64> {
    let db = &app.tdb.db;
    let round = dossier::rounds(db).await.unwrap().remove(0).id;
    let steps = [
        (Action::Submit, Status::Submitted),
        (Action::StartAppraisal, Status::Appraising),
        (Action::PassToCouncil, Status::Council),
    ];
    let mut ids = vec![];
    let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
    for (code, n) in units {
        let unit = tdkt_store::org::get_unit(&w.tx, app.unit_id(code).await).await.unwrap();
        let f = tdkt_store::org::PersonFilter {
            unit_path: Some(unit.path.clone()),
            scope: vec![unit.path.clone()],
            ..Default::default()
        };
        let people: Vec<i64> =
            tdkt_store::org::search_people(db, &f, 1, 50).await.unwrap().items.iter().take(*n).map(|p| p.id).collect();
        let title = format!("Đề nghị tặng Bằng khen — {code}");
        ids.push(
            tdkt::bench_dossiers::dossier_through(&mut w, unit.id, round, &title, &people, "BK_TINH", &steps)
                .await
                .unwrap(),
        );
    }
    let council_id = tdkt_store::org::list_councils(db).await.unwrap().remove(0).id;
    let members = tdkt_store::council::member_ids(&w.tx, council_id).await.unwrap();
    let chair = tdkt_store::users::find_user(db, "chutich").await.unwrap().unwrap().person_id.unwrap();
    let new = tdkt_store::council::NewSession {
        council_id,
        title: "Phiên họp thử".into(),
        meets_on: tdkt_store::db::today(),
        chair_person_id: chair,
        dossier_ids: ids.clone(),
    };
    let session = tdkt_store::council::create_session(&mut w, &new).await.unwrap();
    let s = tdkt_store::council::get_session(&w.tx, session).await.unwrap();
    let present: Vec<i64> = members.iter().copied().take(8).collect();
    tdkt_store::council::set_attendance(&mut w, &s, &present).await.unwrap();
    let items: Vec<i64> = tdkt_store::council::items(&w.tx, session).await.unwrap().iter().map(|i| i.id).collect();
    for p in &present {
        let ballot: Vec<_> = items.iter().map(|i| (*i, tdkt_domain::council::Choice::Yes)).collect();
        tdkt_store::council::vote(&mut w, session, *p, &ballot).await.unwrap();
    }
    w.commit().await.unwrap();
    let (chutich, csrf) = app.login("chutich").await;
    let r = chutich
        .post(format!("{}/council/sessions/{session}/close", app.url))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    for id in &ids {
        assert_eq!(dossier::get(&db.conn, *id).await.unwrap().status, Status::Voted);
    }
    ids
}

/// Posts a form with the page's CSRF token; the status and the page.
async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    path: String,
    mut form: Vec<(&'static str, String)>,
    csrf: &str,
) -> (u16, String) {
    form.push(("_csrf", csrf.to_string()));
    let r = c.post(format!("{}{path}", app.url)).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn draft_form(d: &store::AwardDecision, person: &str) -> Vec<(&'static str, String)> {
    vec![
        ("version", d.version.to_string()),
        ("title", d.title.clone()),
        ("achievement", d.achievement.clone()),
        ("bases", d.bases.clone()),
        ("executors", d.executors.clone()),
        ("recipients", d.recipients.clone()),
        ("signer_title", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into()),
        ("person_multiple", person.into()),
        ("collective_multiple", String::new()),
    ]
}

#[tokio::test]
async fn a_decision_is_drafted_signed_numbered_and_its_certificates_verified() {
    for b in backends() {
        let app = TestApp::demo(b, 400).await;
        let db = &app.tdb.db;
        let ids = voted(&app, &[("SYT", 2), ("XA-03847", 1)]).await;
        let (office, ocsrf) = app.login("chuyenvien").await;
        let (signer, scsrf) = app.login("chutich").await;

        // The office sees three nominees waiting and drafts the decision.
        let page = office.get(format!("{}/decisions", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("3 người, tập thể chờ"), "{b}");
        let (s, _) = post(&app, &office, "/decisions".into(), vec![("award", "BK_TINH".into())], &ocsrf).await;
        assert_eq!(s, 303, "{b}");
        let mut d = store::list(db).await.unwrap().remove(0);
        assert_eq!((d.items, d.is_draft(), d.number.clone()), (3, true, None), "{b}");
        let (s, page) = post(&app, &office, "/decisions".into(), vec![("award", "BK_TINH".into())], &ocsrf).await;
        assert_eq!(s, 422, "{b}: nobody is left to draft");
        assert!(page.contains("không có ai được Hội đồng thông qua"), "{b}");

        // Bằng khen has no multiple in the texts: the signer cannot sign until the office enters one.
        assert_eq!(d.person_multiple, None, "{b}");
        let (s, page) =
            post(&app, &signer, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &scsrf)
                .await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Chưa nhập hệ số tiền thưởng cho cá nhân"), "{b}");
        let (s, _) =
            post(&app, &office, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &ocsrf)
                .await;
        assert_eq!(s, 403, "{b}: the office does not sign");
        let (s, page) = post(&app, &office, format!("/decisions/{}", d.id), draft_form(&d, "nửa"), &ocsrf).await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("Hệ số tiền thưởng cho cá nhân"), "{b}");
        let (s, _) = post(&app, &office, format!("/decisions/{}", d.id), draft_form(&d, "0,5"), &ocsrf).await;
        assert_eq!(s, 303, "{b}");
        // A form read before that save is stale.
        let (s, _) = post(&app, &office, format!("/decisions/{}", d.id), draft_form(&d, "0,6"), &ocsrf).await;
        assert_eq!(s, 422, "{b}: stale version");

        // The commune's nominee waits for another decision.
        d = store::get(&db.conn, d.id).await.unwrap();
        let items = store::items(&db.conn, d.id).await.unwrap();
        let commune = items.iter().find(|i| i.dossier_id == ids[1]).unwrap().nominee_id;
        let (s, _) = post(
            &app,
            &office,
            format!("/decisions/{}/items/{commune}/remove", d.id),
            vec![("version", d.version.to_string())],
            &ocsrf,
        )
        .await;
        assert_eq!(s, 303, "{b}");
        d = store::get(&db.conn, d.id).await.unwrap();
        assert_eq!((d.items, d.person_multiple), (2, Some(500)), "{b}");

        // The draft downloads as .docx and PDF.
        for (ext, magic) in [("docx", &b"PK"[..]), ("pdf", &b"%PDF-"[..])] {
            let r = office.get(format!("{}/decisions/{}/document.{ext}", app.url, d.id)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{b}: {ext}");
            assert!(r.bytes().await.unwrap().starts_with(magic), "{b}: {ext}");
        }

        // Signing: the number follows the register's numbers of the year for the province.
        let root = tdkt_store::org::all_units(db, &["/".to_string()], true)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.parent_id.is_none())
            .unwrap();
        let year = chrono::Datelike::year(&tdkt_store::db::today());
        let issuer = store::Issuer {
            unit_id: root.id,
            name: "Chủ tịch Ủy ban nhân dân tỉnh Sơn La".into(),
            symbol: "QĐ-UBND".into(),
        };
        let used = store::numbers_used(&db.conn, &issuer, year).await.unwrap();
        let (s, page) =
            post(&app, &signer, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &scsrf)
                .await;
        assert_eq!(s, 303, "{b}: {}", &page[..page.len().min(400)]);
        let d = store::get(&db.conn, d.id).await.unwrap();
        let number = format!("{}/QĐ-UBND", used + 1);
        assert_eq!(d.number.as_deref(), Some(number.as_str()), "{b}");
        assert_eq!(d.signed_on, Some(tdkt_store::db::today()), "{b}");
        let base = d.base_salary.unwrap();
        let items = store::items(&db.conn, d.id).await.unwrap();
        assert!(
            items.iter().all(|i| i.amount == Some((base + 1) / 2) && i.award_id.is_some()),
            "{b}: half the base salary each"
        );
        assert_eq!(dossier::get(&db.conn, ids[0]).await.unwrap().status, Status::Decided, "{b}");
        assert_eq!(dossier::get(&db.conn, ids[1]).await.unwrap().status, Status::Voted, "{b}: still waiting");
        // Signed once only.
        let (s, _) =
            post(&app, &signer, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &scsrf)
                .await;
        assert_eq!(s, 422, "{b}");

        // The awards are in the registry with the decision.
        let person = items[0].person_id.unwrap();
        let records = tdkt_store::registry::records(db, tdkt_store::registry::Holder::Person(person)).await.unwrap();
        let award = records.awards.iter().find(|a| a.award_code == "BK_TINH" && a.year == 2025).unwrap();
        assert_eq!(award.decision_number.as_deref(), Some(number.as_str()), "{b}");

        // Certificates print; their public address verifies them, without logging in.
        let r = office.get(format!("{}/decisions/{}/certificates.pdf", app.url, d.id)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"), "{b}");
        let code = items[0].code.clone().unwrap();
        let anyone = reqwest::Client::new();
        let r = anyone.get(format!("{}/verify/{}", app.url, code.to_lowercase())).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        let page = r.text().await.unwrap();
        assert!(page.contains("Hợp lệ") && page.contains(&number), "{b}");
        let api: serde_json::Value =
            anyone.get(format!("{}/api/v1/certificates/{code}", app.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!((api["valid"].as_bool(), api["decision"].as_str()), (Some(true), Some(number.as_str())), "{b}");
        let r = anyone.get(format!("{}/verify/ABCDEFGHJKMN", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{b}");

        // Revoked: the same address says so.
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        tdkt_store::registry::revoke_award(
            &mut w,
            items[0].award_id.unwrap(),
            tdkt_store::db::today(),
            "Khai man thành tích",
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let page = anyone.get(format!("{}/verify/{code}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Đã bị hủy bỏ"), "{b}");
        assert!(!page.contains("Khai man thành tích"), "{b}: the reason is not published");
        let api: serde_json::Value =
            anyone.get(format!("{}/api/v1/certificates/{code}", app.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(api["valid"].as_bool(), Some(false), "{b}");

        // The dossiers' API: the office reads the decided dossier; a commune lists none of them.
        let api: serde_json::Value =
            office.get(format!("{}/api/v1/dossiers/{}", app.url, ids[0])).send().await.unwrap().json().await.unwrap();
        assert_eq!(api["dossier"]["status"], "decided", "{b}");
        assert_eq!(api["nominees"][0]["council_passed"], true, "{b}");
        let (commune, _) = app.login("canbo.xa").await;
        let api: serde_json::Value = commune
            .get(format!("{}/api/v1/dossiers?status=decided", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 0, "{b}: the commune's dossier is still waiting; Sở Y tế's is not theirs");

        // A second decision takes the next number; the commune's dossier is then decided.
        let (s, _) = post(&app, &office, "/decisions".into(), vec![("award", "BK_TINH".into())], &ocsrf).await;
        assert_eq!(s, 303, "{b}");
        let d2 = store::list(db).await.unwrap().into_iter().find(|x| x.is_draft()).unwrap();
        let (s, _) = post(&app, &office, format!("/decisions/{}", d2.id), draft_form(&d2, "0,5"), &ocsrf).await;
        assert_eq!(s, 303, "{b}");
        let d2 = store::get(&db.conn, d2.id).await.unwrap();
        let (s, _) = post(
            &app,
            &signer,
            format!("/decisions/{}/sign", d2.id),
            vec![("version", d2.version.to_string())],
            &scsrf,
        )
        .await;
        assert_eq!(s, 303, "{b}");
        let d2 = store::get(&db.conn, d2.id).await.unwrap();
        assert_eq!(d2.number, Some(format!("{}/QĐ-UBND", used + 2)), "{b}");
        assert_eq!(dossier::get(&db.conn, ids[1]).await.unwrap().status, Status::Decided, "{b}");

        // The office moves the sequence on for numbers the register gave other documents; never back.
        let (s, _) =
            post(&app, &office, "/decisions/numbering".into(), vec![("next", (used + 2).to_string())], &ocsrf).await;
        assert_eq!(s, 422, "{b}");
        let (s, _) =
            post(&app, &office, "/decisions/numbering".into(), vec![("next", (used + 50).to_string())], &ocsrf).await;
        assert_eq!(s, 303, "{b}");
        let scope = store::decision_scope(root.id, "QĐ-UBND");
        assert_eq!(store::last_number(&db.conn, &scope, year).await.unwrap(), used + 49, "{b}");

        // A unit officer sees no decisions; every step is in the audit log.
        let (unit, _) = app.login("canbo.so").await;
        assert_eq!(unit.get(format!("{}/decisions", app.url)).send().await.unwrap().status(), 403, "{b}");
        let audit = app.login("quantri").await.0;
        let log = audit.get(format!("{}/audit?q=award_decision", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(log.contains("award_decision.sign") || log.contains("award_decision"), "{b}");
        tdkt_store::audit::verify(db).await.unwrap().expect("chain intact");
    }
}

#[tokio::test]
async fn signing_follows_the_register_rounds_the_money_and_leaves_out_refused_dossiers() {
    for b in backends() {
        let app = TestApp::demo(b, 400).await;
        let db = &app.tdb.db;
        let ids = voted(&app, &[("SYT", 1), ("XA-03847", 1)]).await;
        // The register already holds a decision of the province numbered 900 this year, imported
        // without its unit: the next signed decision comes after it.
        let today = tdkt_store::db::today();
        let issuer = "Chủ tịch Ủy ban nhân dân tỉnh Sơn La";
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let imported = tdkt_store::registry::NewDecision {
            number: "900/QĐ-UBND".into(),
            signed_on: today,
            issuer: issuer.into(),
            signer: String::new(),
            unit_id: None,
        };
        tdkt_store::registry::ensure_decision(&mut w, &imported).await.unwrap();
        w.commit().await.unwrap();

        let (office, ocsrf) = app.login("chuyenvien").await;
        let (signer, scsrf) = app.login("chutich").await;
        assert_eq!(
            post(&app, &office, "/decisions".into(), vec![("award", "BK_TINH".into())], &ocsrf).await.0,
            303,
            "{b}"
        );
        let d = store::list(db).await.unwrap().remove(0);
        assert_eq!(
            post(&app, &office, format!("/decisions/{}", d.id), draft_form(&d, "0,3"), &ocsrf).await.0,
            303,
            "{b}"
        );
        // The office refuses the commune's dossier after it was drafted: signing is refused until
        // its nominee leaves the draft.
        let r = office
            .post(format!("{}/dossiers/{}/action", app.url, ids[1]))
            .form(&[("_csrf", ocsrf.as_str()), ("action", "refuse"), ("reason", "Thành tích chưa được xác minh")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let d = store::get(&db.conn, d.id).await.unwrap();
        let (s, page) =
            post(&app, &signer, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &scsrf)
                .await;
        assert_eq!(s, 422, "{b}");
        assert!(page.contains("đã chuyển trạng thái"), "{b}");
        let commune = store::items(&db.conn, d.id).await.unwrap().into_iter().find(|i| i.dossier_id == ids[1]).unwrap();
        let path = format!("/decisions/{}/items/{}/remove", d.id, commune.nominee_id);
        assert_eq!(post(&app, &office, path, vec![("version", d.version.to_string())], &ocsrf).await.0, 303, "{b}");
        let d = store::get(&db.conn, d.id).await.unwrap();
        let (s, _) =
            post(&app, &signer, format!("/decisions/{}/sign", d.id), vec![("version", d.version.to_string())], &scsrf)
                .await;
        assert_eq!(s, 303, "{b}");
        let d = store::get(&db.conn, d.id).await.unwrap();
        assert_eq!(d.number.as_deref(), Some("901/QĐ-UBND"), "{b}");
        // 0,3 × 2.340.000 = 702.000, rounded up to tens of thousands as the demo province sets.
        let items = store::items(&db.conn, d.id).await.unwrap();
        assert_eq!(items.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![Some(710_000)], "{b}");
        let docx = office.get(format!("{}/decisions/{}/document.docx", app.url, d.id)).send().await.unwrap();
        assert_eq!(docx.status(), 200, "{b}");
        assert_eq!(dossier::get(&db.conn, ids[1]).await.unwrap().status, Status::Refused, "{b}");
    }
}
