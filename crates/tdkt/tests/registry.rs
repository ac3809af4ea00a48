#![allow(clippy::unwrap_used)]
//! The award registry on both databases: the demo's histories survive the round trip through
//! the tables, the engine reads the same verdict from the database as from the generator, the
//! person page shows it, and the registry refuses a second regular award for one achievement.

mod common;

use chrono::NaiveDate;
use common::{TestApp, backends};
use tdkt_rules::history::{AwardKind, Subject, SubjectKind};
use tdkt_rules::{Catalogue, Engine};
use tdkt_store::Actor;
use tdkt_store::registry::{self, Holder, NewAward};

const PEOPLE: usize = 400;

#[tokio::test]
async fn demo_histories_round_trip_and_give_the_same_verdicts() {
    let engine = Engine::builtin().unwrap();
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let db = &app.tdb.db;
        let ids = tdkt_store::org::person_ids(&db.conn).await.unwrap();
        let province = tdkt_demo::province(PEOPLE, 2026);
        assert_eq!(ids.len(), province.people.len());
        let on = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let mut eligible = 0;
        for (i, (seed, &pid)) in province.people.iter().zip(&ids).enumerate() {
            let want = tdkt_demo::history::history(2026, i as u64, seed.recruited_on, 2016, 2025);
            let rec = registry::records(db, Holder::Person(pid)).await.unwrap();
            let subject = Subject {
                kind: SubjectKind::Individual,
                name: None,
                recruited_on: Some(seed.recruited_on),
                dissolved_on: None,
            };
            let got = rec.history(subject, on);
            let ratings: Vec<(i32, String)> =
                got.ratings.iter().map(|r| (r.year, r.rating.code().to_string())).collect();
            let want_ratings: Vec<(i32, String)> = want.ratings.iter().map(|(y, r)| (*y, r.to_string())).collect();
            assert_eq!(ratings, want_ratings, "{b}: ratings of person {i}");
            let mut awards: Vec<(String, i32, &str)> =
                got.awards.iter().map(|a| (a.code.clone(), a.year, a.kind.code())).collect();
            let mut want_awards: Vec<(String, i32, &str)> =
                want.awards.iter().map(|a| (a.code.to_string(), a.year, a.kind)).collect();
            awards.sort();
            want_awards.sort();
            assert_eq!(awards, want_awards, "{b}: awards of person {i}");
            assert_eq!(got.initiatives.len(), want.initiatives.len(), "{b}: initiatives of person {i}");
            assert_eq!(got.discipline.len(), want.discipline.len(), "{b}: discipline of person {i}");
            // Every award the registry returns has its decision.
            assert!(rec.awards.iter().all(|a| a.decision_number.is_some()), "{b}: decisions of person {i}");
            // The verdict from the database equals the verdict from the generator's own history.
            let mut direct = tdkt_rules::History::new(SubjectKind::Individual);
            direct.subject = got.subject.clone();
            direct.ratings = got.ratings.clone();
            direct.initiatives = got.initiatives.clone();
            direct.discipline = got.discipline.clone();
            direct.pending = got.pending.clone();
            direct.awards = want
                .awards
                .iter()
                .map(|a| tdkt_rules::history::AwardRecord {
                    code: a.code.to_string(),
                    year: a.year,
                    kind: AwardKind::parse(a.kind).unwrap(),
                    revoked: false,
                    decision: None,
                })
                .collect();
            let from_db = engine.check(&got, "BK_TINH", 2025, None).unwrap();
            let from_seed = engine.check(&direct, "BK_TINH", 2025, None).unwrap();
            assert_eq!(from_db.result, from_seed.result, "{b}: verdict of person {i}");
            eligible += usize::from(from_db.eligible());
        }
        assert!(eligible > 0, "{b}: some demo people qualify for BK_TINH in 2025");
    }
}

