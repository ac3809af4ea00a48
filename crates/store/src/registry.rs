//! The award registry: the catalogue as loaded, decisions, awards, yearly ratings, initiatives,
//! discipline periods and open matters of people and units, and the history the eligibility
//! engine reads from them.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_rules::Catalogue;
use tdkt_rules::history::{
    AwardKind, AwardRecord, DisciplineRecord, History, InitiativeRecord, Level, Rating, RatingRecord, Subject,
    SubjectKind, WorkKind,
};
use tdkt_rules::params::Override;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};

/// Who a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Holder {
    Person(i64),
    Unit(i64),
}

impl Holder {
    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Holder::Person(p) => (Some(p), None),
            Holder::Unit(u) => (None, Some(u)),
        }
    }

    fn object(self) -> (&'static str, String) {
        match self {
            Holder::Person(p) => ("person", p.to_string()),
            Holder::Unit(u) => ("unit", u.to_string()),
        }
    }
}

// ---------------------------------------------------------------- catalogue

/// Writes the shipped catalogue into `award_type` and `award_alias` (codes no longer shipped stay,
/// since awards may point at them). [`crate::migrate::migrate`] runs it at every start inside its
/// transaction; the catalogue is data of the release, not a user's change, so it is not audited.
pub(crate) async fn sync_catalogue(tx: &impl ConnectionTrait, catalogue: &Catalogue) -> StoreResult<()> {
    let b = tx.get_database_backend();
    for (i, a) in catalogue.all().iter().enumerate() {
        let subjects: Vec<&str> = a
            .subjects
            .iter()
            .map(|s| match s {
                SubjectKind::Individual => "individual",
                SubjectKind::Collective => "collective",
                SubjectKind::Household => "household",
            })
            .collect();
        let category = serde_json::to_value(a.category).ok().and_then(|v| v.as_str().map(str::to_string));
        let periodicity = serde_json::to_value(a.periodicity).ok().and_then(|v| v.as_str().map(str::to_string));
        tx.execute_raw(stmt(
            b,
            "INSERT INTO award_type (code, name, category, subjects, level, authority, periodicity, period_years, multiplier, article, evidence, position) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, category = excluded.category, subjects = excluded.subjects, \
             level = excluded.level, authority = excluded.authority, periodicity = excluded.periodicity, \
             period_years = excluded.period_years, multiplier = excluded.multiplier, article = excluded.article, \
             evidence = excluded.evidence, position = excluded.position",
            vec![
                a.code.clone().into(),
                a.name.clone().into(),
                category.unwrap_or_default().into(),
                subjects.join(",").into(),
                a.level.clone().into(),
                a.authority.clone().into(),
                periodicity.unwrap_or_default().into(),
                a.period().into(),
                a.multiplier.into(),
                a.article.clone().into(),
                a.evidence.clone().into(),
                (i as i64).into(),
            ],
        ))
        .await?;
    }
    // The panel names award columns by primary code: when codes or aliases change, every
    // chunk is rebuilt.
    let codes: Vec<String> = catalogue.all().iter().map(|a| format!("{}={}", a.code, a.aliases.join("|"))).collect();
    let codes = codes.join(",");
    #[derive(FromQueryResult)]
    struct Meta {
        value: String,
    }
    let stored = Meta::find_by_statement(stmt(b, "SELECT value FROM meta WHERE key = 'catalogue_codes'", vec![]))
        .one(tx)
        .await?
        .map(|m| m.value);
    if stored.as_deref() != Some(codes.as_str()) {
        if stored.is_some() {
            tx.execute_raw(stmt(
                b,
                &format!(
                    "INSERT INTO panel_stale (chunk, generation, built) SELECT DISTINCT id / {}, 1, 0 FROM person WHERE true \
                     ON CONFLICT (chunk) DO UPDATE SET generation = panel_stale.generation + 1",
                    crate::panel::CHUNK
                ),
                vec![],
            ))
            .await?;
        }
        tx.execute_raw(stmt(b, "DELETE FROM meta WHERE key = 'catalogue_codes'", vec![])).await?;
        tx.execute_raw(stmt(b, "INSERT INTO meta (key, value) VALUES ('catalogue_codes', ?)", vec![codes.into()]))
            .await?;
    }
    tx.execute_raw(stmt(b, "DELETE FROM award_alias", vec![])).await?;
    for a in catalogue.all() {
        for alias in &a.aliases {
            tx.execute_raw(stmt(
                b,
                "INSERT INTO award_alias (alias, code) VALUES (?, ?)",
                vec![alias.clone().into(), a.code.clone().into()],
            ))
            .await?;
        }
    }
    Ok(())
}

/// Whether the registry holds no award, yearly rating or initiative yet.
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    for table in ["award", "rating", "initiative"] {
        let any = format!("SELECT COUNT(*) AS n FROM (SELECT 1 FROM {table} LIMIT 1) AS t");
        if crate::org::count(&db.conn, &any, vec![]).await? > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The province's own parameter values.
pub async fn param_overrides(db: &impl ConnectionTrait) -> StoreResult<Vec<Override>> {
    #[derive(FromQueryResult)]
    struct Row {
        key: String,
        valid_from: NaiveDate,
        value: Option<f64>,
        note: String,
    }
    let rows = Row::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT key, valid_from, value, note FROM param_override ORDER BY valid_from, key",
        vec![],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Override {
            key: r.key,
            from: r.valid_from,
            value: r.value,
            note: (!r.note.is_empty()).then_some(r.note),
        })
        .collect())
}

// ---------------------------------------------------------------- writing

/// A decision (quyết định) that awards.
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub number: String,
    pub signed_on: NaiveDate,
    pub issuer: String,
    pub signer: String,
    pub unit_id: Option<i64>,
}

/// Records a decision, or returns the one with the same number, date and issuer (two communes
/// may both issue a "17/QĐ-UBND" on the same day).
pub async fn ensure_decision(w: &mut WriteTx, d: &NewDecision) -> StoreResult<i64> {
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let find = || {
        stmt(
            w.backend(),
            "SELECT id FROM decision WHERE number = ? AND signed_on = ? AND issuer = ?",
            vec![d.number.clone().into(), d.signed_on.into(), d.issuer.clone().into()],
        )
    };
    if let Some(r) = Id::find_by_statement(find()).one(&w.tx).await? {
        return Ok(r.id);
    }
    let r = Id::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO decision (number, signed_on, issuer, signer, unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            d.number.clone().into(),
            d.signed_on.into(),
            d.issuer.clone().into(),
            d.signer.clone().into(),
            d.unit_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("quyết định vừa tạo"))?;
    w.record(
        "decision.create",
        "decision",
        Some(r.id.to_string()),
        d.unit_id,
        serde_json::json!({"number": d.number, "signed_on": d.signed_on, "issuer": d.issuer}),
    )
    .await?;
    Ok(r.id)
}

