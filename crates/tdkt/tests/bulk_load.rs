//! Bulk loads on both databases: a load larger than the table sets the table's secondary indexes
//! (on PostgreSQL also its primary key and the foreign keys on and to it) aside and makes them
//! again before commit; a duplicate regular award inside such a load is
//! refused when the unique index is made again, and then nothing of the load is written and every
//! index is still there. A load's transaction (`Db::load`, a `LoadTx`; on SQLite a connection that checks no
//! foreign key row by row) refuses a row naming a person, unit, award code or decision that does
//! not exist, and leaves nothing that breaks a foreign key.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};
use sea_orm::{ConnectionTrait, Statement};
use tdkt_rules::Engine;
use tdkt_rules::history::{AwardKind, Rating};
use tdkt_store::registry::{self, Holder, NewAward, SetAside};
use tdkt_store::{Actor, Db};

async fn count(db: &Db, sql: &str) -> i64 {
    let row = db.conn.query_one_raw(Statement::from_string(db.backend(), sql.to_string())).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// The indexes of `award` and, on PostgreSQL, its foreign keys.
async fn award_indexes(db: &Db) -> Vec<String> {
    let sql = if db.is_sqlite() {
        "SELECT name AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'award' ORDER BY name"
    } else {
        "SELECT indexname AS n FROM pg_indexes WHERE tablename = 'award' ORDER BY indexname"
    };
    let mut sqls = vec![sql];
    if !db.is_sqlite() {
        sqls.push(
            "SELECT conname AS n FROM pg_constraint WHERE (conrelid = 'award'::regclass OR confrelid = 'award'::regclass) \
             AND contype IN ('f', 'p') ORDER BY conname",
        );
    }
    let mut out = Vec::new();
    for sql in sqls {
        let rows = db.conn.query_all_raw(Statement::from_string(db.backend(), sql.to_string())).await.unwrap();
        out.extend(rows.iter().map(|r| r.try_get::<String>("", "n").unwrap()));
    }
    out
}

#[tokio::test]
async fn a_load_larger_than_the_table_sets_its_indexes_aside_and_makes_them_again() {
    let engine = Engine::builtin().unwrap();
    for b in backends() {
        let app = TestApp::demo(b, 40).await;
        let db = &app.tdb.db;
        let ids = tdkt_store::org::person_ids(&db.conn).await.unwrap();
        let before = count(db, "SELECT COUNT(*) AS n FROM award").await;
        let indexes = award_indexes(db).await;
        assert!(indexes.iter().any(|i| i == "award_once_person"), "{b}: {indexes:?}");
        if b == "postgres" {
            assert!(indexes.iter().any(|i| i.contains("person_id_fkey")), "{b}: foreign keys listed: {indexes:?}");
            // The primary key and the keys that hang on it are set aside and made again too.
            assert!(indexes.iter().filter(|i| *i == "award_pkey").count() == 2, "{b}: primary key listed: {indexes:?}");
            assert!(
                indexes.iter().any(|i| i == "certificate_award_id_fkey"),
                "{b}: keys that refer to award: {indexes:?}"
            );
        }

        // Ad-hoc awards may repeat: a load of more of them than the table holds.
        let load: Vec<NewAward> = (0..before as usize + 300)
            .map(|k| NewAward {
                holder: Holder::Person(ids[k % ids.len()]),
                code: "GK".into(),
                year: 2000 + (k % 20) as i32,
                period_from: None,
                kind: AwardKind::DotXuat,
                decision_id: None,
            })
            .collect();
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let aside = SetAside::when_larger(&mut w, "award", load.len() as u64).await.unwrap();
        registry::insert_awards(&mut w, &engine.catalogue, &load, "test").await.unwrap();
        aside.restore(&mut w).await.unwrap();
        w.commit().await.unwrap();
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM award").await, before + load.len() as i64, "{b}");
        assert_eq!(award_indexes(db).await, indexes, "{b}: every index made again");

        // A smaller load leaves the indexes where they are.
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let aside = SetAside::when_larger(&mut w, "award", 10).await.unwrap();
        assert!(format!("{aside:?}").contains("indexes: [], foreign_keys: []"), "{b}: {aside:?}");
        drop(w);

        // A regular award already in the registry, loaded again among many: refused as a whole.
        let (pid, code, year) = {
            let row = db
                .conn
                .query_one_raw(Statement::from_string(
                    db.backend(),
                    "SELECT person_id, award_code, year FROM award WHERE kind = 'cong_trang' AND person_id IS NOT NULL \
                     AND revoked_on IS NULL ORDER BY id LIMIT 1"
                        .to_string(),
                ))
                .await
                .unwrap()
                .unwrap();
            (
                row.try_get::<i64>("", "person_id").unwrap(),
                row.try_get::<String>("", "award_code").unwrap(),
                row.try_get::<i32>("", "year").unwrap(),
            )
        };
        let total = count(db, "SELECT COUNT(*) AS n FROM award").await;
        let mut twice: Vec<NewAward> = load.iter().cycle().take(total as usize + 10).cloned().collect();
        twice.push(NewAward {
            holder: Holder::Person(pid),
            code,
            year,
            period_from: None,
            kind: AwardKind::CongTrang,
            decision_id: None,
        });
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let aside = SetAside::when_larger(&mut w, "award", twice.len() as u64).await.unwrap();
        registry::insert_awards(&mut w, &engine.catalogue, &twice, "test").await.unwrap();
        let err = aside.restore(&mut w).await.unwrap_err().to_string();
        assert!(err.contains("award_once_person"), "{b}: {err}");
        drop(w);
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM award").await, total, "{b}: nothing of the load stays");
        assert_eq!(award_indexes(db).await, indexes, "{b}: the indexes are still there");

        // A row naming a person who does not exist fails the whole load on both databases: row by
        // row on SQLite, when the foreign key is added again on PostgreSQL.
        let mut ghost: Vec<NewAward> = load.iter().cycle().take(total as usize + 10).cloned().collect();
        ghost.push(NewAward { holder: Holder::Person(i64::from(i32::MAX)), ..load[0].clone() });
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let aside = SetAside::when_larger(&mut w, "award", ghost.len() as u64).await.unwrap();
        let failed = match registry::insert_awards(&mut w, &engine.catalogue, &ghost, "test").await {
            Err(_) => true,
            Ok(_) => aside.restore(&mut w).await.is_err(),
        };
        assert!(failed, "{b}: a dangling person is refused");
        drop(w);
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM award").await, total, "{b}: nothing of that load stays");
        assert_eq!(award_indexes(db).await, indexes, "{b}: indexes and keys are still there");

        // Text goes through the batches as it was written: quotes, backslashes, commas, braces,
        // the word NULL and Vietnamese letters.
        let titles = ["Sáng kiến \"số hoá\" hồ sơ", r"Đường dẫn C:\tdkt\{1,2}", "NULL", "a,b} {c"];
        let rows: Vec<registry::NewInitiative> = titles
            .iter()
            .map(|t| registry::NewInitiative {
                person_id: ids[0],
                title: (*t).to_string(),
                year: 1991,
                level: tdkt_rules::history::Level::CoSo,
                kind: tdkt_rules::history::WorkKind::SangKien,
                recognised_by: "Hội đồng \"cơ sở\"".into(),
            })
            .collect();
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        registry::insert_initiatives(&mut w, &rows, "test").await.unwrap();
        w.commit().await.unwrap();
        let stored = db
            .conn
            .query_all_raw(Statement::from_string(
                db.backend(),
                format!(
                    "SELECT title, recognised_by FROM initiative WHERE person_id = {} AND year = 1991 ORDER BY id",
                    ids[0]
                ),
            ))
            .await
            .unwrap();
        let got: Vec<(String, String)> = stored
            .iter()
            .map(|r| (r.try_get::<String>("", "title").unwrap(), r.try_get::<String>("", "recognised_by").unwrap()))
            .collect();
        let want: Vec<(String, String)> =
            titles.iter().map(|t| ((*t).to_string(), "Hội đồng \"cơ sở\"".to_string())).collect();
        assert_eq!(got, want, "{b}");
    }
}

#[tokio::test]
async fn a_load_checks_every_reference_itself() {
    let engine = Engine::builtin().unwrap();
    for b in backends() {
        let app = TestApp::demo(b, 40).await;
        let db = &app.tdb.db;
        let ids = tdkt_store::org::person_ids(&db.conn).await.unwrap();
        let ghost = i64::from(i32::MAX);
        let before = count(db, "SELECT COUNT(*) AS n FROM rating").await;
        let award = |holder, decision_id| NewAward {
            holder,
            code: "GK".into(),
            year: 1995,
            period_from: None,
            kind: AwardKind::DotXuat,
            decision_id,
        };

        // A good load, larger than the rating table so that its indexes are set aside: every row
        // kept, and nothing that breaks a key.
        let ratings: Vec<(i64, i32, Rating)> =
            (1970..=1995).flat_map(|y| ids.iter().map(move |p| (*p, y, Rating::Htxsnv))).collect();
        assert!(ratings.len() as i64 > before, "{b}: the load outgrows the table");
        let mut w = db.load(&Actor::system("test")).await.unwrap();
        // The checks below are tdkt's own on SQLite: the database checks no key on this connection.
        assert_eq!(w.database_checks_keys().await.unwrap(), !db.is_sqlite(), "{b}");
        let aside = w.set_aside("rating", ratings.len() as u64).await.unwrap();
        assert!(format!("{aside:?}").contains("rating_person"), "{b}: {aside:?}");
        w.insert_person_ratings(&ratings, "test").await.unwrap();
        let last = count(db, "SELECT MAX(id) AS n FROM award").await;
        w.insert_awards(&engine.catalogue, &[award(Holder::Person(ids[0]), None)], "test").await.unwrap();
        w.restore(aside).await.unwrap();
        assert!(ratings.len() > 2_000, "{b}: the rows go in several statements, each built while the last runs");
        // The load's checkpoint has flushed the log and copied all of it into the database file
        // (nothing reads meanwhile); on PostgreSQL there is none to wait for.
        assert!(w.commit().await.unwrap().wait().await.unwrap(), "{b}: the whole log copied");
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM rating").await, before + ratings.len() as i64, "{b}");
        if db.is_sqlite() {
            let broken = db.conn.query_all_raw(Statement::from_string(db.backend(), "PRAGMA foreign_key_check")).await;
            assert!(broken.unwrap().is_empty(), "{b}: no row breaks a foreign key");
        }
        // The import's audit entry names the ids it gave, for when each award was entered.
        let entry = db
            .conn
            .query_one_raw(Statement::from_string(
                db.backend(),
                "SELECT detail FROM audit_log WHERE action = 'award.import' ORDER BY seq DESC LIMIT 1",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<String>("", "detail")
            .unwrap();
        let new_id = count(db, "SELECT MAX(id) AS n FROM award").await;
        assert!(new_id > last, "{b}");
        assert!(entry.contains(&format!("\"ids\":[{new_id},{new_id}]")), "{b}: {entry}");

        // Each kind of dangling reference fails the load it is in, and nothing of it stays.
        let awards = count(db, "SELECT COUNT(*) AS n FROM award").await;
        let initiative = registry::NewInitiative {
            person_id: ghost,
            title: "Sáng kiến".into(),
            year: 1995,
            level: tdkt_rules::history::Level::CoSo,
            kind: tdkt_rules::history::WorkKind::SangKien,
            recognised_by: String::new(),
        };
        for case in ["rating", "initiative", "person", "unit", "decision"] {
            let mut w = db.load(&Actor::system("test")).await.unwrap();
            let result = match case {
                "rating" => w.insert_person_ratings(&[(ghost, 1994, Rating::Htnv)], "test").await,
                "initiative" => w.insert_initiatives(std::slice::from_ref(&initiative), "test").await,
                "person" => {
                    let rows = [award(Holder::Person(ids[1]), None), award(Holder::Person(ghost), None)];
                    w.insert_awards(&engine.catalogue, &rows, "test").await
                }
                "unit" => w.insert_awards(&engine.catalogue, &[award(Holder::Unit(ghost), None)], "test").await,
                _ => w.insert_awards(&engine.catalogue, &[award(Holder::Person(ids[1]), Some(ghost))], "test").await,
            };
            let failed = result.is_err() || w.commit().await.is_err();
            assert!(failed, "{b}: a dangling {case} is refused");
        }
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM award").await, awards, "{b}");
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM rating").await, before + ratings.len() as i64, "{b}");
        assert_eq!(count(db, "SELECT COUNT(*) AS n FROM initiative WHERE year = 1995").await, 0, "{b}");

        // The server's own connections still check foreign keys.
        let mut w = db.write(&Actor::system("test")).await.unwrap();
        let late = registry::insert_person_ratings(&mut w, &[(ghost, 1993, Rating::Htnv)], "test").await;
        let refused = late.is_err() || w.commit().await.is_err();
        assert!(refused, "{b}: a write outside a load is checked by the database");
    }
}
