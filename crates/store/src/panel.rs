//! The eligibility panel: individuals' registry records kept as the rules crate's
//! [`Panel`] columns, in chunks of [`CHUNK`] person ids (`panel_chunk`), so that a bulk run
//! reads a few hundred blobs instead of millions of rows.
//!
//! The panel is derived data, like a search index: it is not audited, the registry tables stay
//! the truth. Every write to a person's records (or to the person) marks its chunk in
//! `panel_stale` inside the writer's transaction (its `generation` grows and never repeats);
//! a chunk is stale while `generation > built`. [`refresh`] rebuilds stale chunks; [`load`]
//! reads what is stored, so readers refresh first. A rebuild records the generation it read before building, and
//! writes only if no newer build got there first: a rebuild that raced a write leaves the chunk
//! stale, and an old build never replaces a newer one.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value};
use tdkt_rules::Catalogue;
use tdkt_rules::bulk::{Panel, Span};
use tdkt_rules::history::{AwardKind, DisciplineRecord, Level, Rating, WorkKind};

use crate::audit::WriteTx;
use crate::db::{Db, stmt};
use crate::error::{StoreError, StoreResult};

/// Person ids per chunk (`id / CHUNK`); the migration that made the tables uses the same number.
pub const CHUNK: i64 = 4096;

const MARK: &str = "INSERT INTO panel_stale (chunk, generation, built) VALUES (?, 1, 0) \
     ON CONFLICT (chunk) DO UPDATE SET generation = panel_stale.generation + 1";

/// Marks the chunks of these people stale, in the writer's transaction.
pub async fn mark_people(w: &WriteTx, people: impl IntoIterator<Item = i64>) -> StoreResult<()> {
    let chunks: BTreeSet<i64> = people.into_iter().map(|p| p.div_euclid(CHUNK)).collect();
    for c in chunks {
        w.exec(MARK, vec![c.into()]).await?;
    }
    Ok(())
}