/// One award to record.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub holder: Holder,
    pub code: String,
    pub year: i32,
    pub period_from: Option<i32>,
    pub kind: AwardKind,
    pub decision_id: Option<i64>,
}

fn award_values(a: &NewAward, catalogue: &Catalogue) -> StoreResult<Vec<Value>> {
    let code = catalogue
        .canonical(&a.code)
        .ok_or_else(|| StoreError::invalid("award_code", format!("không có mã khen thưởng “{}”", a.code)))?;
    Ok(award_row(a, code).into())
}

/// The values of [`AWARD_INSERT`] for an award whose code is `code` (canonical).
fn award_row(a: &NewAward, code: &str) -> [Value; 7] {
    let (p, u) = a.holder.ids();
    [p.into(), u.into(), code.into(), a.year.into(), a.period_from.into(), a.kind.code().into(), a.decision_id.into()]
}

const AWARD_INSERT: &str = "INSERT INTO award (person_id, unit_id, award_code, year, period_from, kind, decision_id)";

/// Rows per statement of the batch inserts on SQLite (with at most 7 values a row, well under its
/// limit on bound values).
const BATCH_ROWS: usize = 1000;
/// Rows per statement of the batch inserts on PostgreSQL (one array value per column).
const PG_BATCH_ROWS: usize = 20_000;

/// Inserts `rows`, each put as `types.len()` values by `put` (`types` are their SQL types). On
/// SQLite, multi-row `VALUES` statements of bound values: every full batch has the same text, so
/// each connection prepares it once and a batch only binds values. On PostgreSQL, whose planner
/// would plan each such statement again, one array per column (bound as text and cast), unnested
/// into rows.
///
/// The values of the next statement are made while the database runs the last one: the statement
/// is handed to the connection (polled once, which puts it on the queue of SQLite's worker thread,
/// or sends it to PostgreSQL as far as the socket takes it), the next batch is built, then its
/// result is awaited. Built one after the other, each side waited for the other for about half
/// of a large load.
async fn insert_rows<T: Sync>(
    w: &mut WriteTx,
    insert: &str,
    types: &[&str],
    rows: &[T],
    put: impl Fn(&T, &mut Vec<Value>) + Sync,
) -> StoreResult<u64> {
    let cols = types.len().max(1);
    let pg = w.backend() == sea_orm::DbBackend::Postgres;
    let build = |chunk: &[T]| -> StoreResult<(usize, Vec<Value>)> {
        let mut values = Vec::with_capacity(chunk.len() * cols);
        for r in chunk {
            put(r, &mut values);
        }
        if !pg {
            return Ok((chunk.len(), values));
        }
        let columns = (0..cols)
            .map(|k| pg_array(values.iter().skip(k).step_by(cols)).map(Value::from))
            .collect::<StoreResult<Vec<Value>>>()?;
        Ok((chunk.len(), columns))
    };
    let per = if pg { PG_BATCH_ROWS } else { BATCH_ROWS };
    let arrays: Vec<String> = types.iter().map(|t| format!("CAST(? AS {t}[])")).collect();
    let row = format!("({})", vec!["?"; cols].join(", "));
    let sql_for = |rows: usize| {
        if pg {
            format!("{insert} SELECT u.* FROM unnest({}) AS u", arrays.join(", "))
        } else {
            format!("{insert} VALUES {}", vec![row.as_str(); rows].join(", "))
        }
    };
    let full = sql_for(per);
    let mut chunks = rows.chunks(per);
    let mut next = chunks.next().map(build).transpose()?;
    let mut n = 0;
    while let Some((len, values)) = next.take() {
        let other;
        let sql = if len == per || pg {
            &full
        } else {
            other = sql_for(len);
            &other
        };
        let mut exec = std::pin::pin!(w.exec(sql, values));
        let sent = exec.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
        let built = chunks.next().map(build).transpose();
        n += match sent {
            std::task::Poll::Ready(done) => done?,
            std::task::Poll::Pending => exec.await?,
        };
        next = built?;
    }
    Ok(n)
}

/// One column of a batch as a PostgreSQL array literal (`{1,NULL,3}`, `{"a","b\\"c"}`), for
/// [`insert_rows`]: the registry's batches hold only integers and text.
fn pg_array<'a>(values: impl Iterator<Item = &'a Value>) -> StoreResult<String> {
    use std::fmt::Write;
    let mut out = String::from("{");
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(',');
        }
        match v {
            Value::BigInt(Some(x)) => {
                let _ = write!(out, "{x}");
            }
            Value::Int(Some(x)) => {
                let _ = write!(out, "{x}");
            }
            Value::String(Some(x)) => {
                out.push('"');
                for c in x.chars() {
                    if c == '"' || c == '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
            Value::BigInt(None) | Value::Int(None) | Value::String(None) => out.push_str("NULL"),
            other => return Err(StoreError::Other(format!("giá trị không ghi hàng loạt được: {other:?}"))),
        }
    }
    out.push('}');
    Ok(out)
}

/// The secondary indexes of a registry table, set aside for a load that adds more rows than the
/// table holds: dropped inside the loading transaction and made again from the loaded table
/// before it commits (one sort per index instead of one B-tree descent per row and index). The
/// unique ones still refuse a duplicate when they are made again, which fails the load as a
/// whole. Indexes of units' rows stay (see `units_only`), and so do constraint indexes, except on
/// PostgreSQL, where the table's primary key and its foreign keys (its own and those of other tables that refer to it) are set aside too and added
/// again: the key's index is one sort, and one join checks every row against its parent. Dropping
/// them locks the table, the tables it refers to (person, unit, award_type, decision) and those
/// that refer to it (certificates, decisions' lists) against readers until
/// the load commits: this is for first loads of a registry (the rule "more rows than the table
/// holds"), not for an office's daily files. A caller must end a load with [`SetAside::restore`]
/// (its error fails the load) or, when the load failed, [`SetAside::abandon`].
#[derive(Debug)]
pub struct SetAside {
    table: String,
    indexes: Vec<(String, String)>,
    /// PostgreSQL's foreign keys of the table and those of other tables that refer to it (table,
    /// name, definition): checked row by row they cost a trigger and a locking read of the parent
    /// per row; added again, one join checks them all.
    foreign_keys: Vec<(String, String, String)>,
    /// PostgreSQL's primary key of the table (name, definition): its index, grown one row at a
    /// time and logged row by row, cost more than half of writing the rows; made again, it is one
    /// sort. The keys of other tables that refer to it are set aside with it.
    primary_key: Option<(String, String)>,
}

