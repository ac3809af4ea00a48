//! Writing transactions and the audit log.
//!
//! A [`WriteTx`] is the only way to change data. Opening one updates the single `audit_head`
//! row first, which takes the write lock (SQLite) or the row lock (PostgreSQL): writers are
//! serialised, so the hash chain stays linear even with several servers on one PostgreSQL.
//! Each change calls [`WriteTx::record`]; the entries commit or roll back with the change.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, TransactionTrait, Value};
use serde::Serialize;
use tdkt_domain::audit::{AuditFields, BrokenLink, GENESIS, StoredEntry, chain_hash, verify_chain};

use crate::Page;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};

/// Who is acting: a user, or the system itself (the CLI, the demo loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn user(id: i64, name: &str) -> Actor {
        Actor { user_id: Some(id), name: name.to_string() }
    }
    pub fn system(name: &str) -> Actor {
        Actor { user_id: None, name: name.to_string() }
    }
}

#[derive(FromQueryResult)]
struct Head {
    last_seq: i64,
    last_hash: String,
}

/// A transaction that may change data, with the audit chain's end held.
pub struct WriteTx {
    pub tx: DatabaseTransaction,
    pub actor: Actor,
    backend: DbBackend,
    last_seq: i64,
    last_hash: String,
    recorded: usize,
    /// This process's turn to write (SQLite), held until commit or rollback.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// A bulk load on SQLite ([`crate::LoadTx`]) checks no foreign key row by row: the rows its
    /// references may name, read inside the transaction, against which the registry's insert
    /// functions check every row instead.
    refs: Option<Refs>,
}

/// The people, units and award codes that exist, read inside a load's transaction (sorted).
struct Refs {
    people: Vec<i64>,
    units: Vec<i64>,
    award_types: Vec<String>,
}

#[derive(FromQueryResult)]
struct IdList {
    ids: Option<String>,
}

#[derive(FromQueryResult)]
struct CodeRow {
    code: String,
}

impl Db {
    /// Begins a writing transaction on behalf of `actor`.
    pub async fn write(&self, actor: &Actor) -> StoreResult<WriteTx> {
        let backend = self.backend();
        let turn = self.turn().await;
        let tx = self.conn.begin().await?;
        // Take the lock before reading anything, so no other writer can slip in between.
        tx.execute_unprepared("UPDATE audit_head SET last_seq = last_seq WHERE id = 1").await?;
        let head =
            Head::find_by_statement(stmt(backend, "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", vec![]))
                .one(&tx)
                .await?
                .ok_or(StoreError::NotFound("đầu chuỗi nhật ký"))?;
        Ok(WriteTx {
            tx,
            actor: actor.clone(),
            backend,
            last_seq: head.last_seq,
            last_hash: head.last_hash,
            recorded: 0,
            _turn: turn,
            refs: None,
        })
    }
}

