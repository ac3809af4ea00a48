//! Organisation: units (a tree with lineage), people, clusters and blocks, the council.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::error::Invalid;
use tdkt_domain::org::{
    CouncilRole, Gender, GroupKind, GroupRole, Leadership, LineageKind, PersonInput, UnitInput, UnitKind,
};
use tdkt_domain::text;

use crate::Page;
use crate::audit::WriteTx;
use crate::db::{Db, like_escape, now_text, stmt};
use crate::error::{StoreError, StoreResult};

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Runs a `SELECT COUNT(*) AS n ...`.
pub(crate) async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> StoreResult<u64> {
    let c = Count::find_by_statement(stmt(db.get_database_backend(), sql, values)).one(db).await?;
    Ok(c.map(|c| c.n.max(0) as u64).unwrap_or(0))
}

// ---------------------------------------------------------------- units

#[derive(Debug, Clone, FromQueryResult)]
struct UnitRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    path: String,
    depth: i32,
    active_from: Option<NaiveDate>,
    active_to: Option<NaiveDate>,
}

/// A unit as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    /// Materialised path, `/1/5/12/`.
    pub path: String,
    pub depth: i32,
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
}

impl Unit {
    /// Whether the unit still exists on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.active_from.is_none_or(|f| f <= day) && self.active_to.is_none_or(|t| day <= t)
    }
}

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: UnitKind::parse(&r.kind).unwrap_or(UnitKind::Other),
            parent_id: r.parent_id,
            path: r.path,
            depth: r.depth,
            active_from: r.active_from,
            active_to: r.active_to,
        }
    }
}

const UNIT_COLS: &str = "u.id, u.code, u.name, u.kind, u.parent_id, u.path, u.depth, u.active_from, u.active_to";

pub async fn get_unit(db: &impl ConnectionTrait, id: i64) -> StoreResult<Unit> {
    UnitRow::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE u.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .map(Unit::from)
    .ok_or(StoreError::NotFound("đơn vị"))
}

pub async fn find_unit_by_code(db: &impl ConnectionTrait, code: &str) -> StoreResult<Option<Unit>> {
    Ok(UnitRow::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE u.code = ?"),
        vec![code.to_uppercase().into()],
    ))
    .one(db)
    .await?
    .map(Unit::from))
}

/// The units from the root down to `unit` (inclusive), for breadcrumbs.
pub async fn unit_ancestors(db: &Db, unit: &Unit) -> StoreResult<Vec<Unit>> {
    let ids: Vec<Value> = unit.path.split('/').filter_map(|s| s.parse::<i64>().ok()).map(Value::from).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let marks = vec!["?"; ids.len()].join(", ");
    Ok(UnitRow::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE u.id IN ({marks}) ORDER BY u.depth"),
        ids,
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(Unit::from)
    .collect())
}

/// Filters of unit lists. `scope` holds the paths the user may see (empty: nothing).
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub q: Option<String>,
    pub kind: Option<UnitKind>,
    pub parent_id: Option<i64>,
    pub include_former: bool,
    pub scope: Vec<String>,
}