#[derive(FromQueryResult)]
struct IndexDef {
    name: String,
    def: String,
}

/// PostgreSQL's memory for the sorts of a load's index builds, in KiB.
const PG_SORT_MEM_KB: u64 = 1024 * 1024;

/// SQLite's page cache while a load makes its indexes again, in KiB. SQLite sizes the sorted runs
/// of an index build by the page cache: runs of 64 MB are sorted by two threads at once and merged,
/// where runs of 512 MB were sorted one at a time. At a million people an award index took 6.8 s
/// instead of 10.5 s. The load's pages beyond it go to the write-ahead log, as the commit would
/// have written them anyway.
const SORT_CACHE_KB: u64 = 64 * 1024;

/// Tables whose indexes a load may set aside.
const LOAD_TABLES: [&str; 3] = ["award", "rating", "initiative"];

impl SetAside {
    /// Sets aside the indexes of `table` when `rows` (the rows about to be loaded) outnumber the
    /// rows already in it; otherwise does nothing.
    pub async fn when_larger(w: &mut WriteTx, table: &str, rows: u64) -> StoreResult<SetAside> {
        if !LOAD_TABLES.contains(&table) {
            return Err(StoreError::Other(format!("bảng {table} không nạp hàng loạt được")));
        }
        let have = crate::org::count(&w.tx, &format!("SELECT COUNT(*) AS n FROM {table}"), vec![]).await?;
        if rows <= have {
            return Ok(SetAside { table: table.to_string(), indexes: vec![], foreign_keys: vec![], primary_key: None });
        }
        let (sql, values) = if w.backend() == sea_orm::DbBackend::Postgres {
            (
                "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() \
                 AND tablename = ? AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass)) \
                 ORDER BY indexname",
                vec![table.into(), table.into()],
            )
        } else {
            // Constraint indexes (`sqlite_autoindex_...`) have no SQL of their own.
            (
                "SELECT name, sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                vec![table.into()],
            )
        };
        let indexes: Vec<(String, String)> =
            definitions(w, sql, values).await?.into_iter().filter(|(_, def)| !units_only(def)).collect();
        for (name, _) in &indexes {
            w.exec(&format!("DROP INDEX {name}"), vec![]).await?;
        }
        let mut foreign_keys = Vec::new();
        let mut primary_key = None;
        if w.backend() == sea_orm::DbBackend::Postgres {
            // The table's own keys, then the keys of other tables that refer to it (they hang on
            // its primary key).
            for which in [
                "conrelid = CAST(? AS regclass) AND contype = 'f'",
                "confrelid = CAST(? AS regclass) AND conrelid <> confrelid AND contype = 'f'",
            ] {
                let keys = definitions(
                    w,
                    &format!(
                        "SELECT CAST(conrelid AS regclass)::text || ' ' || conname AS name, pg_get_constraintdef(oid) AS def \
                         FROM pg_constraint WHERE {which} ORDER BY conname"
                    ),
                    vec![table.into()],
                )
                .await?;
                for (both, def) in keys {
                    let (on, name) = both.split_once(' ').unwrap_or((table, both.as_str()));
                    w.exec(&format!("ALTER TABLE {on} DROP CONSTRAINT {name}"), vec![]).await?;
                    foreign_keys.push((on.to_string(), name.to_string(), def));
                }
            }
            let pk = definitions(
                w,
                "SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint \
                 WHERE conrelid = CAST(? AS regclass) AND contype = 'p'",
                vec![table.into()],
            )
            .await?;
            if let Some((name, def)) = pk.into_iter().next() {
                w.exec(&format!("ALTER TABLE {table} DROP CONSTRAINT {name}"), vec![]).await?;
                primary_key = Some((name, def));
            }
        }
        let table = table.to_string();
        if indexes.is_empty() {
            return Ok(SetAside { table, indexes, foreign_keys, primary_key });
        }
        if w.backend() == sea_orm::DbBackend::Sqlite {
            // Index sorts may use a second thread. The page cache stays as it is while rows are
            // written: pages beyond it go to the write-ahead log as they fill, which the commit
            // would have written anyway (a 2 GB cache that held the whole load made the load
            // no faster, and its sorts slower; see `SORT_CACHE_KB`).
            w.exec("PRAGMA threads = 2", vec![]).await?;
        } else {
            // Memory for the sorts of this transaction's index builds only.
            w.exec(&format!("SET LOCAL maintenance_work_mem = '{PG_SORT_MEM_KB}kB'"), vec![]).await?;
        }
        Ok(SetAside { table, indexes, foreign_keys, primary_key })
    }

    /// Gives the connection its usual settings back after a failed load (the transaction is then
    /// rolled back, and with it the dropped indexes and keys come back).
    pub async fn abandon(self, w: &mut WriteTx) -> StoreResult<()> {
        usual_settings(w, !self.indexes.is_empty()).await
    }

    /// Makes the indexes again (a duplicate that a unique index refuses fails the whole load).
    pub async fn restore(self, w: &mut WriteTx) -> StoreResult<()> {
        let set_aside = !self.indexes.is_empty();
        let mut made = Ok(());
        if set_aside && w.backend() == sea_orm::DbBackend::Sqlite {
            made = w.exec(&format!("PRAGMA cache_size = -{SORT_CACHE_KB}"), vec![]).await.map(|_| ());
        }
        if let Some((name, def)) = self.primary_key
            && let Err(e) = w.exec(&format!("ALTER TABLE {} ADD CONSTRAINT {name} {def}", self.table), vec![]).await
        {
            made = Err(StoreError::Other(format!("không tạo lại được khoá chính {name}: {e}")));
        }
        for (name, def) in self.indexes {
            if made.is_err() {
                break;
            }
            if let Err(e) = w.exec(&def, vec![]).await {
                made = Err(StoreError::Other(format!("không tạo lại được chỉ mục {name} (dữ liệu trùng lặp?): {e}")));
                break;
            }
        }
        if made.is_ok() {
            for (on, name, def) in self.foreign_keys {
                if let Err(e) = w.exec(&format!("ALTER TABLE {on} ADD CONSTRAINT {name} {def}"), vec![]).await {
                    made = Err(StoreError::Other(format!("dữ liệu nạp vào tham chiếu sai ({name}): {e}")));
                    break;
                }
            }
        }
        // The connection goes back to the pool: its usual cache, whether the load stands or not.
        usual_settings(w, set_aside).await?;
        made
    }
}