impl WriteTx {
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// Appends one entry: `action` is `object.verb` (`person.update`), `detail` says what changed.
    pub async fn record(
        &mut self,
        action: &str,
        object_type: &str,
        object_id: Option<String>,
        unit_id: Option<i64>,
        detail: impl Serialize,
    ) -> StoreResult<()> {
        let detail = serde_json::to_string(&detail).map_err(|e| StoreError::Other(e.to_string()))?;
        let fields = AuditFields {
            seq: self.last_seq + 1,
            at: now_text(),
            actor_id: self.actor.user_id,
            actor_name: self.actor.name.clone(),
            action: action.to_string(),
            object_type: object_type.to_string(),
            object_id,
            unit_id,
            detail,
        };
        let hash = chain_hash(&fields, &self.last_hash);
        self.tx
            .execute_raw(stmt(
                self.backend,
                "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, unit_id, detail, prev_hash, hash) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    fields.seq.into(),
                    fields.at.clone().into(),
                    fields.actor_id.into(),
                    fields.actor_name.clone().into(),
                    fields.action.clone().into(),
                    fields.object_type.clone().into(),
                    fields.object_id.clone().into(),
                    fields.unit_id.into(),
                    fields.detail.clone().into(),
                    self.last_hash.clone().into(),
                    hash.clone().into(),
                ],
            ))
            .await?;
        self.last_seq = fields.seq;
        self.last_hash = hash;
        self.recorded += 1;
        Ok(())
    }

    /// Makes this transaction a load that checks its rows' references itself ([`Db::load`]):
    /// the ids of people and units and the award codes, read inside it.
    pub(crate) async fn check_refs_itself(&mut self) -> StoreResult<()> {
        // A million ids come back as one text in a tenth of a second; as a million rows they took
        // more than a second (this runs only on SQLite, in `Db::load`).
        let all = IdList::find_by_statement(stmt(self.backend, "SELECT group_concat(id) AS ids FROM person", vec![]))
            .one(&self.tx)
            .await?
            .and_then(|r| r.ids)
            .unwrap_or_default();
        let mut people = all
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<i64>().map_err(|e| StoreError::Other(format!("mã người “{s}” không đọc được: {e}"))))
            .collect::<StoreResult<Vec<i64>>>()?;
        people.sort_unstable();
        let units = crate::org::IdRow::find_by_statement(stmt(self.backend, "SELECT id FROM unit ORDER BY id", vec![]))
            .all(&self.tx)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let award_types =
            CodeRow::find_by_statement(stmt(self.backend, "SELECT code FROM award_type ORDER BY code", vec![]))
                .all(&self.tx)
                .await?
                .into_iter()
                .map(|r| r.code)
                .collect();
        self.refs = Some(Refs { people, units, award_types });
        Ok(())
    }

    /// In a load ([`Db::load`] on SQLite), refuses a row that names a person, unit or award code
    /// that does not exist, as the foreign keys would have; elsewhere the database checks them.
    pub(crate) fn check_refs<'a>(
        &self,
        people: impl IntoIterator<Item = i64>,
        units: impl IntoIterator<Item = i64>,
        codes: impl IntoIterator<Item = &'a str>,
    ) -> StoreResult<()> {
        let Some(refs) = &self.refs else { return Ok(()) };
        if let Some(p) = people.into_iter().find(|p| refs.people.binary_search(p).is_err()) {
            return Err(StoreError::invalid("person_id", format!("Không có người mã hệ thống {p}")));
        }
        if let Some(u) = units.into_iter().find(|u| refs.units.binary_search(u).is_err()) {
            return Err(StoreError::invalid("unit_id", format!("Không có đơn vị mã hệ thống {u}")));
        }
        if let Some(c) = codes.into_iter().find(|c| refs.award_types.binary_search_by(|t| t.as_str().cmp(c)).is_err()) {
            return Err(StoreError::invalid("award_code", format!("Không có mã khen thưởng “{c}”")));
        }
        Ok(())
    }

    /// In a load, as [`WriteTx::check_refs`] for the decisions rows name (few: read by query).
    pub(crate) async fn check_decisions(&self, ids: impl IntoIterator<Item = i64>) -> StoreResult<()> {
        if self.refs.is_none() {
            return Ok(());
        }
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT COUNT(*) AS n FROM decision WHERE id IN ({marks})");
            let found = crate::org::count(&self.tx, &sql, chunk.iter().map(|d| (*d).into()).collect()).await?;
            if found != chunk.len() as u64 {
                return Err(StoreError::invalid(
                    "decision_id",
                    "Khen thưởng ghi theo một quyết định không có trong sổ",
                ));
            }
        }
        Ok(())
    }

    /// Runs a statement inside the transaction.
    pub async fn exec(&self, sql: &str, values: Vec<Value>) -> StoreResult<u64> {
        Ok(self.tx.execute_raw(stmt(self.backend, sql, values)).await?.rows_affected())
    }

    /// Commits the change and its audit entries. A transaction that changed data without
    /// recording anything is a programming error and is rolled back.
    pub async fn commit(self) -> StoreResult<()> {
        if self.recorded == 0 {
            self.tx.rollback().await?;
            return Err(StoreError::Other("thay đổi không được ghi nhật ký: đã huỷ".into()));
        }
        self.tx
            .execute_raw(stmt(
                self.backend,
                "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1",
                vec![self.last_seq.into(), self.last_hash.clone().into()],
            ))
            .await?;
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// One entry as shown on the audit page.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub unit_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    fn stored(self) -> StoredEntry {
        StoredEntry {
            fields: AuditFields {
                seq: self.seq,
                at: self.at,
                actor_id: self.actor_id,
                actor_name: self.actor_name,
                action: self.action,
                object_type: self.object_type,
                object_id: self.object_id,
                unit_id: self.unit_id,
                detail: self.detail,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action_prefix: Option<String>,
    pub actor_name: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
}

/// Entries newest first.
pub async fn list(db: &Db, filter: &AuditFilter, page: u64, per_page: u64) -> StoreResult<Page<AuditRow>> {
    let mut wh = vec!["1 = 1".to_string()];
    let mut vals: Vec<Value> = vec![];
    if let Some(a) = filter.action_prefix.as_deref().filter(|s| !s.is_empty()) {
        wh.push("action LIKE ? ESCAPE '\\'".into());
        vals.push(format!("{}%", crate::db::like_escape(a)).into());
    }
    if let Some(a) = filter.actor_name.as_deref().filter(|s| !s.is_empty()) {
        wh.push("actor_name = ?".into());
        vals.push(a.to_string().into());
    }
    if let Some(t) = filter.object_type.as_deref().filter(|s| !s.is_empty()) {
        wh.push("object_type = ?".into());
        vals.push(t.to_string().into());
    }
    if let Some(o) = filter.object_id.as_deref().filter(|s| !s.is_empty()) {
        wh.push("object_id = ?".into());
        vals.push(o.to_string().into());
    }
    let wh = wh.join(" AND ");
    let total =
        crate::org::count(&db.conn, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE {wh}"), vals.clone()).await?;
    let mut v = vals;
    v.push((per_page as i64).into());
    v.push((((page.max(1) - 1) * per_page) as i64).into());
    let items = AuditRow::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT * FROM audit_log WHERE {wh} ORDER BY seq DESC LIMIT ? OFFSET ?"),
        v,
    ))
    .all(&db.conn)
    .await?;
    Ok(Page { items, page: page.max(1), per_page, total, total_capped: false })
}

/// Result of a full check of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    pub last_hash: String,
}