#[tokio::test]
async fn the_person_page_shows_the_history_and_the_verdict_with_its_articles() {
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let (c, _) = app.login("chuyenvien").await;
        let id = tdkt_store::org::person_ids(&app.tdb.db.conn).await.unwrap()[3];
        let page = c.get(format!("{}/people/{id}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Quá trình thi đua, khen thưởng") && page.contains("Lao động tiên tiến"), "{b}");
        assert!(page.contains("<option value=\"BK_TINH\""), "{b}: the award list offers BK_TINH");
        let r = c.get(format!("{}/people/{id}?award=BK_TINH&year=2025", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("<strong>Đủ điều kiện</strong>") || page.contains("<strong>Chưa đủ điều kiện</strong>"),
            "{b}"
        );
        assert!(page.contains("Căn cứ: Điều 74 khoản 1 điểm d Luật TĐKT 2022"), "{b}");
        assert!(page.contains("Nghị định 152/2025/NĐ-CP"), "{b}: 2025 is judged under Decree 152");
        // A year outside the law's range is a clear error, not a crash.
        let r = c.get(format!("{}/people/{id}?award=BK_TINH&year=1999", app.url)).send().await.unwrap();
        assert_eq!(r.status(), 422, "{b}");
        assert!(r.text().await.unwrap().contains("năm xét"), "{b}");
        // An award with no rule for individuals explains itself.
        let page = c
            .get(format!("{}/people/{id}?award=TTLDXS&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("không xét cho cá nhân"), "{b}");
    }
}

#[tokio::test]
async fn a_second_regular_award_for_the_same_year_is_refused_and_leaves_no_trace() {
    for b in backends() {
        let app = TestApp::demo(b, 50).await;
        let db = &app.tdb.db;
        let pid = tdkt_store::org::person_ids(&db.conn).await.unwrap()[0];
        let award = |kind| NewAward {
            holder: Holder::Person(pid),
            code: "BK_BBNT".into(),
            year: 2026,
            period_from: None,
            kind,
            decision_id: None,
        };
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        registry::add_award(&mut w, Catalogue::builtin(), &award(AwardKind::CongTrang)).await.unwrap();
        w.commit().await.unwrap();
        let before = tdkt_store::audit::verify(db).await.unwrap().unwrap().entries;
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let err = registry::add_award(&mut w, Catalogue::builtin(), &award(AwardKind::CongTrang)).await.unwrap_err();
        assert!(err.to_string().contains("không khen hai lần"), "{b}: {err}");
        drop(w);
        // An ad-hoc award in the same year is another achievement.
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        registry::add_award(&mut w, Catalogue::builtin(), &award(AwardKind::DotXuat)).await.unwrap();
        w.commit().await.unwrap();
        let rec = registry::records(db, Holder::Person(pid)).await.unwrap();
        let bk: Vec<_> = rec.awards.iter().filter(|a| a.year == 2026).collect();
        assert_eq!(bk.len(), 2, "{b}");
        assert!(bk.iter().all(|a| a.award_code == "BK_TINH"), "{b}: aliases are stored as the primary code");
        let after = tdkt_store::audit::verify(db).await.unwrap().unwrap().entries;
        assert_eq!(after, before + 1, "{b}: the refused award wrote no audit entry");
    }
}

#[tokio::test]
async fn the_unit_page_judges_the_unit_as_a_collective_from_its_members() {
    for b in backends() {
        let app = TestApp::demo(b, PEOPLE).await;
        let db = &app.tdb.db;
        let snv = app.unit_id("SNV").await;
        let m = registry::member_figures(db, snv, 2025).await.unwrap();
        let staff = tdkt_store::org::person_ids_of_unit(db, snv).await.unwrap().len() as u32;
        assert!(m.total > 0 && m.total <= staff, "{b}: {m:?}");
        assert!(m.completed <= m.total && m.ldtt <= m.total && m.cstd_cs <= m.ldtt.max(m.cstd_cs), "{b}: {m:?}");
        let (c, _) = app.login("chuyenvien").await;
        let html = c
            .get(format!("{}/units/{snv}?award=TTLDTT&year=2025", app.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Tập thể lao động tiên tiến") || html.contains("Tập thể Lao động tiên tiến"), "{b}");
        assert!(html.contains("Căn cứ:"), "{b}: every condition carries its article");
        assert!(
            html.contains(&format!("{} người, {} hoàn thành nhiệm vụ", m.total, m.completed)),
            "{b}: figures shown"
        );
        // An individual award is not offered to a unit: a clear error, not a crash.
        let bad = c.get(format!("{}/units/{snv}?award=CSTD_CS&year=2025", app.url)).send().await.unwrap();
        assert_eq!(bad.status(), 200, "{b}");
        assert!(bad.text().await.unwrap().contains("không xét cho tập thể"), "{b}");
    }
}

#[tokio::test]
async fn revoking_an_award_changes_eligibility() {
    use tdkt_store::registry::{self, Holder, NewAward};
    for b in backends() {
        let app = TestApp::demo(b, 400).await;
        let db = &app.tdb.db;
        let snv = tdkt_store::org::get_unit(&db.conn, app.unit_id("SNV").await).await.unwrap();
        let f = tdkt_store::org::PersonFilter {
            unit_path: Some(snv.path.clone()),
            scope: vec![snv.path.clone()],
            ..Default::default()
        };
        let p = tdkt_store::org::search_people(db, &f, 1, 1).await.unwrap().items.remove(0);
        let engine = tdkt_rules::Engine::builtin().unwrap();
        let catalogue = &engine.catalogue;
        // Awarded Bằng khen for 2025 already (remove a demo one first, if any).
        let mut w = db.write(&tdkt_store::Actor::system("thử")).await.unwrap();
        let before = registry::records(db, Holder::Person(p.id)).await.unwrap();
        if !before.awards.iter().any(|a| a.award_code == "BK_TINH" && a.year == 2025) {
            let a = NewAward {
                holder: Holder::Person(p.id),
                code: "BK_TINH".into(),
                year: 2025,
                period_from: None,
                kind: tdkt_rules::history::AwardKind::CongTrang,
                decision_id: None,
            };
            registry::add_award(&mut w, catalogue, &a).await.unwrap();
        }
        w.commit().await.unwrap();
        let award = registry::records(db, Holder::Person(p.id))
            .await
            .unwrap()
            .awards
            .into_iter()
            .find(|a| a.award_code == "BK_TINH" && a.year == 2025)
            .unwrap();
        let already = |v: &tdkt_rules::Verdict| {
            v.routes
                .iter()
                .flat_map(|r| &r.conditions)
                .find(|c| c.text.starts_with("Chưa được tặng"))
                .map(|c| c.status)
                .unwrap()
        };
        let v = registry::judge(db, &engine, Holder::Person(p.id), "BK_TINH", 2025).await.unwrap().verdict.unwrap();
        assert_eq!(already(&v), tdkt_rules::Status::NotMet, "{b}");

        // Another unit's officer may not; a reason is required; the office records it.
        let url = format!("{}/awards/{}/revoke", app.url, award.id);
        let (unit_officer, ucsrf) = app.login("canbo.so").await;
        let r = unit_officer
            .post(&url)
            .form(&[("_csrf", ucsrf.as_str()), ("on", "01/11/2026"), ("reason", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}");
        let (office, ocsrf) = app.login("chuyenvien").await;
        let r = office
            .post(&url)
            .form(&[("_csrf", ocsrf.as_str()), ("on", "01/11/2026"), ("reason", " ")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{b}");
        let reason = "Quyết định số 99/QĐ-UBND hủy khen thưởng: khai man thành tích";
        let r = office
            .post(&url)
            .form(&[("_csrf", ocsrf.as_str()), ("on", "01/11/2026"), ("reason", reason)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let r = office
            .post(&url)
            .form(&[("_csrf", ocsrf.as_str()), ("on", "01/11/2026"), ("reason", reason)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{b}: not twice");

        // The award stays, marked; eligibility no longer counts it.
        let page = office.get(format!("{}/people/{}", app.url, p.id)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("đã hủy từ 01/11/2026") && page.contains(reason), "{b}");
        let v = registry::judge(db, &engine, Holder::Person(p.id), "BK_TINH", 2025).await.unwrap().verdict.unwrap();
        let awards = registry::records(db, Holder::Person(p.id)).await.unwrap().awards;
        assert_eq!(already(&v), tdkt_rules::Status::Met, "{b}: {awards:?}");
        assert!(tdkt_store::panel::stale_count(db).await.unwrap() > 0, "{b}: the panel will be rebuilt");
        tdkt_store::audit::verify(db).await.unwrap().expect("chain intact");
    }
}