/// Whether an index holds only units' rows (partial on `unit_id IS NOT NULL`, in either dialect's
/// spelling). [`SetAside`] leaves such an index in place: a province has a few hundred units, so
/// growing it row by row costs nothing, while making it again would read the whole table.
fn units_only(def: &str) -> bool {
    def.split_once(" WHERE ").is_some_and(|(_, cond)| cond.contains("unit_id IS NOT NULL"))
}

/// Names and definitions (of indexes or constraints) read from a dialect's catalogue.
async fn definitions(w: &WriteTx, sql: &str, values: Vec<Value>) -> StoreResult<Vec<(String, String)>> {
    Ok(IndexDef::find_by_statement(stmt(w.backend(), sql, values))
        .all(&w.tx)
        .await?
        .into_iter()
        .map(|i| (i.name, i.def))
        .collect())
}

/// Gives a SQLite connection its usual page cache and sort threads back after a load that set
/// indexes aside (`set_aside`); PostgreSQL's settings ended with the transaction.
async fn usual_settings(w: &WriteTx, set_aside: bool) -> StoreResult<()> {
    if set_aside && w.backend() == sea_orm::DbBackend::Sqlite {
        w.exec(&format!("PRAGMA cache_size = -{}", crate::db::SQLITE_CACHE_KB), vec![]).await?;
        w.exec("PRAGMA threads = 0", vec![]).await?;
    }
    Ok(())
}

/// Records awards in batches, with one audit entry for the call.
pub async fn insert_awards(w: &mut WriteTx, catalogue: &Catalogue, rows: &[NewAward], why: &str) -> StoreResult<u64> {
    // Most rows of a large load are a person's award with no period and no decision: those bind
    // four values instead of seven. When they were entered is the audit entry's time.
    let (mut plain, mut full) = (Vec::new(), Vec::new());
    for a in rows {
        let code = catalogue
            .canonical(&a.code)
            .ok_or_else(|| StoreError::invalid("award_code", format!("không có mã khen thưởng “{}”", a.code)))?;
        match (a.holder, a.period_from, a.decision_id) {
            (Holder::Person(p), None, None) => plain.push((p, code, a.year, a.kind)),
            _ => full.push((a, code)),
        }
    }
    w.check_refs(
        rows.iter().filter_map(|a| a.holder.ids().0),
        rows.iter().filter_map(|a| a.holder.ids().1),
        rows.iter().filter_map(|a| catalogue.canonical(&a.code)),
    )?;
    w.check_decisions(rows.iter().filter_map(|a| a.decision_id)).await?;
    // The ids this call gives, for its audit entry: no other writer runs until it commits.
    let first = last_award_id(w).await? + 1;
    let mut n = insert_rows(
        w,
        "INSERT INTO award (person_id, award_code, year, kind)",
        &["BIGINT", "TEXT", "INTEGER", "TEXT"],
        &plain,
        |(p, code, year, kind), v| v.extend([Value::from(*p), (*code).into(), (*year).into(), kind.code().into()]),
    )
    .await?;
    n += insert_rows(
        w,
        AWARD_INSERT,
        &["BIGINT", "BIGINT", "TEXT", "INTEGER", "INTEGER", "TEXT", "BIGINT"],
        &full,
        |(a, code), v| v.extend(award_row(a, code)),
    )
    .await?;
    crate::panel::mark_people(w, rows.iter().filter_map(|a| a.holder.ids().0)).await?;
    if n > 0 {
        let last = last_award_id(w).await?;
        w.record(
            "award.import",
            "award",
            None,
            None,
            serde_json::json!({"rows": n, "source": why, "ids": [first, last]}),
        )
        .await?;
    }
    Ok(n)
}

/// The last id given to an award: on SQLite the largest (rowids grow from it), on PostgreSQL the
/// sequence's (the table's primary key may be set aside during a load, and with it the index
/// that would find the largest id).
async fn last_award_id(w: &WriteTx) -> StoreResult<i64> {
    let sql = if w.backend() == sea_orm::DbBackend::Postgres {
        "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS n FROM award_id_seq"
    } else {
        "SELECT COALESCE(MAX(id), 0) AS n FROM award"
    };
    Ok(crate::org::count(&w.tx, sql, vec![]).await? as i64)
}

