//! Migrations: one folder per dialect (`migrations/sqlite`, `migrations/postgres`), the same
//! versions in both, embedded in the binary, forward only, never edited once released.

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, TransactionTrait};

use crate::db::{Db, now_text, stmt};
use crate::error::StoreResult;

/// One version: its name and its SQL for each dialect.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, in order. A test checks that this list and both folders agree.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "registry",
        sqlite: include_str!("../migrations/sqlite/0002_registry.sql"),
        postgres: include_str!("../migrations/postgres/0002_registry.sql"),
    },
    Migration {
        version: 3,
        name: "panel",
        sqlite: include_str!("../migrations/sqlite/0003_panel.sql"),
        postgres: include_str!("../migrations/postgres/0003_panel.sql"),
    },
    Migration {
        version: 4,
        name: "panel_built",
        sqlite: include_str!("../migrations/sqlite/0004_panel_built.sql"),
        postgres: include_str!("../migrations/postgres/0004_panel_built.sql"),
    },
    Migration {
        version: 5,
        name: "registry_indexes",
        sqlite: include_str!("../migrations/sqlite/0005_registry_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0005_registry_indexes.sql"),
    },
    Migration {
        version: 6,
        name: "dossiers",
        sqlite: include_str!("../migrations/sqlite/0006_dossiers.sql"),
        postgres: include_str!("../migrations/postgres/0006_dossiers.sql"),
    },
    Migration {
        version: 7,
        name: "council_votes",
        sqlite: include_str!("../migrations/sqlite/0007_council_votes.sql"),
        postgres: include_str!("../migrations/postgres/0007_council_votes.sql"),
    },
    Migration {
        version: 8,
        name: "posting",
        sqlite: include_str!("../migrations/sqlite/0008_posting.sql"),
        postgres: include_str!("../migrations/postgres/0008_posting.sql"),
    },
    Migration {
        version: 9,
        name: "award_decisions",
        sqlite: include_str!("../migrations/sqlite/0009_award_decisions.sql"),
        postgres: include_str!("../migrations/postgres/0009_award_decisions.sql"),
    },
    Migration {
        version: 10,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0010_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0010_jobs.sql"),
    },
    Migration {
        version: 11,
        name: "public_comments",
        sqlite: include_str!("../migrations/sqlite/0011_public_comments.sql"),
        postgres: include_str!("../migrations/postgres/0011_public_comments.sql"),
    },
    Migration {
        version: 12,
        name: "plans",
        sqlite: include_str!("../migrations/sqlite/0012_plans.sql"),
        postgres: include_str!("../migrations/postgres/0012_plans.sql"),
    },
    Migration {
        version: 13,
        name: "emulation",
        sqlite: include_str!("../migrations/sqlite/0013_emulation.sql"),
        postgres: include_str!("../migrations/postgres/0013_emulation.sql"),
    },
    Migration {
        version: 14,
        name: "award_rows",
        sqlite: include_str!("../migrations/sqlite/0014_award_rows.sql"),
        postgres: include_str!("../migrations/postgres/0014_award_rows.sql"),
    },
    Migration {
        version: 15,
        name: "panel_format",
        sqlite: include_str!("../migrations/sqlite/0015_panel_format.sql"),
        postgres: include_str!("../migrations/postgres/0015_panel_format.sql"),
    },
];

#[derive(FromQueryResult)]
struct Applied {
    version: i64,
}

/// Applies the migrations that are not yet applied, in one transaction, and returns the
/// versions it applied; then writes the shipped award catalogue. Several servers starting at
/// once on PostgreSQL take turns.
pub async fn migrate(db: &Db) -> StoreResult<Vec<i64>> {
    let backend = db.backend();
    let tx = db.conn.begin().await?;
    if backend == DbBackend::Postgres {
        tx.execute_unprepared("SELECT pg_advisory_xact_lock(7426001)").await?;
    }
    tx.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    let applied: Vec<i64> =
        Applied::find_by_statement(stmt(backend, "SELECT version FROM schema_migration ORDER BY version", vec![]))
            .all(&tx)
            .await?
            .into_iter()
            .map(|a| a.version)
            .collect();
    let mut done = Vec::new();
    for m in MIGRATIONS {
        if applied.contains(&m.version) {
            continue;
        }
        let sql = if backend == DbBackend::Postgres { m.postgres } else { m.sqlite };
        tracing::info!(version = m.version, name = m.name, "applying migration");
        tx.execute_unprepared(sql).await?;
        tx.execute_raw(stmt(
            backend,
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
            vec![m.version.into(), m.name.into(), now_text().into()],
        ))
        .await?;
        done.push(m.version);
    }
    crate::registry::sync_catalogue(&tx, tdkt_rules::Catalogue::builtin()).await?;
    tx.commit().await?;
    Ok(done)
}

/// The versions applied to this database.
pub async fn applied_versions(db: &Db) -> StoreResult<Vec<i64>> {
    Ok(Applied::find_by_statement(stmt(db.backend(), "SELECT version FROM schema_migration ORDER BY version", vec![]))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|a| a.version)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions_in(dir: &str) -> Vec<(i64, String)> {
        let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        let mut out: Vec<(i64, String)> = std::fs::read_dir(&path)
            .expect("migration folder exists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .map(|n| {
                let (v, rest) = n.split_once('_').expect("named NNNN_name.sql");
                (v.parse().expect("numeric version"), rest.trim_end_matches(".sql").to_string())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn both_dialect_folders_list_the_same_versions_as_the_embedded_list() {
        let sqlite = versions_in("sqlite");
        let postgres = versions_in("postgres");
        assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same versions");
        let embedded: Vec<(i64, String)> = MIGRATIONS.iter().map(|m| (m.version, m.name.to_string())).collect();
        assert_eq!(sqlite, embedded, "every migration file must be listed in MIGRATIONS, in order");
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "versions are consecutive from 1");
        }
    }

    #[test]
    fn both_dialects_create_the_same_tables() {
        // The tables a migration adds and removes, after SQLite's rebuilds (create a new table,
        // drop the old one, rename the new one to the old name) cancel out.
        fn tables(sql: &str) -> Vec<String> {
            let name = |l: &str| l.split_whitespace().next().unwrap_or_default().trim_end_matches(';').to_string();
            let (mut created, mut dropped) = (Vec::new(), Vec::new());
            for l in sql.lines().map(str::trim) {
                if let Some(rest) = l.strip_prefix("CREATE TABLE ") {
                    created.push(name(rest));
                } else if let Some(rest) = l.strip_prefix("DROP TABLE ") {
                    dropped.push(name(rest));
                } else if let Some(rest) = l.strip_prefix("ALTER TABLE ")
                    && let Some((from, to)) = rest.split_once(" RENAME TO ")
                {
                    let (from, to) = (name(from), name(to));
                    created.iter_mut().filter(|t| **t == from).for_each(|t| t.clone_from(&to));
                }
            }
            let mut t: Vec<String> = created.iter().filter(|c| !dropped.contains(c)).map(|c| format!("+{c}")).collect();
            t.extend(dropped.iter().filter(|d| !created.contains(d)).map(|d| format!("-{d}")));
            t.sort();
            t
        }
        for m in MIGRATIONS {
            assert_eq!(tables(m.sqlite), tables(m.postgres), "migration {} differs in tables", m.version);
        }
    }
}