/// Walks the whole chain in batches and checks it against the head row.
pub async fn verify(db: &Db) -> StoreResult<Result<Verified, BrokenLink>> {
    let backend = db.backend();
    let mut prev = GENESIS.to_string();
    let mut after: i64 = 0;
    let mut count: u64 = 0;
    loop {
        let rows = AuditRow::find_by_statement(stmt(
            backend,
            "SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 5000",
            vec![after.into()],
        ))
        .all(&db.conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        let entries: Vec<StoredEntry> = rows.into_iter().map(AuditRow::stored).collect();
        match verify_chain(after + 1, &prev, &entries) {
            Ok(h) => prev = h,
            Err(b) => return Ok(Err(b)),
        }
        count += entries.len() as u64;
        after = entries.last().map(|e| e.fields.seq).unwrap_or(after);
    }
    let head =
        Head::find_by_statement(stmt(backend, "SELECT last_seq, last_hash FROM audit_head WHERE id = 1", vec![]))
            .one(&db.conn)
            .await?
            .ok_or(StoreError::NotFound("đầu chuỗi nhật ký"))?;
    if head.last_seq != after || head.last_hash != prev {
        return Ok(Err(BrokenLink {
            seq: head.last_seq.max(after),
            reason: "cuối chuỗi không khớp với bản ghi đầu chuỗi (có bản ghi cuối đã bị xoá hoặc sửa)".into(),
        }));
    }
    Ok(Ok(Verified { entries: count, last_hash: prev }))
}