/// Records one award; a second regular award of the same code and year for the same holder is refused.
pub async fn add_award(w: &mut WriteTx, catalogue: &Catalogue, a: &NewAward) -> StoreResult<i64> {
    let (p, u) = a.holder.ids();
    let code = catalogue.canonical(&a.code).unwrap_or(&a.code).to_string();
    if a.kind == AwardKind::CongTrang {
        let dup = crate::org::count(
            &w.tx,
            "SELECT COUNT(*) AS n FROM award WHERE award_code = ? AND year = ? AND kind = 'cong_trang' AND revoked_on IS NULL \
             AND (person_id = ? OR unit_id = ?)",
            vec![code.clone().into(), a.year.into(), p.unwrap_or(-1).into(), u.unwrap_or(-1).into()],
        )
        .await?;
        if dup > 0 {
            return Err(StoreError::invalid(
                "award_code",
                format!("đã có “{code}” năm {} cho đối tượng này (không khen hai lần một thành tích)", a.year),
            ));
        }
    }
    let sql = format!("{AWARD_INSERT} VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    let award_id = crate::org::IdRow::find_by_statement(stmt(w.backend(), &sql, award_values(a, catalogue)?))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("khen thưởng vừa ghi"))?
        .id;
    crate::panel::mark_people(w, p).await?;
    let (ty, id) = a.holder.object();
    w.record(
        "award.create",
        ty,
        Some(id),
        u,
        serde_json::json!({"award_id": award_id, "code": code, "year": a.year, "kind": a.kind.code(), "decision_id": a.decision_id}),
    )
    .await?;
    Ok(award_id)
}

/// Ratings of many people at once (new rows only), in statements of a few thousand rows.
pub async fn insert_person_ratings(w: &mut WriteTx, rows: &[(i64, i32, Rating)], why: &str) -> StoreResult<u64> {
    w.check_refs(rows.iter().map(|r| r.0), [], [])?;
    let n = insert_rows(
        w,
        "INSERT INTO rating (person_id, year, rating)",
        &["BIGINT", "INTEGER", "TEXT"],
        rows,
        |(p, y, r), v| v.extend([Value::from(*p), Value::from(*y), Value::from(r.code())]),
    )
    .await?;
    crate::panel::mark_people(w, rows.iter().map(|r| r.0)).await?;
    if n > 0 {
        w.record("rating.import", "rating", None, None, serde_json::json!({"rows": n, "source": why})).await?;
    }
    Ok(n)
}

/// One initiative or science work of a person.
#[derive(Debug, Clone)]
pub struct NewInitiative {
    pub person_id: i64,
    pub title: String,
    pub year: i32,
    pub level: Level,
    pub kind: WorkKind,
    pub recognised_by: String,
}

pub async fn insert_initiatives(w: &mut WriteTx, rows: &[NewInitiative], why: &str) -> StoreResult<u64> {
    w.check_refs(rows.iter().map(|x| x.person_id), [], [])?;
    let n = insert_rows(
        w,
        "INSERT INTO initiative (person_id, title, year, level, kind, recognised_by)",
        &["BIGINT", "TEXT", "INTEGER", "TEXT", "TEXT", "TEXT"],
        rows,
        |x, v| {
            v.extend([
                Value::from(x.person_id),
                tdkt_domain::text::clean(&x.title).into(),
                x.year.into(),
                x.level.code().into(),
                x.kind.code().into(),
                tdkt_domain::text::clean(&x.recognised_by).into(),
            ]);
        },
    )
    .await?;
    crate::panel::mark_people(w, rows.iter().map(|x| x.person_id)).await?;
    if n > 0 {
        w.record("initiative.import", "initiative", None, None, serde_json::json!({"rows": n, "source": why})).await?;
    }
    Ok(n)
}

/// A discipline period or an open matter of a holder.
pub async fn add_discipline(
    w: &mut WriteTx,
    holder: Holder,
    form: &str,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    note: &str,
) -> StoreResult<()> {
    if ends_on.is_some_and(|e| e < starts_on) {
        return Err(StoreError::invalid("ends_on", "ngày hết thời hạn kỷ luật trước ngày bắt đầu"));
    }
    let (p, u) = holder.ids();
    w.exec(
        "INSERT INTO discipline (person_id, unit_id, form, starts_on, ends_on, note) VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            p.into(),
            u.into(),
            tdkt_domain::text::clean(form).into(),
            starts_on.into(),
            ends_on.into(),
            tdkt_domain::text::clean(note).into(),
        ],
    )
    .await?;
    crate::panel::mark_people(w, p).await?;
    let (ty, id) = holder.object();
    w.record("discipline.create", ty, Some(id), u, serde_json::json!({"form": form, "from": starts_on, "to": ends_on}))
        .await
}

pub async fn add_pending(
    w: &mut WriteTx,
    holder: Holder,
    kind: &str,
    opened_on: NaiveDate,
    note: &str,
) -> StoreResult<()> {
    let (p, u) = holder.ids();
    w.exec(
        "INSERT INTO pending_matter (person_id, unit_id, kind, opened_on, note) VALUES (?, ?, ?, ?, ?)",
        vec![p.into(), u.into(), kind.into(), opened_on.into(), tdkt_domain::text::clean(note).into()],
    )
    .await?;
    crate::panel::mark_people(w, p).await?;
    let (ty, id) = holder.object();
    w.record("pending.create", ty, Some(id), u, serde_json::json!({"kind": kind, "opened_on": opened_on})).await
}

// ---------------------------------------------------------------- reading

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AwardRow {
    pub id: i64,
    pub award_code: String,
    pub award_name: String,
    pub year: i32,
    pub period_from: Option<i32>,
    pub kind: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub revoked_on: Option<NaiveDate>,
    pub revoked_reason: String,
}

impl AwardRow {
    pub fn kind_label(&self) -> &'static str {
        AwardKind::parse(&self.kind).map(AwardKind::label).unwrap_or("")
    }
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct InitiativeRow {
    pub title: String,
    pub year: i32,
    pub level: String,
    pub kind: String,
    pub recognised_by: String,
}

impl InitiativeRow {
    pub fn level_label(&self) -> &'static str {
        Level::parse(&self.level).map(Level::label).unwrap_or("")
    }

    pub fn kind_label(&self) -> &'static str {
        WorkKind::parse(&self.kind).map(WorkKind::label).unwrap_or("")
    }
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct DisciplineRow {
    pub form: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub note: String,
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct PendingRow {
    pub kind: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub note: String,
}

/// Everything the registry holds about one person or unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Records {
    pub ratings: Vec<(i32, String)>,
    pub awards: Vec<AwardRow>,
    pub initiatives: Vec<InitiativeRow>,
    pub discipline: Vec<DisciplineRow>,
    pub pending: Vec<PendingRow>,
}

/// One year of a history, for the person and unit pages.
#[derive(Debug, Clone, Serialize)]
pub struct YearLine {
    pub year: i32,
    pub rating: Option<String>,
    pub awards: Vec<AwardRow>,
    pub initiatives: Vec<InitiativeRow>,
}

impl Records {
    /// The years with anything recorded, newest first.
    pub fn by_year(&self) -> Vec<YearLine> {
        let mut years: Vec<i32> = self
            .ratings
            .iter()
            .map(|r| r.0)
            .chain(self.awards.iter().map(|a| a.year))
            .chain(self.initiatives.iter().map(|i| i.year))
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        years
            .into_iter()
            .map(|y| YearLine {
                year: y,
                rating: self.ratings.iter().find(|r| r.0 == y).map(|r| r.1.clone()),
                awards: self.awards.iter().filter(|a| a.year == y).cloned().collect(),
                initiatives: self.initiatives.iter().filter(|i| i.year == y).cloned().collect(),
            })
            .collect()
    }

