#![allow(clippy::unwrap_used)]
//! Bulk eligibility on both databases: the panel's answer for every demo person equals the
//! engine's verdict from that person's records, a write to the registry reaches the next run,
//! and `tdkt eligible` prints the list.

mod common;

use chrono::NaiveDate;
use common::{TestApp, backends};
use tdkt_rules::Engine;
use tdkt_rules::history::{AwardKind, Subject, SubjectKind};
use tdkt_store::Actor;
use tdkt_store::registry::{self, Holder, NewAward};

const PEOPLE: usize = 600;

async fn verdict_bits(
    db: &tdkt_store::Db,
    engine: &Engine,
    pid: i64,
    award: &str,
    year: i32,
    on: Option<NaiveDate>,
) -> u8 {
    let p = tdkt_store::org::get_person(&db.conn, pid).await.unwrap();
    let subject =
        Subject { kind: SubjectKind::Individual, name: None, recruited_on: p.recruited_on, dissolved_on: None };
    let at = on.unwrap_or(NaiveDate::from_ymd_opt(year, 12, 31).unwrap());
    let h = registry::records(db, Holder::Person(pid)).await.unwrap().history(subject, at);
    let v = engine.check(&h, award, year, on).unwrap();
    v.routes.iter().enumerate().fold(0, |a, (r, x)| a | (u8::from(x.eligible) << r))
}

#[tokio::test]
async fn bulk_equals_the_engine_person_by_person_and_follows_writes() {
    let engine = Engine::builtin().unwrap();
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let db = &app.tdb.db;
        let ids = tdkt_store::org::person_ids(&db.conn).await.unwrap();
        for (award, year, on) in [
            ("BK_TINH", 2025, None),
            ("CSTD_CS", 2024, None),
            ("LDTT", 2025, None),
            ("BK_TTG", 2025, NaiveDate::from_ymd_opt(2026, 4, 1)),
        ] {
            let run = tdkt_store::eligible::bulk(db, &engine, award, year, on, 2).await.unwrap();
            assert_eq!(run.people, ids.len(), "{b} {award}");
            let got: std::collections::HashMap<i64, u8> = run.rows.iter().map(|r| (r.id, r.routes)).collect();
            let mut n = 0;
            for &pid in &ids {
                let want = verdict_bits(db, &engine, pid, award, year, on).await;
                assert_eq!(got.get(&pid).copied().unwrap_or(0), want, "{b} {award} {year}: person {pid}");
                n += usize::from(want != 0);
            }
            if award != "BK_TTG" {
                assert!(n > 0, "{b}: someone qualifies for {award} {year}");
            }
        }

        // The benchmark's one-query version of the rule is looser (no restart after an earlier
        // Bằng khen, no discipline cut): it finds everyone the panel finds, on both databases.
        let run = tdkt_store::eligible::bulk(db, &engine, "BK_TINH", 2025, None, 1).await.unwrap();
        let found = run.rows.iter().filter(|r| r.routes != 0).count() as u64;
        let sql = tdkt_store::eligible::bk_tinh_sql_count(db, 2025).await.unwrap();
        assert!(sql >= found && found > 0, "{b}: SQL {sql}, panel {found}");

        // Someone who qualifies for BK_TINH in 2025 gets it: the next run sees them as holding it.
        let run = tdkt_store::eligible::bulk(db, &engine, "BK_TINH", 2025, None, 1).await.unwrap();
        let who = run.rows.iter().find(|r| r.routes != 0 && !r.held).unwrap().id;
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        registry::add_award(
            &mut w,
            &engine.catalogue,
            &NewAward {
                holder: Holder::Person(who),
                code: "BK_TINH".into(),
                year: 2025,
                period_from: None,
                kind: AwardKind::CongTrang,
                decision_id: None,
            },
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        assert!(tdkt_store::panel::stale_count(db).await.unwrap() > 0, "{b}: the write marks the chunk stale");
        let after = tdkt_store::eligible::bulk(db, &engine, "BK_TINH", 2025, None, 1).await.unwrap();
        let row = after.rows.iter().find(|r| r.id == who).unwrap();
        assert!(row.held && row.routes == 0, "{b}: now held, so no longer eligible (G1)");
        assert_eq!(tdkt_store::panel::stale_count(db).await.unwrap(), 0);
        // Quota bases from the panel: the same counts as the registry's rows say, revoked ones left out.
        let sql_holders = async |code: &str, year: i32| -> std::collections::HashMap<i64, u64> {
            use sea_orm::{ConnectionTrait, Statement};
            let sql = format!(
                "SELECT p.unit_id AS u, COUNT(DISTINCT a.person_id) AS n FROM award a JOIN person p ON p.id = a.person_id \
                 WHERE a.award_code = '{code}' AND a.year = {year} AND a.revoked_on IS NULL GROUP BY p.unit_id"
            );
            let rows = db.conn.query_all_raw(Statement::from_string(db.backend(), sql)).await.unwrap();
            rows.iter()
                .map(|r| (r.try_get::<i64>("", "u").unwrap(), r.try_get::<i64>("", "n").unwrap() as u64))
                .collect()
        };
        for (code, year) in [("LDTT", 2025), ("CSTD_CS", 2024), ("BK_TINH", 2025)] {
            let panel = tdkt_store::eligible::holders_by_unit(db, &engine.catalogue, code, year).await.unwrap();
            assert_eq!(panel, sql_holders(code, year).await, "{b}: holders of {code} {year}");
            assert!(!panel.is_empty(), "{b}: someone holds {code} {year}");
        }
        // An open complaint blocks them for 2026 as well (G4).
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        registry::add_pending(
            &mut w,
            Holder::Person(who),
            "complaint",
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            "",
        )
        .await
        .unwrap();
        w.commit().await.unwrap();
        let ldtt = tdkt_store::eligible::bulk(db, &engine, "LDTT", 2025, NaiveDate::from_ymd_opt(2026, 2, 1), 1)
            .await
            .unwrap();
        assert!(!ldtt.rows.iter().any(|r| r.id == who && r.routes != 0), "{b}: open complaint blocks");
        assert_eq!(
            verdict_bits(db, &engine, who, "LDTT", 2025, NaiveDate::from_ymd_opt(2026, 2, 1)).await,
            0,
            "{b}: and the engine agrees"
        );
    }
}