pub(crate) fn scope_sql(column: &str, scope: &[String], vals: &mut Vec<Value>) -> String {
    if scope.is_empty() {
        return "1 = 0".into();
    }
    let parts: Vec<String> = scope
        .iter()
        .map(|p| {
            vals.push(format!("{}%", like_escape(p)).into());
            format!("{column} LIKE ? ESCAPE '\\'")
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

pub async fn list_units(db: &Db, f: &UnitFilter, page: u64, per_page: u64) -> StoreResult<Page<Unit>> {
    let mut vals: Vec<Value> = vec![];
    let mut wh = vec![scope_sql("u.path", &f.scope, &mut vals)];
    for term in text::query_terms(f.q.as_deref().unwrap_or_default()) {
        wh.push("(u.search_key LIKE ? ESCAPE '\\')".into());
        vals.push(format!("%{}%", like_escape(&term)).into());
    }
    if let Some(k) = f.kind {
        wh.push("u.kind = ?".into());
        vals.push(k.code().into());
    }
    if let Some(p) = f.parent_id {
        wh.push("u.parent_id = ?".into());
        vals.push(p.into());
    }
    if !f.include_former {
        wh.push("u.active_to IS NULL".into());
    }
    let wh = wh.join(" AND ");
    let total = count(&db.conn, &format!("SELECT COUNT(*) AS n FROM unit u WHERE {wh}"), vals.clone()).await?;
    let mut v = vals;
    v.push((per_page as i64).into());
    v.push((((page.max(1) - 1) * per_page) as i64).into());
    let items = UnitRow::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE {wh} ORDER BY u.depth, u.sort_key, u.id LIMIT ? OFFSET ?"),
        v,
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(Unit::from)
    .collect();
    Ok(Page { items, page: page.max(1), per_page, total, total_capped: false })
}

/// Every unit in the scope (for trees and pickers), in tree order.
pub async fn all_units(db: &Db, scope: &[String], include_former: bool) -> StoreResult<Vec<Unit>> {
    let mut vals = vec![];
    let mut wh = scope_sql("u.path", scope, &mut vals);
    if !include_former {
        wh.push_str(" AND u.active_to IS NULL");
    }
    Ok(UnitRow::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE {wh} ORDER BY u.depth, u.sort_key, u.id"),
        vals,
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(Unit::from)
    .collect())
}

pub async fn unit_children(db: &Db, id: i64) -> StoreResult<Vec<Unit>> {
    Ok(UnitRow::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT {UNIT_COLS} FROM unit u WHERE u.parent_id = ? ORDER BY u.active_to IS NOT NULL, u.sort_key"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(Unit::from)
    .collect())
}

fn unit_values(input: &UnitInput) -> Vec<Value> {
    vec![
        input.code.clone().into(),
        input.name.clone().into(),
        input.kind.code().into(),
        input.active_from.into(),
        input.active_to.into(),
        text::fold(&format!("{} {}", input.name, input.code)).into(),
        text::sort_key(&input.name).into(),
    ]
}

async fn resolve_parent(w: &WriteTx, input: &UnitInput) -> StoreResult<Option<Unit>> {
    match &input.parent_code {
        Some(pc) => match find_unit_by_code(&w.tx, pc).await? {
            Some(p) => Ok(Some(p)),
            None => Err(StoreError::invalid("parent_code", format!("Không có đơn vị cấp trên mã “{pc}”"))),
        },
        None => {
            let roots = count(&w.tx, "SELECT COUNT(*) AS n FROM unit WHERE parent_id IS NULL", vec![]).await?;
            if roots > 0 {
                Err(StoreError::invalid(
                    "parent_code",
                    "Cần mã đơn vị cấp trên (chỉ đơn vị gốc của tỉnh không có cấp trên)",
                ))
            } else {
                Ok(None)
            }
        }
    }
}

/// Creates a unit under its parent and records it.
pub async fn create_unit(w: &mut WriteTx, input: &UnitInput) -> StoreResult<i64> {
    if find_unit_by_code(&w.tx, &input.code).await?.is_some() {
        return Err(StoreError::invalid("code", format!("Mã đơn vị “{}” đã có", input.code)));
    }
    let parent = resolve_parent(w, input).await?;
    let now = now_text();
    let mut v = unit_values(input);
    v.push(parent.as_ref().map(|p| p.id).into());
    v.push(parent.as_ref().map(|p| p.depth + 1).unwrap_or(0).into());
    v.push(now.clone().into());
    v.push(now.into());
    w.exec(
        "INSERT INTO unit (code, name, kind, active_from, active_to, search_key, sort_key, parent_id, depth, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        v,
    )
    .await?;
    let unit = find_unit_by_code(&w.tx, &input.code).await?.ok_or(StoreError::NotFound("đơn vị vừa tạo"))?;
    let path = format!("{}{}/", parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"), unit.id);
    w.exec("UPDATE unit SET path = ? WHERE id = ?", vec![path.into(), unit.id.into()]).await?;
    w.record("unit.create", "unit", Some(unit.id.to_string()), Some(unit.id), unit_detail(input)).await?;
    Ok(unit.id)
}

fn unit_detail(input: &UnitInput) -> serde_json::Value {
    serde_json::json!({
        "code": input.code, "name": input.name, "kind": input.kind.code(),
        "parent_code": input.parent_code,
        "active_from": input.active_from, "active_to": input.active_to,
    })
}

/// Changes a unit; moving it under another parent moves its whole subtree.
pub async fn update_unit(w: &mut WriteTx, id: i64, input: &UnitInput) -> StoreResult<()> {
    let current = get_unit(&w.tx, id).await?;
    if input.code != current.code
        && let Some(other) = find_unit_by_code(&w.tx, &input.code).await?
        && other.id != id
    {
        return Err(StoreError::invalid("code", format!("Mã đơn vị “{}” đã có", input.code)));
    }
    let parent = if current.parent_id.is_none() && input.parent_code.is_none() {
        None
    } else {
        resolve_parent(w, input).await?
    };
    if let Some(p) = &parent
        && p.path.starts_with(&current.path)
    {
        return Err(StoreError::invalid(
            "parent_code",
            "Không thể chuyển đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó",
        ));
    }
    let mut v = unit_values(input);
    v.push(now_text().into());
    v.push(id.into());
    w.exec(
        "UPDATE unit SET code = ?, name = ?, kind = ?, active_from = ?, active_to = ?, search_key = ?, sort_key = ?, updated_at = ? WHERE id = ?",
        v,
    )
    .await?;
    let new_parent_id = parent.as_ref().map(|p| p.id);
    if new_parent_id != current.parent_id {
        let new_path = format!("{}{}/", parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"), id);
        let new_depth = parent.as_ref().map(|p| p.depth + 1).unwrap_or(0);
        let delta = new_depth - current.depth;
        let old_len = current.path.chars().count() as i64;
        w.exec(
            "UPDATE unit SET path = ? || substr(path, ?), depth = depth + ? WHERE path LIKE ? ESCAPE '\\'",
            vec![
                new_path.into(),
                (old_len + 1).into(),
                delta.into(),
                format!("{}%", like_escape(&current.path)).into(),
            ],
        )
        .await?;
        w.exec("UPDATE unit SET parent_id = ? WHERE id = ?", vec![new_parent_id.into(), id.into()]).await?;
    }
    w.record("unit.update", "unit", Some(id.to_string()), Some(id), unit_detail(input)).await?;
    Ok(())
}

/// A lineage link as shown on a unit page.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct LineageLink {
    pub predecessor_id: i64,
    pub predecessor_name: String,
    pub successor_id: i64,
    pub successor_name: String,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub note: String,
}

impl LineageLink {
    pub fn kind_label(&self) -> &'static str {
        LineageKind::parse(&self.kind).map(LineageKind::label).unwrap_or("")
    }
}

/// Ends a unit on `on` (merge, split, rename or dissolution) and names its successor, which
/// inherits its history. With `move_people`, its staff move to the successor.
pub async fn close_unit(
    w: &mut WriteTx,
    id: i64,
    successor_id: i64,
    kind: LineageKind,
    on: NaiveDate,
    note: &str,
    move_people: bool,
) -> StoreResult<()> {
    let unit = get_unit(&w.tx, id).await?;
    let successor = get_unit(&w.tx, successor_id).await?;
    if id == successor_id {
        return Err(StoreError::invalid("successor", "Đơn vị kế thừa phải khác đơn vị bị giải thể, sáp nhập"));
    }
    if successor.active_to.is_some() {
        return Err(StoreError::invalid("successor", "Đơn vị kế thừa đã ngừng hoạt động"));
    }
    if unit.active_to.is_some() {
        return Err(StoreError::invalid("unit", "Đơn vị này đã ngừng hoạt động"));
    }
    let last_day = on.pred_opt().unwrap_or(on);
    w.exec(
        "UPDATE unit SET active_to = ?, updated_at = ? WHERE id = ?",
        vec![last_day.into(), now_text().into(), id.into()],
    )
    .await?;
    w.exec(
        "INSERT INTO unit_lineage (predecessor_id, successor_id, kind, occurred_on, note) VALUES (?, ?, ?, ?, ?)",
        vec![id.into(), successor_id.into(), kind.code().into(), on.into(), text::clean(note).into()],
    )
    .await?;
    let moved = if move_people {
        crate::panel::mark_where(w, "unit_id = ?", vec![id.into()]).await?;
        w.exec(
            "UPDATE person SET unit_id = ?, updated_at = ? WHERE unit_id = ?",
            vec![successor_id.into(), now_text().into(), id.into()],
        )
        .await?
    } else {
        0
    };
    w.record(
        "unit.close",
        "unit",
        Some(id.to_string()),
        Some(id),
        serde_json::json!({"successor_id": successor_id, "successor": successor.name, "kind": kind.code(), "on": on, "note": note, "people_moved": moved}),
    )
    .await?;
    Ok(())
}

/// Adds a lineage link without closing anything (used by imports of historical data).
pub async fn add_lineage(
    w: &mut WriteTx,
    predecessor_id: i64,
    successor_id: i64,
    kind: LineageKind,
    on: NaiveDate,
    note: &str,
) -> StoreResult<()> {
    w.exec(
        "INSERT INTO unit_lineage (predecessor_id, successor_id, kind, occurred_on, note) VALUES (?, ?, ?, ?, ?)",
        vec![predecessor_id.into(), successor_id.into(), kind.code().into(), on.into(), text::clean(note).into()],
    )
    .await?;
    w.record(
        "unit.lineage",
        "unit",
        Some(successor_id.to_string()),
        Some(successor_id),
        serde_json::json!({"predecessor_id": predecessor_id, "kind": kind.code(), "on": on}),
    )
    .await
}

const LINEAGE_SQL: &str = "SELECT l.predecessor_id, p.name AS predecessor_name, l.successor_id, s.name AS successor_name, l.kind, l.occurred_on, l.note \
     FROM unit_lineage l JOIN unit p ON p.id = l.predecessor_id JOIN unit s ON s.id = l.successor_id";

/// Links where the unit is the successor (its predecessors) and where it is the predecessor.
pub async fn lineage_of(db: &Db, id: i64) -> StoreResult<(Vec<LineageLink>, Vec<LineageLink>)> {
    let preds = LineageLink::find_by_statement(stmt(
        db.backend(),
        &format!("{LINEAGE_SQL} WHERE l.successor_id = ? ORDER BY l.occurred_on"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?;
    let succs = LineageLink::find_by_statement(stmt(
        db.backend(),
        &format!("{LINEAGE_SQL} WHERE l.predecessor_id = ? ORDER BY l.occurred_on"),
        vec![id.into()],
    ))
    .all(&db.conn)
    .await?;
    Ok((preds, succs))
}

/// The unit and every unit whose history it inherited, transitively: the set whose records
/// (awards, ratings) belong to the unit's history.
pub async fn history_units(db: &Db, id: i64) -> StoreResult<Vec<i64>> {
    let mut out = vec![id];
    let mut frontier = vec![id];
    while let Some(u) = frontier.pop() {
        let (preds, _) = lineage_of(db, u).await?;
        for p in preds {
            if !out.contains(&p.predecessor_id) {
                out.push(p.predecessor_id);
                frontier.push(p.predecessor_id);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- people

/// A person as listed and shown, with the unit's name.
#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Person {
    pub id: i64,
    pub full_name: String,
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_code: String,
    pub unit_path: String,
    pub position: String,
    pub leadership: String,
    pub recruited_on: Option<NaiveDate>,
}

impl Person {
    pub fn gender_label(&self) -> &'static str {
        Gender::parse(&self.gender).map(Gender::label).unwrap_or("")
    }
    pub fn leadership_label(&self) -> &'static str {
        Leadership::parse(&self.leadership).map(Leadership::label).unwrap_or("")
    }
    pub fn is_leader(&self) -> bool {
        self.leadership == Leadership::Leader.code()
    }
}

const PERSON_COLS: &str = "p.id, p.full_name, p.gender, p.birth_date, p.ethnicity, p.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, p.position, p.leadership, p.recruited_on";

pub async fn get_person(db: &impl ConnectionTrait, id: i64) -> StoreResult<Person> {
    Person::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("SELECT {PERSON_COLS} FROM person p JOIN unit u ON u.id = p.unit_id WHERE p.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("người"))
}

/// Filters of people lists. `scope` holds the unit paths the user may see.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub q: Option<String>,
    /// Only people of this unit and the units below it.
    pub unit_path: Option<String>,
    pub gender: Option<Gender>,
    pub leadership: Option<Leadership>,
    pub ethnicity: Option<String>,
    pub scope: Vec<String>,
}

/// Thresholds that choose how a name search is answered (see [`search_people`]).
#[derive(Debug, Clone, Copy)]
pub struct SearchLimits {
    /// A range of the word or pair index holding at most this many rows makes a search
    /// "selective": it is answered from that range, with an exact count.
    pub selective: u64,
    /// A broad search first looks for its page among this many people in name order.
    pub broad_sample: u64,
    /// Counts are exact up to this many matches; beyond, the page says "more than".
    pub exact_count: u64,
}

impl Default for SearchLimits {
    fn default() -> Self {
        SearchLimits { selective: 20_000, broad_sample: 20_000, exact_count: 5000 }
    }
}

/// One word of a query: every word but the last must be a whole word of the name; the last
/// may be the start of one (the officer may still be typing it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    prefix: bool,
}

fn query_words(q: &str) -> Vec<Term> {
    let words = text::query_terms(q);
    let n = words.len();
    let mut out: Vec<Term> = Vec::with_capacity(n);
    for (i, w) in words.into_iter().enumerate() {
        let t = Term { prefix: i + 1 == n, text: w };
        match out.iter_mut().find(|o| o.text == t.text) {
            Some(o) => o.prefix &= t.prefix,
            None => out.push(t),
        }
    }
    out
}

/// The `LIKE` pattern that checks a term against `' ' || search_key || ' '`.
fn term_like(t: &Term) -> Value {
    if t.prefix { format!("% {}%", like_escape(&t.text)) } else { format!("% {} %", like_escape(&t.text)) }.into()
}

/// A range of the word index (one term) or of the pair index (a whole word and another term).
#[derive(Debug, Clone)]
enum Source {
    Word(Term),
    Pair(String, Term),
}

impl Source {
    /// The key (a word, or two words) and whether the range is every key starting with it.
    fn key(&self) -> (String, bool) {
        match self {
            Source::Word(t) => (t.text.clone(), t.prefix),
            Source::Pair(a, t) => (format!("{a} {}", t.text), t.prefix),
        }
    }

    /// The table, and the condition on alias `w` with its values, that select the range.
    fn sql(&self) -> (&'static str, String, Vec<Value>) {
        let (key, prefix) = self.key();
        let (table, column) = match self {
            Source::Word(_) => ("person_word", "word"),
            Source::Pair(..) => ("person_pair", "pair"),
        };
        if prefix {
            let upper = format!("{key}\u{10FFFF}");
            (table, format!("w.{column} >= ? AND w.{column} < ?"), vec![key.into(), upper.into()])
        } else {
            (table, format!("w.{column} = ?"), vec![key.into()])
        }
    }

    /// Whether every row of the range matches the whole query (nothing else to check).
    fn covers(&self, terms: &[Term]) -> bool {
        match self {
            Source::Word(t) => terms.len() == 1 && terms[0] == *t,
            Source::Pair(a, t) => {
                terms.len() == 2 && terms.iter().any(|x| x.text == *a && !x.prefix) && terms.contains(t)
            }
        }
    }

    /// Rows of the range, counting at most `cap + 1`.
    async fn rows(&self, db: &Db, cap: u64) -> StoreResult<u64> {
        let (table, cond, mut vals) = self.sql();
        vals.push((cap.min(i64::MAX as u64 - 1) as i64 + 1).into());
        count(
            &db.conn,
            &format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {table} w WHERE {cond} LIMIT ?) t"),
            vals,
        )
        .await
    }
}

/// The places a search may start from: each term's word range, and each pair of a whole word
/// with another term. Pairs first: they are usually the narrowest.
fn sources(terms: &[Term]) -> Vec<Source> {
    let mut out = Vec::new();
    for a in terms.iter().filter(|a| !a.prefix) {
        for b in terms {
            // A pair of two whole words is stored both ways: one of them is enough.
            if a.text != b.text && (b.prefix || a.text < b.text) {
                out.push(Source::Pair(a.text.clone(), b.clone()));
            }
        }
    }
    // Longer words are usually rarer.
    let mut words: Vec<&Term> = terms.iter().collect();
    words.sort_by_key(|t| std::cmp::Reverse(t.text.len()));
    out.extend(words.into_iter().cloned().map(Source::Word));
    out
}

/// The path of the root unit (the province), if any.
async fn root_path(db: &Db) -> StoreResult<Option<String>> {
    #[derive(FromQueryResult)]
    struct P {
        path: String,
    }
    Ok(P::find_by_statement(stmt(
        db.backend(),
        "SELECT path FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1",
        vec![],
    ))
    .one(&db.conn)
    .await?
    .map(|p| p.path))
}

/// People by id, in the order of `ids` (ids that do not exist are skipped).
pub async fn people_by_ids(db: &Db, ids: &[i64]) -> StoreResult<Vec<Person>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        rows.extend(
            Person::find_by_statement(stmt(
                db.backend(),
                &format!("SELECT {PERSON_COLS} FROM person p JOIN unit u ON u.id = p.unit_id WHERE p.id IN ({marks})"),
                chunk.iter().map(|&i| i.into()).collect(),
            ))
            .all(&db.conn)
            .await?,
        );
    }
    let mut by_id: std::collections::HashMap<i64, Person> = rows.into_iter().map(|p| (p.id, p)).collect();
    Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
}

/// Lists or searches people, sorted the Vietnamese way (given name, middle, family).
///
/// The name search ignores diacritics and đ. Every word of the query but the last must be a
/// whole word of the folded name; the last may be the start of one (`nguyen thi huon`,
/// `lo van`, `huong`). For a search over the whole province, the narrowest range of the word
/// index (one word) or of the pair index (two words of one name) is read once, in name order,
/// checking the other words on the name it carries, with an exact count. When even the narrowest
/// range is large ([`SearchLimits`]), the first people in name order are tried, which fills a
/// page at once for common words (the count is then reported as capped); when that does not
/// fill the page, the narrowest range is read anyway.
///
/// Searches limited to a unit, a scope below the province, or other filters go through the
/// person table with the same word conditions.
pub async fn search_people(db: &Db, f: &PersonFilter, page: u64, per_page: u64) -> StoreResult<Page<Person>> {
    search_people_with(db, f, page, per_page, SearchLimits::default()).await
}

/// [`search_people`] with explicit thresholds (tests use small ones to reach every plan).
pub async fn search_people_with(
    db: &Db,
    f: &PersonFilter,
    page: u64,
    per_page: u64,
    limits: SearchLimits,
) -> StoreResult<Page<Person>> {
    let page = page.max(1);
    let offset = (page - 1) * per_page;
    let terms = query_words(f.q.as_deref().unwrap_or_default());
    let whole_province = match root_path(db).await? {
        Some(root) => f.scope.contains(&root) && f.unit_path.as_deref().is_none_or(|u| u == root),
        None => false,
    };
    let plain = f.gender.is_none() && f.leadership.is_none() && f.ethnicity.as_deref().is_none_or(str::is_empty);
    if terms.is_empty() || !whole_province || !plain {
        return search_people_by_person(db, f, &terms, page, per_page, limits.exact_count).await;
    }
    // The narrowest source; each count stops once it passes the narrowest so far.
    let mut best: Option<(u64, Source)> = None;
    for src in sources(&terms) {
        let cap = best.as_ref().map(|(n, _)| *n).unwrap_or(limits.selective).min(limits.selective);
        let n = src.rows(db, cap).await?;
        if best.as_ref().is_none_or(|(b, _)| n < *b) {
            best = Some((n, src));
        }
    }
    let Some((rows, mut source)) = best else {
        return Ok(Page { items: vec![], page, per_page, total: 0, total_capped: false });
    };
    let mut likes = String::new();
    let mut like_vals: Vec<Value> = vec![];
    for t in &terms {
        likes.push_str(" AND (' ' || {a}.search_key || ' ') LIKE ? ESCAPE '\\'");
        like_vals.push(term_like(t));
    }
    let (table, cond, vals) = source.sql();
    #[derive(FromQueryResult)]
    struct Hit {
        person_id: i64,
        sort_key: String,
    }
    let key_column = if table == "person_word" { "word" } else { "pair" };
    // A source that covers every query word needs no check: each of its keys is a run already
    // in name order, so the page is a merge of the first rows of each run.
    if source.covers(&terms) {
        #[derive(FromQueryResult)]
        struct Key {
            k: String,
        }
        // The distinct keys of the range: the word itself, or for a prefix one index seek per
        // key (a loose index scan), so a common word does not read its whole range.
        let (key, prefix) = source.key();
        let keys: Vec<Key> = if !prefix {
            vec![Key { k: key }]
        } else {
            let upper = format!("{key}\u{10FFFF}");
            Key::find_by_statement(stmt(
                db.backend(),
                &format!(
                    "WITH RECURSIVE r(k) AS ( \
                       SELECT (SELECT MIN(w.{key_column}) FROM {table} w WHERE w.{key_column} >= ? AND w.{key_column} < ?) \
                       UNION ALL \
                       SELECT (SELECT MIN(w.{key_column}) FROM {table} w WHERE w.{key_column} > r.k AND w.{key_column} < ?) \
                       FROM r WHERE r.k IS NOT NULL \
                     ) SELECT k FROM r WHERE k IS NOT NULL LIMIT 33"
                ),
                vec![key.into(), upper.clone().into(), upper.into()],
            ))
            .all(&db.conn)
            .await?
        };
        if keys.len() <= 32 {
            // Exact up to the limit; beyond it, said to be capped. One key holds each person
            // once; several keys may hold a person twice, so their ids are counted here.
            // `rows` is exact only up to the plan's limit; recount up to the counting limit.
            let rows = if rows > limits.selective { source.rows(db, limits.exact_count).await? } else { rows };
            let (total, capped) = if rows > limits.exact_count {
                (limits.exact_count, true)
            } else if keys.len() == 1 {
                (rows, false)
            } else {
                let ids = IdRow::find_by_statement(stmt(
                    db.backend(),
                    &format!("SELECT w.person_id AS id FROM {table} w WHERE {cond}"),
                    vals,
                ))
                .all(&db.conn)
                .await?;
                (ids.into_iter().map(|r| r.id).collect::<std::collections::HashSet<i64>>().len() as u64, false)
            };
            let mut hits: Vec<(String, i64)> = Vec::new();
            for k in keys {
                let run = Hit::find_by_statement(stmt(
                    db.backend(),
                    &format!("SELECT w.person_id, w.sort_key FROM {table} w WHERE w.{key_column} = ? ORDER BY w.sort_key, w.person_id LIMIT ?"),
                    vec![k.k.into(), ((offset + per_page) as i64).into()],
                ))
                .all(&db.conn)
                .await?;
                hits.extend(run.into_iter().map(|h| (h.sort_key, h.person_id)));
            }
            hits.sort();
            hits.dedup_by_key(|h| h.1);
            let ids: Vec<i64> =
                hits.into_iter().skip(offset as usize).take(per_page as usize).map(|(_, id)| id).collect();
            let items = people_by_ids(db, &ids).await?;
            return Ok(Page { items, page, per_page, total, total_capped: capped });
        }
    }
    if rows > limits.selective {
        // Broad: look in the first people in name order.
        let mut vals: Vec<Value> = vec![(limits.broad_sample as i64).into()];
        vals.extend(like_vals.clone());
        vals.push((per_page as i64).into());
        vals.push((offset as i64).into());
        let ids = IdRow::find_by_statement(stmt(
            db.backend(),
            &format!(
                "SELECT s.id FROM (SELECT p.id, p.sort_key, p.search_key FROM person p ORDER BY p.sort_key, p.id LIMIT ?) s \
                 WHERE 1 = 1{} ORDER BY s.sort_key, s.id LIMIT ? OFFSET ?",
                likes.replace("{a}", "s")
            ),
            vals,
        ))
        .all(&db.conn)
        .await?;
        if ids.len() as u64 == per_page {
            let items = people_by_ids(db, &ids.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
            return Ok(Page { items, page, per_page, total: limits.exact_count, total_capped: true });
        }
        // Common words that are rare together: find the truly narrowest source.
        let mut narrowest = u64::MAX;
        for src in sources(&terms) {
            let n = src.rows(db, narrowest.min(u64::MAX / 4)).await?;
            if n < narrowest {
                (narrowest, source) = (n, src);
            }
        }
    }
    let (table, cond, vals) = source.sql();
    // Otherwise read the range once, checking every word on the carried name; count and page here.
    let mut vals = vals;
    vals.extend(like_vals);
    let mut hits: Vec<(String, i64)> = Hit::find_by_statement(stmt(
        db.backend(),
        &format!("SELECT w.person_id, w.sort_key FROM {table} w WHERE {cond}{}", likes.replace("{a}", "w")),
        vals,
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(|h| (h.sort_key, h.person_id))
    .collect();
    // A person with two words in a prefix range appears twice.
    hits.sort();
    hits.dedup();
    let total = hits.len() as u64;
    let ids: Vec<i64> = hits.into_iter().skip(offset as usize).take(per_page as usize).map(|(_, id)| id).collect();
    let items = people_by_ids(db, &ids).await?;
    Ok(Page { items, page, per_page, total, total_capped: false })
}

/// The search through the person table: for scopes below the province, a unit, other filters,
/// or no query at all. Counts are exact up to `cap`, then capped.
async fn search_people_by_person(
    db: &Db,
    f: &PersonFilter,
    terms: &[Term],
    page: u64,
    per_page: u64,
    cap: u64,
) -> StoreResult<Page<Person>> {
    let backend = db.backend();
    let mut vals: Vec<Value> = vec![];
    let mut wh = vec![scope_sql("u.path", &f.scope, &mut vals)];
    if let Some(p) = &f.unit_path {
        wh.push("u.path LIKE ? ESCAPE '\\'".into());
        vals.push(format!("{}%", like_escape(p)).into());
    }
    if let Some(g) = f.gender {
        wh.push("p.gender = ?".into());
        vals.push(g.code().into());
    }
    if let Some(l) = f.leadership {
        wh.push("p.leadership = ?".into());
        vals.push(l.code().into());
    }
    if let Some(e) = f.ethnicity.as_deref().filter(|e| !e.is_empty()) {
        wh.push("p.ethnicity = ?".into());
        vals.push(text::clean(e).into());
    }
    for t in terms {
        wh.push("(' ' || p.search_key || ' ') LIKE ? ESCAPE '\\'".into());
        vals.push(term_like(t));
    }
    let wh = wh.join(" AND ");
    let from = "FROM person p JOIN unit u ON u.id = p.unit_id";
    let mut cv = vals.clone();
    cv.push(((cap + 1) as i64).into());
    let n = count(&db.conn, &format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one {from} WHERE {wh} LIMIT ?) t"), cv)
        .await?;
    let mut v = vals;
    v.push((per_page as i64).into());
    v.push((((page - 1) * per_page) as i64).into());
    let sql = format!("SELECT {PERSON_COLS} {from} WHERE {wh} ORDER BY p.sort_key, p.id LIMIT ? OFFSET ?");
    let items = Person::find_by_statement(stmt(backend, &sql, v)).all(&db.conn).await?;
    Ok(Page { items, page, per_page, total: n.min(cap), total_capped: n > cap })
}

/// Replaces the word-index rows of one person.
async fn index_words(w: &WriteTx, person_id: i64, full_name: &str) -> StoreResult<()> {
    w.exec("DELETE FROM person_word WHERE person_id = ?", vec![person_id.into()]).await?;
    w.exec("DELETE FROM person_pair WHERE person_id = ?", vec![person_id.into()]).await?;
    index_words_batch(w, &[(person_id, text::fold(full_name), text::person_sort_key(full_name))]).await
}

/// Adds word-index and pair-index rows for people: (id, search_key, sort_key).
async fn index_words_batch(w: &WriteTx, people: &[(i64, String, String)]) -> StoreResult<()> {
    let mut words: Vec<(String, &str, i64, &str)> = Vec::new();
    let mut pairs: Vec<(String, &str, i64, &str)> = Vec::new();
    for (id, key, sort) in people {
        let mut ws: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        ws.sort();
        ws.dedup();
        for a in &ws {
            words.push((a.to_string(), sort.as_str(), *id, key.as_str()));
            for b in &ws {
                if a != b {
                    pairs.push((format!("{a} {b}"), sort.as_str(), *id, key.as_str()));
                }
            }
        }
    }
    for (table, column, rows) in [("person_word", "word", &words), ("person_pair", "pair", &pairs)] {
        for chunk in rows.chunks(1000) {
            let mut sql = format!("INSERT INTO {table} ({column}, sort_key, person_id, search_key) VALUES ");
            let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
            for (i, (k, sort, id, key)) in chunk.iter().enumerate() {
                sql.push_str(if i == 0 { "(?, ?, ?, ?)" } else { ", (?, ?, ?, ?)" });
                vals.push(k.clone().into());
                vals.push((*sort).into());
                vals.push((*id).into());
                vals.push((*key).into());
            }
            w.exec(&sql, vals).await?;
        }
    }
    Ok(())
}

/// Every person of the scope, for export (in name order).
pub async fn export_people(db: &Db, f: &PersonFilter) -> StoreResult<Vec<Person>> {
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let p = search_people(db, f, page, 5000).await?;
        let n = p.items.len();
        all.extend(p.items);
        if n < 5000 {
            break;
        }
        page += 1;
    }
    Ok(all)
}

fn person_values(input: &PersonInput, unit_id: i64) -> Vec<Value> {
    vec![
        input.full_name.clone().into(),
        input.gender.code().into(),
        input.birth_date.into(),
        input.ethnicity.clone().into(),
        unit_id.into(),
        input.position.clone().into(),
        input.leadership.code().into(),
        input.recruited_on.into(),
        text::fold(&input.full_name).into(),
        text::person_sort_key(&input.full_name).into(),
    ]
}

fn person_detail(input: &PersonInput) -> serde_json::Value {
    serde_json::json!({
        "full_name": input.full_name, "gender": input.gender.code(), "birth_date": input.birth_date,
        "ethnicity": input.ethnicity, "unit_code": input.unit_code, "position": input.position,
        "leadership": input.leadership.code(), "recruited_on": input.recruited_on,
    })
}

/// The unit a person input names, which must exist and be active.
pub async fn unit_for_person(w: &WriteTx, input: &PersonInput) -> StoreResult<Unit> {
    let unit = find_unit_by_code(&w.tx, &input.unit_code)
        .await?
        .ok_or_else(|| StoreError::invalid("unit_code", format!("Không có đơn vị mã “{}”", input.unit_code)))?;
    if unit.active_to.is_some() {
        return Err(StoreError::invalid("unit_code", format!("Đơn vị “{}” đã ngừng hoạt động", unit.name)));
    }
    Ok(unit)
}

/// Creates a person in an existing unit. The caller has checked the user may edit that unit.
pub async fn create_person(w: &mut WriteTx, input: &PersonInput, unit: &Unit) -> StoreResult<i64> {
    let now = now_text();
    let mut v = person_values(input, unit.id);
    v.push(now.clone().into());
    v.push(now.into());
    let row = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO person (full_name, gender, birth_date, ethnicity, unit_id, position, leadership, recruited_on, search_key, sort_key, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        v,
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("người vừa tạo"))?;
    index_words(w, row.id, &input.full_name).await?;
    crate::panel::mark_people(w, [row.id]).await?;
    w.record("person.create", "person", Some(row.id.to_string()), Some(unit.id), person_detail(input)).await?;
    Ok(row.id)
}

#[derive(FromQueryResult)]
pub(crate) struct IdRow {
    pub id: i64,
}

/// Replaces a person's fields (possibly moving them to another unit).
pub async fn update_person(w: &mut WriteTx, id: i64, input: &PersonInput, unit: &Unit) -> StoreResult<()> {
    let before = get_person(&w.tx, id).await?;
    let mut v = person_values(input, unit.id);
    v.push(now_text().into());
    v.push(id.into());
    w.exec(
        "UPDATE person SET full_name = ?, gender = ?, birth_date = ?, ethnicity = ?, unit_id = ?, position = ?, leadership = ?, recruited_on = ?, search_key = ?, sort_key = ?, updated_at = ? WHERE id = ?",
        v,
    )
    .await?;
    index_words(w, id, &input.full_name).await?;
    crate::panel::mark_people(w, [id]).await?;
    let mut detail = person_detail(input);
    detail["before"] = serde_json::to_value(&before).unwrap_or_default();
    w.record("person.update", "person", Some(id.to_string()), Some(unit.id), detail).await?;
    Ok(())
}

/// Bulk insert without per-row audit entries (the demo loader and benchmarks record one
/// entry for the batch). Returns the number of rows inserted.
pub async fn insert_people_batch(w: &WriteTx, rows: &[(PersonInput, i64)]) -> StoreResult<u64> {
    #[derive(FromQueryResult)]
    struct Inserted {
        id: i64,
        search_key: String,
        sort_key: String,
    }
    let now = now_text();
    let mut inserted = 0;
    for chunk in rows.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO person (full_name, gender, birth_date, ethnicity, unit_id, position, leadership, recruited_on, search_key, sort_key, created_at, updated_at) VALUES ",
        );
        let mut vals: Vec<Value> = Vec::with_capacity(chunk.len() * 12);
        for (i, (p, unit_id)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            vals.extend(person_values(p, *unit_id));
            vals.push(now.clone().into());
            vals.push(now.clone().into());
        }
        sql.push_str(" RETURNING id, search_key, sort_key");
        let new: Vec<(i64, String, String)> = Inserted::find_by_statement(stmt(w.backend(), &sql, vals))
            .all(&w.tx)
            .await?
            .into_iter()
            .map(|r| (r.id, r.search_key, r.sort_key))
            .collect();
        inserted += new.len() as u64;
        index_words_batch(w, &new).await?;
        crate::panel::mark_people(w, new.iter().map(|n| n.0)).await?;
    }
    Ok(inserted)
}

/// Number of people per unit id (direct staff only).
pub async fn staff_count(db: &Db, unit_path: &str) -> StoreResult<u64> {
    count(
        &db.conn,
        "SELECT COUNT(*) AS n FROM person p JOIN unit u ON u.id = p.unit_id WHERE u.path LIKE ? ESCAPE '\\'",
        vec![format!("{}%", like_escape(unit_path)).into()],
    )
    .await
}

/// Figures for the dashboard, within a scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgFigures {
    pub units: u64,
    pub people: u64,
    pub women: u64,
    pub ethnic_minority: u64,
    pub leaders: u64,
}

pub async fn figures(db: &Db, scope: &[String]) -> StoreResult<OrgFigures> {
    let mut v = vec![];
    let s = scope_sql("u.path", scope, &mut v);
    let units =
        count(&db.conn, &format!("SELECT COUNT(*) AS n FROM unit u WHERE {s} AND u.active_to IS NULL"), v.clone())
            .await?;
    let base = format!("SELECT COUNT(*) AS n FROM person p JOIN unit u ON u.id = p.unit_id WHERE {s}");
    let people = count(&db.conn, &base, v.clone()).await?;
    let women = count(&db.conn, &format!("{base} AND p.gender = 'nu'"), v.clone()).await?;
    let ethnic_minority = count(&db.conn, &format!("{base} AND p.ethnicity <> 'Kinh'"), v.clone()).await?;
    let leaders = count(&db.conn, &format!("{base} AND p.leadership = 'lanh_dao'"), v).await?;
    Ok(OrgFigures { units, people, women, ethnic_minority, leaders })
}

// ---------------------------------------------------------------- clusters and blocks

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Group {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub year: i32,
    pub members: i64,
    pub head_name: Option<String>,
    pub deputy_name: Option<String>,
}

impl Group {
    pub fn kind_label(&self) -> &'static str {
        GroupKind::parse(&self.kind).map(GroupKind::label).unwrap_or("")
    }
}

const GROUP_SQL: &str = "SELECT g.id, g.code, g.name, g.kind, g.year, \
     (SELECT COUNT(*) FROM emulation_group_member m WHERE m.group_id = g.id) AS members, \
     (SELECT u.name FROM emulation_group_member m JOIN unit u ON u.id = m.unit_id WHERE m.group_id = g.id AND m.role = 'truong' LIMIT 1) AS head_name, \
     (SELECT u.name FROM emulation_group_member m JOIN unit u ON u.id = m.unit_id WHERE m.group_id = g.id AND m.role = 'pho' LIMIT 1) AS deputy_name \
     FROM emulation_group g";

pub async fn list_groups(db: &Db, year: i32) -> StoreResult<Vec<Group>> {
    Ok(Group::find_by_statement(stmt(
        db.backend(),
        &format!("{GROUP_SQL} WHERE g.year = ? ORDER BY g.kind DESC, g.code"),
        vec![year.into()],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn get_group(db: &Db, id: i64) -> StoreResult<Group> {
    Group::find_by_statement(stmt(db.backend(), &format!("{GROUP_SQL} WHERE g.id = ?"), vec![id.into()]))
        .one(&db.conn)
        .await?
        .ok_or(StoreError::NotFound("cụm, khối thi đua"))
}

/// Years that have clusters or blocks, newest first.
pub async fn group_years(db: &Db) -> StoreResult<Vec<i32>> {
    #[derive(FromQueryResult)]
    struct Y {
        year: i32,
    }
    Ok(Y::find_by_statement(stmt(db.backend(), "SELECT DISTINCT year FROM emulation_group ORDER BY year DESC", vec![]))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|y| y.year)
        .collect())
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct GroupMember {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub role: String,
}

impl GroupMember {
    pub fn role_label(&self) -> &'static str {
        GroupRole::parse(&self.role).map(GroupRole::label).unwrap_or("")
    }
}

pub async fn group_members(db: &Db, group_id: i64) -> StoreResult<Vec<GroupMember>> {
    Ok(GroupMember::find_by_statement(stmt(
        db.backend(),
        "SELECT m.unit_id, u.code AS unit_code, u.name AS unit_name, u.path AS unit_path, m.role FROM emulation_group_member m JOIN unit u ON u.id = m.unit_id \
         WHERE m.group_id = ? ORDER BY CASE m.role WHEN 'truong' THEN 0 WHEN 'pho' THEN 1 ELSE 2 END, u.sort_key",
        vec![group_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

/// The groups a unit belongs to in a year, with its role there.
pub async fn groups_of_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<(Group, String)>> {
    #[derive(FromQueryResult)]
    struct R {
        group_id: i64,
        role: String,
    }
    let rows = R::find_by_statement(stmt(
        db.backend(),
        "SELECT m.group_id, m.role FROM emulation_group_member m JOIN emulation_group g ON g.id = m.group_id WHERE m.unit_id = ? ORDER BY g.year DESC",
        vec![unit_id.into()],
    ))
    .all(&db.conn)
    .await?;
    let mut out = vec![];
    for r in rows {
        out.push((get_group(db, r.group_id).await?, r.role));
    }
    Ok(out)
}

/// Paths of the member units of the groups that `unit_ids` head or deputise in `year`.
pub async fn led_group_member_paths(db: &Db, unit_ids: &[i64], year: i32) -> StoreResult<Vec<String>> {
    if unit_ids.is_empty() {
        return Ok(vec![]);
    }
    #[derive(FromQueryResult)]
    struct P {
        path: String,
    }
    let marks = vec!["?"; unit_ids.len()].join(", ");
    let mut vals: Vec<Value> = unit_ids.iter().map(|&i| i.into()).collect();
    vals.push(year.into());
    Ok(P::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT DISTINCT u.path FROM emulation_group_member lead JOIN emulation_group g ON g.id = lead.group_id \
             JOIN emulation_group_member m ON m.group_id = g.id JOIN unit u ON u.id = m.unit_id \
             WHERE lead.unit_id IN ({marks}) AND lead.role IN ('truong', 'pho') AND g.year = ?"
        ),
        vals,
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(|p| p.path)
    .collect())
}

/// A cluster or block to create, with its members: exactly one head, one deputy.
#[derive(Debug, Clone)]
pub struct GroupInput {
    pub code: String,
    pub name: String,
    pub kind: GroupKind,
    pub year: i32,
    /// Unit codes with their roles.
    pub members: Vec<(String, GroupRole)>,
}

pub async fn create_group(w: &mut WriteTx, g: &GroupInput) -> StoreResult<i64> {
    let mut errors = Invalid::default();
    let heads = g.members.iter().filter(|m| m.1 == GroupRole::Head).count();
    let deputies = g.members.iter().filter(|m| m.1 == GroupRole::Deputy).count();
    if heads != 1 {
        errors.push("members", "Mỗi cụm, khối có đúng một đơn vị Trưởng");
    }
    if deputies > 1 {
        errors.push("members", "Mỗi cụm, khối có nhiều nhất một đơn vị Phó");
    }
    if !(2000..=2100).contains(&g.year) {
        errors.push("year", "Năm không hợp lệ");
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let row = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO emulation_group (code, name, kind, year, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        vec![g.code.clone().into(), g.name.clone().into(), g.kind.code().into(), g.year.into(), now_text().into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("cụm, khối vừa tạo"))?;
    for (code, role) in &g.members {
        let unit = find_unit_by_code(&w.tx, code)
            .await?
            .ok_or_else(|| StoreError::invalid("members", format!("Không có đơn vị mã “{code}”")))?;
        let clash = count(
            &w.tx,
            "SELECT COUNT(*) AS n FROM emulation_group_member m JOIN emulation_group g ON g.id = m.group_id WHERE m.unit_id = ? AND g.year = ? AND g.kind = ?",
            vec![unit.id.into(), g.year.into(), g.kind.code().into()],
        )
        .await?;
        if clash > 0 {
            return Err(StoreError::invalid(
                "members",
                format!("{} đã thuộc một {} khác năm {}", unit.name, g.kind.label().to_lowercase(), g.year),
            ));
        }
        w.exec(
            "INSERT INTO emulation_group_member (group_id, unit_id, role) VALUES (?, ?, ?)",
            vec![row.id.into(), unit.id.into(), role.code().into()],
        )
        .await?;
    }
    w.record(
        "group.create",
        "emulation_group",
        Some(row.id.to_string()),
        None,
        serde_json::json!({"code": g.code, "name": g.name, "kind": g.kind.code(), "year": g.year,
            "members": g.members.iter().map(|(c, r)| serde_json::json!([c, r.code()])).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(row.id)
}

/// Changes a member's role; making a unit head (or deputy) demotes the previous one to member.
pub async fn set_group_role(w: &mut WriteTx, group_id: i64, unit_id: i64, role: GroupRole) -> StoreResult<()> {
    if role != GroupRole::Member {
        w.exec(
            "UPDATE emulation_group_member SET role = 'thanh_vien' WHERE group_id = ? AND role = ?",
            vec![group_id.into(), role.code().into()],
        )
        .await?;
    }
    let n = w
        .exec(
            "UPDATE emulation_group_member SET role = ? WHERE group_id = ? AND unit_id = ?",
            vec![role.code().into(), group_id.into(), unit_id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound("thành viên cụm, khối"));
    }
    w.record(
        "group.set_role",
        "emulation_group",
        Some(group_id.to_string()),
        Some(unit_id),
        serde_json::json!({"unit_id": unit_id, "role": role.code()}),
    )
    .await
}

// ---------------------------------------------------------------- council

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct Council {
    pub id: i64,
    pub name: String,
    pub term_start: i32,
    pub term_end: i32,
}

#[derive(Debug, Clone, FromQueryResult, Serialize)]
pub struct CouncilMember {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub role: String,
    pub title: String,
}

impl CouncilMember {
    pub fn role_label(&self) -> &'static str {
        CouncilRole::parse(&self.role).map(CouncilRole::label).unwrap_or("")
    }
}

pub async fn list_councils(db: &Db) -> StoreResult<Vec<Council>> {
    Ok(Council::find_by_statement(stmt(
        db.backend(),
        "SELECT id, name, term_start, term_end FROM council ORDER BY term_start DESC",
        vec![],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn council_members(db: &Db, council_id: i64) -> StoreResult<Vec<CouncilMember>> {
    Ok(CouncilMember::find_by_statement(stmt(
        db.backend(),
        "SELECT c.id, c.person_id, p.full_name, u.name AS unit_name, c.role, c.title FROM council_member c \
         JOIN person p ON p.id = c.person_id JOIN unit u ON u.id = p.unit_id WHERE c.council_id = ? \
         ORDER BY CASE c.role WHEN 'chu_tich' THEN 0 WHEN 'pho_chu_tich_thuong_truc' THEN 1 WHEN 'pho_chu_tich' THEN 2 WHEN 'uy_vien' THEN 3 ELSE 4 END, p.sort_key",
        vec![council_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn create_council(w: &mut WriteTx, name: &str, term_start: i32, term_end: i32) -> StoreResult<i64> {
    if term_end < term_start {
        return Err(StoreError::invalid("term_end", "Năm kết thúc nhiệm kỳ trước năm bắt đầu"));
    }
    let row = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO council (name, term_start, term_end, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        vec![text::clean(name).into(), term_start.into(), term_end.into(), now_text().into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("hội đồng vừa tạo"))?;
    w.record(
        "council.create",
        "council",
        Some(row.id.to_string()),
        None,
        serde_json::json!({"name": name, "term_start": term_start, "term_end": term_end}),
    )
    .await?;
    Ok(row.id)
}

pub async fn add_council_member(
    w: &mut WriteTx,
    council_id: i64,
    person_id: i64,
    role: CouncilRole,
    title: &str,
) -> StoreResult<()> {
    if role == CouncilRole::Chair {
        let chairs = count(
            &w.tx,
            "SELECT COUNT(*) AS n FROM council_member WHERE council_id = ? AND role = 'chu_tich'",
            vec![council_id.into()],
        )
        .await?;
        if chairs > 0 {
            return Err(StoreError::invalid("role", "Hội đồng đã có Chủ tịch"));
        }
    }
    let exists = count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM council_member WHERE council_id = ? AND person_id = ?",
        vec![council_id.into(), person_id.into()],
    )
    .await?;
    if exists > 0 {
        return Err(StoreError::invalid("person_id", "Người này đã là thành viên hội đồng"));
    }
    w.exec(
        "INSERT INTO council_member (council_id, person_id, role, title) VALUES (?, ?, ?, ?)",
        vec![council_id.into(), person_id.into(), role.code().into(), text::clean(title).into()],
    )
    .await?;
    w.record(
        "council.add_member",
        "council",
        Some(council_id.to_string()),
        None,
        serde_json::json!({"person_id": person_id, "role": role.code(), "title": title}),
    )
    .await
}

pub async fn remove_council_member(w: &mut WriteTx, council_id: i64, member_id: i64) -> StoreResult<()> {
    let n = w
        .exec("DELETE FROM council_member WHERE council_id = ? AND id = ?", vec![council_id.into(), member_id.into()])
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound("thành viên hội đồng"));
    }
    w.record(
        "council.remove_member",
        "council",
        Some(council_id.to_string()),
        None,
        serde_json::json!({"member_id": member_id}),
    )
    .await
}

// ---------------------------------------------------------------- meta

pub async fn meta_get(db: &impl ConnectionTrait, key: &str) -> StoreResult<Option<String>> {
    #[derive(FromQueryResult)]
    struct M {
        value: String,
    }
    Ok(M::find_by_statement(stmt(db.get_database_backend(), "SELECT value FROM meta WHERE key = ?", vec![key.into()]))
        .one(db)
        .await?
        .map(|m| m.value))
}

pub async fn meta_set(w: &WriteTx, key: &str, value: &str) -> StoreResult<()> {
    w.exec("DELETE FROM meta WHERE key = ?", vec![key.into()]).await?;
    w.exec("INSERT INTO meta (key, value) VALUES (?, ?)", vec![key.into(), value.into()]).await?;
    Ok(())
}

/// Whether the database holds no unit yet (a fresh installation).
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    Ok(count(&db.conn, "SELECT COUNT(*) AS n FROM unit", vec![]).await? == 0)
}

/// Ids of the people directly in a unit.
pub async fn person_ids_of_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<i64>> {
    Ok(IdRow::find_by_statement(stmt(
        db.backend(),
        "SELECT id FROM person WHERE unit_id = ? ORDER BY id",
        vec![unit_id.into()],
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// Every person id in insertion order (the demo loader maps generated people to ids).
pub async fn person_ids(db: &impl ConnectionTrait) -> StoreResult<Vec<i64>> {
    Ok(IdRow::find_by_statement(stmt(db.get_database_backend(), "SELECT id FROM person ORDER BY id", vec![]))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}