    /// The engine's view: revoked awards flagged, open matters as of `on`.
    pub fn history(&self, subject: Subject, on: NaiveDate) -> History {
        let mut h = History::new(subject.kind);
        h.subject = subject;
        h.ratings = self
            .ratings
            .iter()
            .filter_map(|(y, r)| Rating::parse(r).map(|rating| RatingRecord { year: *y, rating }))
            .collect();
        h.awards = self
            .awards
            .iter()
            .map(|a| AwardRecord {
                code: a.award_code.clone(),
                year: a.year,
                kind: AwardKind::parse(&a.kind).unwrap_or_default(),
                revoked: a.revoked_on.is_some_and(|r| r <= on),
                decision: a.decision_number.clone(),
            })
            .collect();
        h.initiatives = self
            .initiatives
            .iter()
            .filter_map(|i| {
                Some(InitiativeRecord {
                    year: i.year,
                    level: Level::parse(&i.level)?,
                    kind: WorkKind::parse(&i.kind).unwrap_or_default(),
                })
            })
            .collect();
        h.discipline = self.discipline.iter().map(|d| DisciplineRecord { from: d.starts_on, to: d.ends_on }).collect();
        h.pending = self
            .pending
            .iter()
            .filter(|p| p.opened_on <= on && p.closed_on.is_none_or(|c| c > on))
            .map(|p| p.kind.clone())
            .collect();
        h
    }
}