#[tokio::test]
async fn the_cli_lists_who_qualifies() {
    let app = TestApp::demo("sqlite", 300).await;
    let bin = env!("CARGO_BIN_EXE_tdkt");
    let out = std::process::Command::new(bin)
        .args(["--database-url", &app.tdb.url, "eligible", "--award", "BK_TINH", "--year", "2025", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["award"], "BK_TINH");
    let people = tdkt_store::org::person_ids(&app.tdb.db.conn).await.unwrap().len() as u64;
    assert_eq!(v["people"].as_u64(), Some(people));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(
        rows.iter().filter(|r| !r["routes"].as_array().unwrap().is_empty()).count() as u64,
        v["eligible"].as_u64().unwrap()
    );
    let bad = std::process::Command::new(bin)
        .args(["--database-url", &app.tdb.url, "eligible", "--award", "KHONG_CO", "--year", "2025"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("KHONG_CO"));
}

#[tokio::test]
async fn the_page_the_api_and_the_export_keep_to_the_callers_units() {
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let (officer, _) = app.login("chuyenvien").await;
        let page = officer.get(format!("{}/eligible?award=BK_TINH&year=2025", app.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{b}");
        let html = page.text().await.unwrap();
        assert!(html.contains("người đủ điều kiện"), "{b}: summary shown");
        assert!(html.contains("02 lần liên tục Chiến sĩ thi đua cơ sở"), "{b}: the routes are named");

        let all: serde_json::Value = officer
            .get(format!("{}/api/v1/eligible?award=BK_TINH&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let eligible = all["eligible"].as_u64().unwrap();
        assert!(eligible > 0, "{b}");
        assert_eq!(all["rows"].as_array().unwrap().len() as u64, eligible, "{b}");
        let sum: u64 = all["units"].as_array().unwrap().iter().map(|u| u["eligible"].as_u64().unwrap()).sum();
        assert_eq!(sum, eligible, "{b}: the unit table adds up");

        // Who qualifies but has not been proposed: the demo's two dossiers propose people for
        // BK_TINH 2025; they are counted as proposed and left out of the "not proposed" list.
        let proposed = tdkt_store::dossier::nominated_people(&app.tdb.db.conn, "BK_TINH", 2025).await.unwrap();
        assert!(!proposed.is_empty(), "{b}");
        let qualifying: Vec<i64> =
            all["rows"].as_array().unwrap().iter().map(|r| r["person_id"].as_i64().unwrap()).collect();
        let expected = qualifying.iter().filter(|p| proposed.contains(p)).count() as u64;
        assert!(expected > 0, "{b}: the demo proposes people who qualify");
        assert_eq!(all["nominated"].as_u64(), Some(expected), "{b}");
        let open: serde_json::Value = officer
            .get(format!("{}/api/v1/eligible?award=BK_TINH&year=2025&not_nominated=1", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let rows = open["rows"].as_array().unwrap();
        assert_eq!(rows.len() as u64, eligible - expected, "{b}");
        assert!(rows.iter().all(|r| !proposed.contains(&r["person_id"].as_i64().unwrap())), "{b}");
        let html = officer
            .get(format!("{}/eligible?award=BK_TINH&year=2025&not_nominated=1", app.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("chưa được đề nghị") && html.contains("id=\"nominated\""), "{b}");

        // A commune officer sees only the commune's people.
        let (commune, _) = app.login("canbo.xa").await;
        let xa = app.unit_id("XA-03847").await;
        let mine: serde_json::Value = commune
            .get(format!("{}/api/v1/eligible?award=LDTT&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let staff = tdkt_store::org::person_ids_of_unit(&app.tdb.db, xa).await.unwrap();
        assert!(mine["people"].as_u64().unwrap() <= staff.len() as u64 + 50, "{b}: {}", mine["people"]);
        for row in mine["rows"].as_array().unwrap() {
            assert!(row["unit_code"].as_str().unwrap().starts_with("XA-03847"), "{b}: {row}");
        }
        let other = app.unit_id("SYT").await;
        let denied =
            commune.get(format!("{}/api/v1/eligible?award=LDTT&year=2025&unit={other}", app.url)).send().await.unwrap();
        assert_eq!(denied.status(), 403, "{b}: another unit is refused");
        let bad = officer.get(format!("{}/eligible?award=KHONG_CO&year=2025", app.url)).send().await.unwrap();
        assert_eq!(bad.status(), 422, "{b}");
        assert!(bad.text().await.unwrap().contains("KHONG_CO"), "{b}: the error names the code");

        // The export has every qualifying person.
        let x = officer.get(format!("{}/eligible.csv?award=BK_TINH&year=2025", app.url)).send().await.unwrap();
        assert_eq!(x.status(), 200, "{b}");
        let csv = x.text().await.unwrap();
        assert_eq!(csv.lines().filter(|l| !l.trim().is_empty()).count() as u64, eligible + 1, "{b}: header and rows");
    }
}

#[tokio::test]
async fn a_province_quota_set_on_the_rules_page_reaches_the_bulk_page() {
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let (officer, csrf) = app.login("chuyenvien").await;
        let page = officer.get(format!("{}/rules", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("quota.cstd_cs_ratio") && page.contains("chưa thấy trong văn bản hiện hành"), "{b}");
        assert!(page.contains("BK_BBNT"), "{b}: aliases listed in the catalogue");
        // Before: the quota's share is not set.
        let before = officer
            .get(format!("{}/eligible?award=CSTD_CS&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(before.contains("Tỉnh chưa đặt tỷ lệ"), "{b}");
        // A bad value is refused with its reason; nothing is stored.
        let bad = officer
            .post(format!("{}/rules/params", app.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("key", "quota.cstd_cs_ratio"),
                ("from", "01/01/2025"),
                ("value", "150%"),
                ("note", "QĐ thử"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 422, "{b}");
        assert!(bad.text().await.unwrap().contains("từ 0 đến 100%"), "{b}");
        let ok = officer
            .post(format!("{}/rules/params", app.url))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("key", "quota.cstd_cs_ratio"),
                ("from", "01/01/2025"),
                ("value", "15%"),
                ("note", "Quyết định 01/2025/QĐ-UBND"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 303, "{b}");
        let after: serde_json::Value = officer
            .get(format!("{}/api/v1/eligible?award=CSTD_CS&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let units = after["units"].as_array().unwrap();
        assert!(units.iter().any(|u| u["max"].is_u64()), "{b}: the quota is computed: {units:?}");
        for u in units {
            if let (Some(base), Some(max)) = (u["base"].as_u64(), u["max"].as_u64()) {
                assert_eq!(max, (base as f64 * 0.15 + 1e-9).floor() as u64, "{b}: {u}");
            }
        }
        // The change is in the audit log; a unit officer may not make it.
        let audit = tdkt_store::audit::list(&app.tdb.db, &Default::default(), 1, 5).await.unwrap();
        assert!(audit.items.iter().any(|e| e.action == "param.set"), "{b}");
        let set_90 = async |c: &reqwest::Client, csrf: &str| {
            c.post(format!("{}/rules/params", app.url))
                .form(&[
                    ("_csrf", csrf),
                    ("key", "quota.cstd_cs_ratio"),
                    ("from", "01/01/2025"),
                    ("value", "90%"),
                    ("note", "x"),
                ])
                .send()
                .await
                .unwrap()
        };
        let (commune, ccsrf) = app.login("canbo.xa").await;
        let denied = set_90(&commune, &ccsrf).await;
        assert_eq!(denied.status(), 403, "{b}");
        // An officer whose grant is on one department only may not set province-wide values.
        let snv = app.unit_id("SNV").await;
        let hash = tdkt_web::password::hash(tdkt::demo::DEMO_PASSWORD).unwrap();
        let mut w = app.tdb.db.write(&tdkt_store::Actor::system("test")).await.unwrap();
        let uid = tdkt_store::users::create_user(
            &mut w,
            &tdkt_store::users::NewUser {
                username: "chuyenvien.so",
                display_name: "Chuyên viên của một sở",
                password_hash: &hash,
                unit_id: snv,
                person_id: None,
            },
        )
        .await
        .unwrap();
        tdkt_store::users::grant_role(&mut w, uid, tdkt_domain::authz::Role::Officer, snv).await.unwrap();
        w.commit().await.unwrap();
        let (dept, dcsrf) = app.login("chuyenvien.so").await;
        let denied = set_90(&dept, &dcsrf).await;
        assert_eq!(denied.status(), 403, "{b}: a department's officer");
        // The API names a missing award in Vietnamese.
        let r = officer.get(format!("{}/api/v1/eligible?year=2025", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("thiếu mã"), "{b}");
    }
}

/// A panel of more chunks than one refresh writes at once (64): people copied, with all their
/// records, to ids 4,096 apart (one chunk each), are each judged as the engine judges them, and
/// every chunk is read back.
#[tokio::test]
async fn a_panel_of_many_chunks_reads_back_whole() {
    let engine = Engine::builtin().unwrap();
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let ids = tdkt_store::org::person_ids(&db.conn).await.unwrap();
        let first = tdkt_store::eligible::bulk(db, &engine, "BK_TINH", 2025, None, 2).await.unwrap();
        // Those who qualify first, so that copies of them are found again, then the others.
        let mut sources: Vec<i64> = first.rows.iter().filter(|r| r.routes != 0).map(|r| r.id).collect();
        assert!(!sources.is_empty(), "{b}: someone qualifies");
        let others: Vec<i64> = ids.iter().copied().filter(|id| !sources.contains(id)).collect();
        sources.extend(others);
        let copies: Vec<(i64, i64)> =
            (0..70).map(|k| ((k + 1) * tdkt_store::panel::CHUNK + 7, sources[k as usize % sources.len()])).collect();
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        for &(to, from) in &copies {
            for sql in [
                "INSERT INTO person (id, full_name, gender, birth_date, ethnicity, unit_id, position, leadership, recruited_on, search_key, sort_key, created_at, updated_at) \
                 SELECT ?, full_name, gender, birth_date, ethnicity, unit_id, position, leadership, recruited_on, search_key, sort_key, created_at, updated_at FROM person WHERE id = ?",
                "INSERT INTO rating (person_id, year, rating) SELECT ?, year, rating FROM rating WHERE person_id = ?",
                "INSERT INTO award (person_id, award_code, year, period_from, kind, decision_id, revoked_on, revoked_reason) \
                 SELECT ?, award_code, year, period_from, kind, decision_id, revoked_on, revoked_reason FROM award WHERE person_id = ?",
                "INSERT INTO initiative (person_id, title, year, level, kind, recognised_by) \
                 SELECT ?, title, year, level, kind, recognised_by FROM initiative WHERE person_id = ?",
                "INSERT INTO discipline (person_id, form, starts_on, ends_on, note) \
                 SELECT ?, form, starts_on, ends_on, note FROM discipline WHERE person_id = ?",
                "INSERT INTO pending_matter (person_id, kind, opened_on, closed_on, note) \
                 SELECT ?, kind, opened_on, closed_on, note FROM pending_matter WHERE person_id = ?",
            ] {
                w.exec(sql, vec![to.into(), from.into()]).await.unwrap();
            }
        }
        tdkt_store::panel::mark_people(&w, copies.iter().map(|c| c.0)).await.unwrap();
        w.record("test.copy", "person", None, None, copies.len()).await.unwrap();
        w.commit().await.unwrap();
        assert!(tdkt_store::panel::stale_count(db).await.unwrap() >= 70, "{b}");

        let run = tdkt_store::eligible::bulk(db, &engine, "BK_TINH", 2025, None, 2).await.unwrap();
        assert_eq!(tdkt_store::panel::stale_count(db).await.unwrap(), 0, "{b}");
        assert_eq!(run.people, ids.len() + copies.len(), "{b}: every chunk is read");
        let got: std::collections::HashMap<i64, u8> = run.rows.iter().map(|r| (r.id, r.routes)).collect();
        let mut found = 0;
        for &(to, from) in &copies {
            let want = verdict_bits(db, &engine, to, "BK_TINH", 2025, None).await;
            assert_eq!(want, verdict_bits(db, &engine, from, "BK_TINH", 2025, None).await, "{b}: {to} is {from}");
            assert_eq!(got.get(&to).copied().unwrap_or(0), want, "{b}: person {to}");
            found += usize::from(want != 0);
        }
        assert!(found > 0, "{b}: copies of people who qualify qualify");
    }
}