/// Marks stale the chunks of the people a query selects (`SELECT id FROM person WHERE ...`,
/// given as the part after `WHERE`).
pub async fn mark_where(w: &WriteTx, condition: &str, values: Vec<Value>) -> StoreResult<()> {
    w.exec(
        &format!(
            "INSERT INTO panel_stale (chunk, generation, built) SELECT DISTINCT id / {CHUNK}, 1, 0 FROM person WHERE {condition} \
             ON CONFLICT (chunk) DO UPDATE SET generation = panel_stale.generation + 1"
        ),
        values,
    )
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Chunk {
    chunk: i64,
}

#[derive(FromQueryResult)]
struct Stale {
    chunk: i64,
    generation: i64,
}

/// How many chunks are waiting to be rebuilt.
pub async fn stale_count(db: &Db) -> StoreResult<u64> {
    crate::org::count(&db.conn, "SELECT COUNT(*) AS n FROM panel_stale WHERE generation > built", vec![]).await
}

/// Chunks built before they are written together (about a quarter of a million people).
const WRITE_BATCH: usize = 64;

/// Rebuilds every stale chunk; `progress` is told as each one is built (done, of). Returns the
/// number of stale chunks found. Chunks are built in batches of [`WRITE_BATCH`], and each batch
/// is written column by column in one transaction, so that the blobs of one column lie together
/// in the database file and a bulk read of a few columns reads a few runs of pages rather than
/// pages spread over the whole panel. A batch that fails leaves its chunks stale.
pub async fn refresh(db: &Db, catalogue: &Catalogue, progress: &mut (dyn FnMut(u64, u64) + Send)) -> StoreResult<u64> {
    let b = db.backend();
    let stale = Stale::find_by_statement(stmt(
        b,
        "SELECT chunk, generation FROM panel_stale WHERE generation > built ORDER BY chunk",
        vec![],
    ))
    .all(&db.conn)
    .await?;
    let total = stale.len() as u64;
    let mut done = 0;
    for batch in stale.chunks(WRITE_BATCH) {
        let mut built = Vec::with_capacity(batch.len());
        for s in batch {
            let panel = build_chunk(db, catalogue, s.chunk).await?;
            built.push((s, if panel.is_empty() { Vec::new() } else { panel.encode() }));
            done += 1;
            progress(done, total);
        }
        let _turn = db.turn().await;
        let tx = db.conn.begin().await?;
        // On PostgreSQL, lock the marks' rows of the batch without waiting: a writer marking a
        // chunk (in any order, with other rows locked) then waits for this transaction, which
        // never waits for it, so the two cannot deadlock. A chunk whose row a writer holds is
        // left stale for the next reader. (On SQLite writers take turns.)
        let free: Option<BTreeSet<i64>> = if b == sea_orm::DbBackend::Postgres {
            let marks = vec!["?"; built.len()].join(", ");
            let rows = Chunk::find_by_statement(stmt(
                b,
                &format!("SELECT chunk FROM panel_stale WHERE chunk IN ({marks}) FOR UPDATE SKIP LOCKED"),
                built.iter().map(|(s, _)| s.chunk.into()).collect(),
            ))
            .all(&tx)
            .await?;
            Some(rows.into_iter().map(|r| r.chunk).collect())
        } else {
            None
        };
        // Claim each build (a newer build already stored wins, and this one is dropped).
        let mut claimed = Vec::with_capacity(built.len());
        for (s, columns) in built {
            if free.as_ref().is_some_and(|f| !f.contains(&s.chunk)) {
                continue;
            }
            let won = tx
                .execute_raw(stmt(
                    b,
                    "UPDATE panel_stale SET built = ? WHERE chunk = ? AND built < ?",
                    vec![s.generation.into(), s.chunk.into(), s.generation.into()],
                ))
                .await?
                .rows_affected();
            if won > 0 {
                tx.execute_raw(stmt(b, "DELETE FROM panel_chunk WHERE chunk = ?", vec![s.chunk.into()])).await?;
                claimed.push((s.chunk, columns));
            }
        }
        let names: BTreeSet<String> =
            claimed.iter().flat_map(|(_, cols)| cols.iter().map(|(n, _)| n.clone())).collect();
        for name in names {
            for (chunk, cols) in &mut claimed {
                if let Some((_, data)) = cols.iter_mut().find(|(n, _)| *n == name) {
                    tx.execute_raw(stmt(
                        b,
                        "INSERT INTO panel_chunk (chunk, col, data) VALUES (?, ?, ?)",
                        vec![(*chunk).into(), name.as_str().into(), std::mem::take(data).into()],
                    ))
                    .await?;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(total)
}

#[derive(FromQueryResult)]
struct PersonRow {
    id: i64,
    unit_id: i64,
    recruited_on: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct RatingRow {
    person_id: i64,
    year: i32,
    rating: String,
}

#[derive(FromQueryResult)]
struct AwardRow {
    person_id: i64,
    award_code: String,
    year: i32,
    kind: String,
    revoked_on: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct InitiativeRow {
    person_id: i64,
    year: i32,
    level: String,
    kind: String,
}

#[derive(FromQueryResult)]
struct SpanRow {
    person_id: i64,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
}

/// One chunk's panel, read from the registry tables.
async fn build_chunk(db: &Db, catalogue: &Catalogue, chunk: i64) -> StoreResult<Panel> {
    let b = db.backend();
    let (lo, hi) = (chunk * CHUNK, (chunk + 1) * CHUNK);
    let range = || vec![Value::from(lo), Value::from(hi)];
    let people = PersonRow::find_by_statement(stmt(
        b,
        "SELECT id, unit_id, recruited_on FROM person WHERE id >= ? AND id < ? ORDER BY id",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let mut panel = Panel::default();
    for p in &people {
        panel.add_person(p.id, p.unit_id, p.recruited_on);
    }
    let ids = panel.ids.clone();
    let index = |id: i64| ids.binary_search(&id).ok().map(|i| i as u32);
    let ratings = RatingRow::find_by_statement(stmt(
        b,
        "SELECT person_id, year, rating FROM rating WHERE person_id >= ? AND person_id < ?",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let awards = AwardRow::find_by_statement(stmt(
        b,
        "SELECT person_id, award_code, year, kind, revoked_on FROM award WHERE person_id >= ? AND person_id < ?",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let initiatives = InitiativeRow::find_by_statement(stmt(
        b,
        "SELECT person_id, year, level, kind FROM initiative WHERE person_id >= ? AND person_id < ?",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let discipline = SpanRow::find_by_statement(stmt(
        b,
        "SELECT person_id, starts_on AS starts, ends_on AS ends FROM discipline WHERE person_id >= ? AND person_id < ?",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let pending = SpanRow::find_by_statement(stmt(
        b,
        "SELECT person_id, opened_on AS starts, closed_on AS ends FROM pending_matter WHERE person_id >= ? AND person_id < ?",
        range(),
    ))
    .all(&db.conn)
    .await?;
    let bad = |what: &str, v: &str| StoreError::Other(format!("sổ khen thưởng có {what} không hợp lệ: “{v}”"));
    for r in ratings {
        let Some(i) = index(r.person_id) else { continue };
        let rating = Rating::parse(&r.rating).ok_or_else(|| bad("mức đánh giá", &r.rating))?;
        panel.add_rating(i, r.year, rating);
    }
    for a in awards {
        let Some(i) = index(a.person_id) else { continue };
        let Some(code) = catalogue.canonical(&a.award_code) else { continue };
        let kind = AwardKind::parse(&a.kind).ok_or_else(|| bad("loại khen thưởng", &a.kind))?;
        panel.add_award(i, code, kind, a.year, a.revoked_on);
    }
    for x in initiatives {
        let Some(i) = index(x.person_id) else { continue };
        let level = Level::parse(&x.level).ok_or_else(|| bad("cấp công nhận", &x.level))?;
        let kind = WorkKind::parse(&x.kind).ok_or_else(|| bad("loại sáng kiến", &x.kind))?;
        panel.add_initiative(i, kind, level, x.year);
    }
    for d in discipline {
        let Some(i) = index(d.person_id) else { continue };
        panel.add_discipline(i, DisciplineRecord { from: d.starts, to: d.ends });
    }
    for p in pending {
        let Some(i) = index(p.person_id) else { continue };
        panel.add_pending(i, Span { from: p.starts, to: p.ends });
    }
    panel.finish();
    Ok(panel)
}

#[derive(FromQueryResult)]
struct ChunkCol {
    chunk: i64,
    col: String,
    data: Vec<u8>,
}

/// The panel with only the named columns (as `Plan::columns` lists them), as stored, decoded on
/// `threads` threads: call [`refresh`] first to rebuild stale chunks.
pub async fn load(db: &Db, columns: &[String], threads: usize) -> StoreResult<Panel> {
    let b = db.backend();
    let marks = vec!["?"; columns.len()].join(", ");
    // In the order stored (no sort in the database, which would copy every blob once more).
    let mut rows = ChunkCol::find_by_statement(stmt(
        b,
        &format!("SELECT chunk, col, data FROM panel_chunk WHERE col IN ({marks})"),
        columns.iter().map(|c| c.clone().into()).collect(),
    ))
    .all(&db.conn)
    .await?;
    rows.sort_by_key(|r| r.chunk);
    let mut chunks: Vec<Vec<(&str, &[u8])>> = Vec::new();
    let mut last = None;
    for r in &rows {
        if last != Some(r.chunk) {
            chunks.push(Vec::new());
            last = Some(r.chunk);
        }
        if let Some(c) = chunks.last_mut() {
            c.push((r.col.as_str(), r.data.as_slice()));
        }
    }
    let mut panel = Panel::decode_chunks(&chunks, threads).map_err(|e| StoreError::Other(e.to_string()))?;
    panel.finish();
    Ok(panel)
}