/// The registry's records of a person or a unit, oldest first.
pub async fn records(db: &Db, holder: Holder) -> StoreResult<Records> {
    let b = db.backend();
    let (column, id) = match holder {
        Holder::Person(p) => ("person_id", p),
        Holder::Unit(u) => ("unit_id", u),
    };
    #[derive(FromQueryResult)]
    struct R {
        year: i32,
        rating: String,
    }
    let ratings = R::find_by_statement(stmt(
        b,
        &format!("SELECT year, rating FROM rating WHERE {column} = ? ORDER BY year"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(|r| (r.year, r.rating))
    .collect();
    let awards = AwardRow::find_by_statement(stmt(
        b,
        &format!(
            "SELECT a.id, a.award_code, t.name AS award_name, a.year, a.period_from, a.kind, d.number AS decision_number, \
             d.signed_on AS decision_date, a.revoked_on, a.revoked_reason \
             FROM award a JOIN award_type t ON t.code = a.award_code LEFT JOIN decision d ON d.id = a.decision_id \
             WHERE a.{column} = ? ORDER BY a.year, t.position"
        ),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?;
    let initiatives =
        match holder {
            Holder::Person(p) => InitiativeRow::find_by_statement(stmt(
                b,
                "SELECT title, year, level, kind, recognised_by FROM initiative WHERE person_id = ? ORDER BY year, id",
                vec![p.into()],
            ))
            .all(&db.conn)
            .await?,
            Holder::Unit(_) => vec![],
        };
    let discipline = DisciplineRow::find_by_statement(stmt(
        b,
        &format!("SELECT form, starts_on, ends_on, note FROM discipline WHERE {column} = ? ORDER BY starts_on"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?;
    let pending = PendingRow::find_by_statement(stmt(
        b,
        &format!("SELECT kind, opened_on, closed_on, note FROM pending_matter WHERE {column} = ? ORDER BY opened_on"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?;
    Ok(Records { ratings, awards, initiatives, discipline, pending })
}

/// `base` with the province's parameter values as stored now.
pub async fn engine_with_overrides(db: &Db, base: &tdkt_rules::Engine) -> StoreResult<tdkt_rules::Engine> {
    let mut params = base.params.clone();
    for o in param_overrides(&db.conn).await? {
        params.add_override(o).map_err(|e| StoreError::Other(e.to_string()))?;
    }
    Ok(base.clone().with_params(params))
}

// ---------------------------------------------------------------- export

/// One line of an exported registry list: who, then the list's own columns as text, in the
/// order of the import columns (so that an export reads back as an import).
#[derive(Debug, Clone, FromQueryResult)]
pub struct ExportLine {
    pub person_id: i64,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub unit_code: String,
    pub c1: Option<String>,
    pub c2: Option<String>,
    pub c3: Option<String>,
    pub c4: Option<String>,
    pub c5: Option<String>,
    pub c6: Option<String>,
    pub c7: Option<String>,
    pub c8: Option<String>,
}

/// A registry list of the people under `scope` (unit paths), in unit, then name, then year order.
/// `list` is awards, ratings, initiatives or discipline.
pub async fn export_list(db: &Db, list: &str, scope: &[String]) -> StoreResult<Vec<ExportLine>> {
    let mut vals = vec![];
    let wh = crate::org::scope_sql("u.path", scope, &mut vals);
    let who = "p.id AS person_id, p.full_name, p.birth_date, u.code AS unit_code";
    let from = "JOIN person p ON p.id = x.person_id JOIN unit u ON u.id = p.unit_id";
    let sql = match list {
        "awards" => format!(
            "SELECT {who}, x.award_code AS c1, CAST(x.year AS TEXT) AS c2, CAST(x.period_from AS TEXT) AS c3, x.kind AS c4, \
             d.number AS c5, CAST(d.signed_on AS TEXT) AS c6, d.issuer AS c7, d.signer AS c8 \
             FROM award x {from} LEFT JOIN decision d ON d.id = x.decision_id WHERE x.revoked_on IS NULL AND {wh} \
             ORDER BY u.path, p.sort_key, p.id, x.year"
        ),
        "ratings" => format!(
            "SELECT {who}, CAST(x.year AS TEXT) AS c1, x.rating AS c2, NULL AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8 \
             FROM rating x {from} WHERE {wh} ORDER BY u.path, p.sort_key, p.id, x.year"
        ),
        "initiatives" => format!(
            "SELECT {who}, x.title AS c1, CAST(x.year AS TEXT) AS c2, x.level AS c3, x.kind AS c4, x.recognised_by AS c5, \
             NULL AS c6, NULL AS c7, NULL AS c8 FROM initiative x {from} WHERE {wh} ORDER BY u.path, p.sort_key, p.id, x.year"
        ),
        "discipline" => format!(
            "SELECT {who}, x.form AS c1, CAST(x.starts_on AS TEXT) AS c2, CAST(x.ends_on AS TEXT) AS c3, x.note AS c4, \
             NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8 FROM discipline x {from} WHERE {wh} ORDER BY u.path, p.sort_key, p.id, x.starts_on"
        ),
        other => return Err(StoreError::invalid("list", format!("không có danh sách “{other}”"))),
    };
    Ok(ExportLine::find_by_statement(stmt(db.backend(), &sql, vals)).all(&db.conn).await?)
}

// ---------------------------------------------------------------- duplicates

/// People who may be one person entered twice: the same name once diacritics, đ, case and
/// Unicode form are set aside, and the same birth date. Each group lists the people's ids.
pub async fn duplicate_people(db: &Db, scope: &[String], limit: u64) -> StoreResult<Vec<Vec<i64>>> {
    #[derive(FromQueryResult)]
    struct Group {
        search_key: String,
        birth_date: NaiveDate,
    }
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let mut vals = vec![];
    let wh = crate::org::scope_sql("u.path", scope, &mut vals);
    vals.push((limit as i64).into());
    let groups = Group::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT p.search_key, p.birth_date FROM person p JOIN unit u ON u.id = p.unit_id \
             WHERE p.birth_date IS NOT NULL AND {wh} GROUP BY p.search_key, p.birth_date HAVING COUNT(*) > 1 \
             ORDER BY p.search_key LIMIT ?"
        ),
        vals,
    ))
    .all(&db.conn)
    .await?;
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let mut vals = vec![g.search_key.into(), g.birth_date.into()];
        let wh = crate::org::scope_sql("u.path", scope, &mut vals);
        let ids = Id::find_by_statement(stmt(
            db.backend(),
            &format!(
                "SELECT p.id FROM person p JOIN unit u ON u.id = p.unit_id WHERE p.search_key = ? AND p.birth_date = ? AND {wh} ORDER BY p.id"
            ),
            vals,
        ))
        .all(&db.conn)
        .await?;
        out.push(ids.into_iter().map(|i| i.id).collect());
    }
    Ok(out)
}

/// The same award recorded more than once for one person and one achievement year (law G1).
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct DuplicateAward {
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub award_code: String,
    pub award_name: String,
    pub year: i32,
    pub times: i64,
}

pub async fn duplicate_awards(db: &Db, scope: &[String], limit: u64) -> StoreResult<Vec<DuplicateAward>> {
    let mut vals = vec![];
    let wh = crate::org::scope_sql("u.path", scope, &mut vals);
    vals.push((limit as i64).into());
    Ok(DuplicateAward::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT a.person_id, p.full_name, u.name AS unit_name, a.award_code, t.name AS award_name, a.year, COUNT(*) AS times \
             FROM award a JOIN person p ON p.id = a.person_id JOIN unit u ON u.id = p.unit_id JOIN award_type t ON t.code = a.award_code \
             WHERE a.revoked_on IS NULL AND {wh} \
             GROUP BY a.person_id, p.full_name, u.name, a.award_code, t.name, a.year HAVING COUNT(*) > 1 \
             ORDER BY u.name, p.full_name, a.year LIMIT ?"
        ),
        vals,
    ))
    .all(&db.conn)
    .await?)
}

// ---------------------------------------------------------------- province parameters

/// Sets the province's value of a parameter from a date (replacing one set for the same date);
/// `None` means "not set from this date". The caller checks the key against the shipped list.
pub async fn set_param_override(
    w: &mut WriteTx,
    key: &str,
    from: NaiveDate,
    value: Option<f64>,
    note: &str,
) -> StoreResult<()> {
    #[derive(FromQueryResult)]
    struct Before {
        value: Option<f64>,
        note: String,
    }
    let before = Before::find_by_statement(stmt(
        w.backend(),
        "SELECT value, note FROM param_override WHERE key = ? AND valid_from = ?",
        vec![key.into(), from.into()],
    ))
    .one(&w.tx)
    .await?;
    let note = tdkt_domain::text::clean(note);
    w.exec(
        "INSERT INTO param_override (key, valid_from, value, note, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (key, valid_from) DO UPDATE SET value = excluded.value, note = excluded.note",
        vec![key.into(), from.into(), value.into(), note.clone().into(), now_text().into()],
    )
    .await?;
    w.record(
        "param.set",
        "param",
        Some(key.to_string()),
        None,
        serde_json::json!({"from": from, "value": value, "note": note,
            "before": before.map(|b| serde_json::json!({"value": b.value, "note": b.note}))}),
    )
    .await
}

/// Removes the province's value of a parameter set from a date.
pub async fn delete_param_override(w: &mut WriteTx, key: &str, from: NaiveDate) -> StoreResult<()> {
    let n =
        w.exec("DELETE FROM param_override WHERE key = ? AND valid_from = ?", vec![key.into(), from.into()]).await?;
    if n == 0 {
        return Err(StoreError::NotFound("giá trị tham số của tỉnh"));
    }
    w.record("param.delete", "param", Some(key.to_string()), None, serde_json::json!({"from": from})).await
}

// ---------------------------------------------------------------- collectives

/// A unit's member figures for a year, counted from the registry over the unit's current direct
/// staff (people recruited by the end of the year, or with no recruitment date): who completed
/// their tasks (rated HTNV or better), who hold "Lao động tiên tiến" and "Chiến sĩ thi đua cơ sở"
/// for the year, and who were under discipline at "cảnh cáo" or above during the year.
pub async fn member_figures(db: &Db, unit_id: i64, year: i32) -> StoreResult<tdkt_rules::history::MembersRecord> {
    #[derive(FromQueryResult)]
    struct Figures {
        total: i64,
        completed: i64,
        ldtt: i64,
        cstd_cs: i64,
    }
    #[derive(FromQueryResult)]
    struct Form {
        person_id: i64,
        form: String,
    }
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| StoreError::invalid("year", "năm không hợp lệ"))?;
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(end);
    let members = "SELECT id FROM person WHERE unit_id = ? AND (recruited_on IS NULL OR recruited_on <= ?)";
    let f = Figures::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT (SELECT COUNT(*) FROM person WHERE unit_id = ? AND (recruited_on IS NULL OR recruited_on <= ?)) AS total, \
             (SELECT COUNT(*) FROM rating WHERE year = ? AND rating IN ('HTXSNV', 'HTTNV', 'HTNV') AND person_id IN ({members})) AS completed, \
             (SELECT COUNT(DISTINCT person_id) FROM award WHERE year = ? AND award_code = 'LDTT' AND revoked_on IS NULL AND person_id IN ({members})) AS ldtt, \
             (SELECT COUNT(DISTINCT person_id) FROM award WHERE year = ? AND award_code = 'CSTD_CS' AND revoked_on IS NULL AND person_id IN ({members})) AS cstd_cs"
        ),
        vec![
            unit_id.into(),
            end.into(),
            year.into(),
            unit_id.into(),
            end.into(),
            year.into(),
            unit_id.into(),
            end.into(),
            year.into(),
            unit_id.into(),
            end.into(),
        ],
    ))
    .one(&db.conn)
    .await?
    .ok_or(StoreError::NotFound("số liệu thành viên"))?;
    let forms = Form::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT person_id, form FROM discipline WHERE starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) AND person_id IN ({members})"
        ),
        vec![end.into(), start.into(), unit_id.into(), end.into()],
    ))
    .all(&db.conn)
    .await?;
    let mut severe: Vec<i64> = forms.into_iter().filter(|f| at_least_warning(&f.form)).map(|f| f.person_id).collect();
    severe.sort_unstable();
    severe.dedup();
    let n = |v: i64| v.max(0) as u32;
    let (completed, ldtt, cstd_cs) = (n(f.completed), n(f.ldtt), n(f.cstd_cs));
    Ok(tdkt_rules::history::MembersRecord {
        year,
        total: n(f.total).max(completed).max(ldtt).max(cstd_cs),
        completed,
        ldtt,
        cstd_cs,
        disciplined: Some(severe.len() as u32),
    })
}

/// Whether a discipline form is "cảnh cáo" or heavier (khiển trách is lighter).
pub fn at_least_warning(form: &str) -> bool {
    let f = tdkt_domain::text::fold(form);
    ["canh cao", "ha bac", "giang chuc", "cach chuc", "buoc thoi viec", "ha ngach", "bai nhiem"]
        .iter()
        .any(|k| f.contains(k))
}

/// A holder judged for an award and year: the engine's verdict (or its message when it cannot
/// judge, such as no rule for the award) and the open complaints, inspections or investigations
/// on record (law.md G4), for a person or a collective (with its member figures).
///
/// The rules are those in force at the end of the year; the registry is read as it stands today
/// (or at the end of the year, if later): an award revoked since, or a complaint opened since,
/// counts, since a nomination is considered now.
#[derive(Debug, Clone)]
pub struct Judged {
    pub verdict: Result<tdkt_rules::Verdict, String>,
    pub open: Vec<String>,
}

pub async fn judge(
    db: &Db,
    engine: &tdkt_rules::Engine,
    holder: Holder,
    award: &str,
    year: i32,
) -> StoreResult<Judged> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| StoreError::invalid("year", format!("năm {year} không hợp lệ")))?;
    let on = end.max(crate::db::today());
    let records = records(db, holder).await?;
    let open = records
        .pending
        .iter()
        .filter(|p| p.closed_on.is_none())
        .map(|p| {
            format!(
                "{} từ {}",
                tdkt_rules::history::pending_label(&p.kind),
                tdkt_domain::text::format_date(p.opened_on)
            )
        })
        .collect();
    let history = match holder {
        Holder::Person(id) => {
            let p = crate::org::get_person(&db.conn, id).await?;
            let subject = Subject {
                kind: SubjectKind::Individual,
                name: Some(p.full_name),
                recruited_on: p.recruited_on,
                dissolved_on: None,
            };
            records.history(subject, on)
        }
        Holder::Unit(id) => {
            let u = crate::org::get_unit(&db.conn, id).await?;
            let subject = Subject {
                kind: SubjectKind::Collective,
                name: Some(u.name),
                recruited_on: None,
                dissolved_on: u.active_to,
            };
            let mut h = records.history(subject, on);
            h.members = vec![member_figures(db, id, year).await?];
            // The years its block's vote acclaimed it the leading unit.
            h.led_blocks = crate::scoring::led_blocks(&db.conn, id)
                .await?
                .into_iter()
                .map(|(year, organiser)| tdkt_rules::history::LedBlockRecord {
                    year,
                    organiser: if organiser == "trung_uong" {
                        tdkt_rules::history::Organiser::TrungUong
                    } else {
                        tdkt_rules::history::Organiser::Tinh
                    },
                })
                .collect();
            h
        }
    };
    Ok(Judged { verdict: engine.check(&history, award, year, None).map_err(|e| e.to_string()), open })
}

/// Who holds an award, and the path of the unit it belongs to (for the permission check).
pub async fn award_holder(db: &Db, award_id: i64) -> StoreResult<(Holder, String)> {
    #[derive(FromQueryResult)]
    struct Row {
        person_id: Option<i64>,
        unit_id: Option<i64>,
        path: String,
    }
    let r = Row::find_by_statement(stmt(
        db.backend(),
        "SELECT a.person_id, a.unit_id, u.path FROM award a LEFT JOIN person p ON p.id = a.person_id \
         JOIN unit u ON u.id = COALESCE(p.unit_id, a.unit_id) WHERE a.id = ?",
        vec![award_id.into()],
    ))
    .one(&db.conn)
    .await?
    .ok_or(StoreError::NotFound("khen thưởng"))?;
    let holder = match (r.person_id, r.unit_id) {
        (Some(p), _) => Holder::Person(p),
        (None, Some(u)) => Holder::Unit(u),
        _ => return Err(StoreError::NotFound("khen thưởng")),
    };
    Ok((holder, r.path))
}

/// Revokes an award (law.md G10: the decision is annulled) from `on`, with the reason. Eligibility
/// that counted it changes: the person's panel chunk is marked stale in the same transaction.
pub async fn revoke_award(w: &mut WriteTx, award_id: i64, on: NaiveDate, reason: &str) -> StoreResult<()> {
    let reason = tdkt_domain::text::clean(reason);
    if reason.is_empty() {
        return Err(StoreError::invalid("reason", "cần ghi lý do và căn cứ hủy khen thưởng"));
    }
    if on > crate::db::today() {
        return Err(StoreError::invalid("on", "ngày hủy khen thưởng không thể sau hôm nay"));
    }
    #[derive(FromQueryResult)]
    struct Row {
        person_id: Option<i64>,
        unit_id: Option<i64>,
        award_code: String,
        year: i32,
    }
    let a = Row::find_by_statement(stmt(
        w.backend(),
        "SELECT person_id, unit_id, award_code, year FROM award WHERE id = ? AND revoked_on IS NULL",
        vec![award_id.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or_else(|| StoreError::invalid("award", "khen thưởng này không có hoặc đã bị hủy"))?;
    w.exec(
        "UPDATE award SET revoked_on = ?, revoked_reason = ? WHERE id = ? AND revoked_on IS NULL",
        vec![on.into(), reason.clone().into(), award_id.into()],
    )
    .await?;
    crate::panel::mark_people(w, a.person_id).await?;
    let holder = match a.person_id {
        Some(p) => Holder::Person(p),
        None => Holder::Unit(a.unit_id.unwrap_or_default()),
    };
    let (ty, id) = holder.object();
    w.record(
        "award.revoke",
        ty,
        Some(id),
        a.unit_id,
        serde_json::json!({"award": award_id, "code": a.award_code, "year": a.year, "on": on, "reason": reason}),
    )
    .await
}
