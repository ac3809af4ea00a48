//! Blocks and scoring (module 6): a block's score sheet of one year, each member unit's points
//! at three stages (the unit's own, the block's review, the department's final), the ranking,
//! and the vote at the block's review conference that acclaims the leading units (suy tôn).
//!
//! The vote is secret as the council's is: `block_voted` says which member units have voted,
//! `block_ballot` holds the choices under random keys (a table without row ids on SQLite, so its
//! rows keep no order of writing), written in one transaction; no query joins them, no count is
//! read before `close_vote`, and the close writes the ballots again in a random order under new
//! keys (see `council::reshuffle` for what that removes on PostgreSQL).

use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::emulation::{self as rules, CriterionInput, CriterionKind, SheetStatus};
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::IdRow;

/// A block's score sheet.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Sheet {
    pub id: i64,
    pub group_id: i64,
    pub group_name: String,
    pub group_code: String,
    pub year: i32,
    pub title: String,
    pub status: String,
}

impl Sheet {
    pub fn status(&self) -> SheetStatus {
        SheetStatus::parse(&self.status).unwrap_or(SheetStatus::Open)
    }
}

const SHEET_SELECT: &str = "SELECT s.id, s.group_id, g.name AS group_name, g.code AS group_code, g.year, s.title, s.status \
     FROM score_sheet s JOIN emulation_group g ON g.id = s.group_id";

pub async fn sheet(db: &impl ConnectionTrait, id: i64) -> StoreResult<Sheet> {
    Sheet::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{SHEET_SELECT} WHERE s.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("bảng chấm điểm"))
}

pub async fn sheet_of_group(db: &impl ConnectionTrait, group_id: i64) -> StoreResult<Option<Sheet>> {
    Ok(Sheet::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{SHEET_SELECT} WHERE s.group_id = ?"),
        vec![group_id.into()],
    ))
    .one(db)
    .await?)
}

/// Opens a block's score sheet for the year with its criteria; the member units start scoring.
pub async fn create_sheet(
    w: &mut WriteTx,
    group_id: i64,
    title: &str,
    criteria: &[CriterionInput],
) -> StoreResult<i64> {
    if sheet_of_group(&w.tx, group_id).await?.is_some() {
        return Err(StoreError::invalid("group", "khối đã có bảng chấm điểm của năm"));
    }
    let title = text::clean(title);
    if title.is_empty() {
        return Err(StoreError::invalid("title", "cần ghi tên bảng chấm điểm"));
    }
    if criteria.is_empty() {
        return Err(StoreError::invalid("criteria", "chưa có tiêu chí nào"));
    }
    let now = now_text();
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO score_sheet (group_id, title, status, created_at, updated_at) VALUES (?, ?, 'open', ?, ?) RETURNING id",
        vec![group_id.into(), title.clone().into(), now.clone().into(), now.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("bảng chấm điểm vừa thêm"))?
    .id;
    for (i, c) in criteria.iter().enumerate() {
        w.exec(
            "INSERT INTO score_criterion (sheet_id, position, section, code, content, max_points, kind, evidence_required) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.into(),
                (i as i32).into(),
                c.section.clone().into(),
                c.code.clone().into(),
                c.content.clone().into(),
                c.max_points.into(),
                c.kind.code().into(),
                c.evidence_required.into(),
            ],
        )
        .await?;
    }
    w.record(
        "scoring.create_sheet",
        "score_sheet",
        Some(id.to_string()),
        None,
        serde_json::json!({"group": group_id, "title": title, "criteria": criteria.len()}),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Criterion {
    pub id: i64,
    pub position: i32,
    pub section: String,
    pub code: String,
    pub content: String,
    pub max_points: i64,
    pub kind: String,
    pub evidence_required: bool,
}

impl Criterion {
    pub fn kind(&self) -> CriterionKind {
        CriterionKind::parse(&self.kind).unwrap_or(CriterionKind::Normal)
    }
}

pub async fn criteria(db: &impl ConnectionTrait, sheet_id: i64) -> StoreResult<Vec<Criterion>> {
    Ok(Criterion::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, position, section, code, content, max_points, kind, evidence_required FROM score_criterion \
         WHERE sheet_id = ? ORDER BY position",
        vec![sheet_id.into()],
    ))
    .all(db)
    .await?)
}

/// A unit's points on one criterion at each stage.
#[derive(Debug, Clone, Default, Serialize, FromQueryResult)]
pub struct Score {
    pub unit_id: i64,
    pub criterion_id: i64,
    pub self_points: Option<i64>,
    pub self_note: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub review_points: Option<i64>,
    pub review_reason: String,
    pub final_points: Option<i64>,
    pub final_reason: String,
}

impl Score {
    /// The points that count: the department's, else the block's, else the unit's own.
    pub fn effective(&self) -> Option<i64> {
        self.final_points.or(self.review_points).or(self.self_points)
    }
}

pub async fn scores(db: &impl ConnectionTrait, sheet_id: i64, unit_id: Option<i64>) -> StoreResult<Vec<Score>> {
    let (filter, values): (&str, Vec<Value>) = match unit_id {
        Some(u) => (" AND unit_id = ?", vec![sheet_id.into(), u.into()]),
        None => ("", vec![sheet_id.into()]),
    };
    Ok(Score::find_by_statement(stmt(
        db.get_database_backend(),
        &format!(
            "SELECT unit_id, criterion_id, self_points, self_note, file_name, media_type, sha256, review_points, \
             review_reason, final_points, final_reason FROM score WHERE sheet_id = ?{filter} ORDER BY unit_id, criterion_id"
        ),
        values,
    ))
    .all(db)
    .await?)
}

/// Where a member unit is with its scores.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Entry {
    pub unit_id: i64,
    pub status: String,
    pub submitted_at: Option<String>,
}

pub async fn entries(db: &impl ConnectionTrait, sheet_id: i64) -> StoreResult<Vec<Entry>> {
    Ok(Entry::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT unit_id, status, submitted_at FROM score_entry WHERE sheet_id = ?",
        vec![sheet_id.into()],
    ))
    .all(db)
    .await?)
}

async fn entry_status(w: &WriteTx, sheet_id: i64, unit_id: i64) -> StoreResult<Option<String>> {
    Ok(entries(&w.tx, sheet_id).await?.into_iter().find(|e| e.unit_id == unit_id).map(|e| e.status))
}

/// Whether the unit is a member of the sheet's block.
async fn is_member(w: &WriteTx, sheet: &Sheet, unit_id: i64) -> StoreResult<bool> {
    Ok(crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM emulation_group_member WHERE group_id = ? AND unit_id = ?",
        vec![sheet.group_id.into(), unit_id.into()],
    )
    .await?
        > 0)
}

/// The points one stage gives one criterion: points, a note or reason, and (for the unit's own
/// scoring) evidence already in the file store.
#[derive(Debug, Clone, Default)]
pub struct Points {
    pub criterion_id: i64,
    pub points: i64,
    pub note: String,
    pub file: Option<crate::files::StoredFile>,
}

/// The stages of scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The unit scores itself while the sheet is open.
    Own,
    /// The block's head or deputy reviews while the sheet is in review.
    Review,
    /// The department sets the final points.
    Final,
}

/// Saves one stage's points for a unit, checking each against its criterion's maximum and
/// asking a reason for each change made to the points of the stage before. All or nothing.
pub async fn save(w: &mut WriteTx, sheet_id: i64, unit_id: i64, stage: Stage, points: &[Points]) -> StoreResult<()> {
    let sheet = sheet(&w.tx, sheet_id).await?;
    let needed = match stage {
        Stage::Own => SheetStatus::Open,
        Stage::Review => SheetStatus::Review,
        Stage::Final => SheetStatus::Final,
    };
    if sheet.status() != needed {
        return Err(StoreError::invalid("sheet", format!("bảng chấm điểm đang ở bước “{}”", sheet.status().label())));
    }
    if !is_member(w, &sheet, unit_id).await? {
        return Err(StoreError::invalid("unit", "đơn vị không thuộc khối của bảng chấm điểm"));
    }
    if stage == Stage::Own && entry_status(w, sheet_id, unit_id).await?.is_some_and(|s| s != "draft") {
        return Err(StoreError::invalid("sheet", "đơn vị đã gửi bảng tự chấm; không sửa được nữa"));
    }
    let crits = criteria(&w.tx, sheet_id).await?;
    let before = scores(&w.tx, sheet_id, Some(unit_id)).await?;
    let mut errors = tdkt_domain::error::Invalid::default();
    for p in points {
        let Some(c) = crits.iter().find(|c| c.id == p.criterion_id) else {
            return Err(StoreError::invalid("criterion", "tiêu chí không thuộc bảng chấm điểm"));
        };
        let field = format!("p_{}", c.id);
        if let Err(e) = rules::check_points(p.points, c.max_points) {
            errors.push(field, format!("Tiêu chí {}: {e}", c.code));
            continue;
        }
        let old = before.iter().find(|s| s.criterion_id == c.id).cloned().unwrap_or_default();
        let previous = match stage {
            Stage::Own => None,
            Stage::Review => old.self_points,
            Stage::Final => old.review_points.or(old.self_points),
        };
        if let Err(e) = rules::check_adjustment(previous, p.points, &p.note) {
            errors.push(field, format!("Tiêu chí {}: {e}", c.code));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    // One statement for the stage's points of every criterion (a row is made the first time).
    let (points_col, note_col) = match stage {
        Stage::Own => ("self_points", "self_note"),
        Stage::Review => ("review_points", "review_reason"),
        Stage::Final => ("final_points", "final_reason"),
    };
    // A criterion given twice keeps its last points (one row may change once per statement).
    let mut unique: Vec<&Points> = Vec::with_capacity(points.len());
    for p in points {
        match unique.iter().position(|q| q.criterion_id == p.criterion_id) {
            Some(i) => unique[i] = p,
            None => unique.push(p),
        }
    }
    for chunk in unique.chunks(100) {
        let rows = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for p in chunk {
            values.extend([
                sheet_id.into(),
                unit_id.into(),
                p.criterion_id.into(),
                p.points.into(),
                text::clean(&p.note).into(),
            ]);
        }
        w.exec(
            &format!(
                "INSERT INTO score (sheet_id, unit_id, criterion_id, {points_col}, {note_col}) VALUES {rows} \
                 ON CONFLICT (sheet_id, unit_id, criterion_id) DO UPDATE SET {points_col} = excluded.{points_col}, \
                 {note_col} = excluded.{note_col}"
            ),
            values,
        )
        .await?;
    }
    for p in points {
        if let Some(crate::files::StoredFile { name, media_type: media, size, sha256: sha }) = &p.file {
            w.exec(
                "UPDATE score SET file_name = ?, media_type = ?, size = ?, sha256 = ? WHERE sheet_id = ? AND unit_id = ? AND criterion_id = ?",
                vec![
                    text::clean(name).into(),
                    media.clone().into(),
                    (*size).into(),
                    sha.clone().into(),
                    sheet_id.into(),
                    unit_id.into(),
                    p.criterion_id.into(),
                ],
            )
            .await?;
        }
    }
    touch_entry(w, sheet_id, unit_id, None).await?;
    let stage_code = match stage {
        Stage::Own => "self",
        Stage::Review => "review",
        Stage::Final => "final",
    };
    w.record(
        "scoring.save",
        "score_sheet",
        Some(sheet_id.to_string()),
        Some(unit_id),
        serde_json::json!({"stage": stage_code, "points": points.iter().map(|p| serde_json::json!({"criterion": p.criterion_id, "points": p.points, "note": p.note})).collect::<Vec<_>>()}),
    )
    .await
}

/// Keeps the unit's entry row, setting its status when given.
async fn touch_entry(w: &WriteTx, sheet_id: i64, unit_id: i64, status: Option<&str>) -> StoreResult<()> {
    let now = now_text();
    w.exec(
        "INSERT INTO score_entry (sheet_id, unit_id, status, updated_at) VALUES (?, ?, 'draft', ?) \
         ON CONFLICT (sheet_id, unit_id) DO UPDATE SET updated_at = excluded.updated_at",
        vec![sheet_id.into(), unit_id.into(), now.clone().into()],
    )
    .await?;
    if let Some(s) = status {
        w.exec(
            "UPDATE score_entry SET status = ?, submitted_at = ? WHERE sheet_id = ? AND unit_id = ?",
            vec![s.into(), now.into(), sheet_id.into(), unit_id.into()],
        )
        .await?;
    }
    Ok(())
}

/// Sends the unit's own scoring to the block: every criterion scored, evidence where asked.
pub async fn submit(w: &mut WriteTx, sheet_id: i64, unit_id: i64) -> StoreResult<()> {
    let sheet = sheet(&w.tx, sheet_id).await?;
    if sheet.status() != SheetStatus::Open {
        return Err(StoreError::invalid("sheet", "đã hết thời gian tự chấm điểm"));
    }
    if entry_status(w, sheet_id, unit_id).await?.is_some_and(|s| s != "draft") {
        return Err(StoreError::invalid("sheet", "đơn vị đã gửi bảng tự chấm"));
    }
    let crits = criteria(&w.tx, sheet_id).await?;
    let mine = scores(&w.tx, sheet_id, Some(unit_id)).await?;
    let mut errors = tdkt_domain::error::Invalid::default();
    for c in &crits {
        let s = mine.iter().find(|s| s.criterion_id == c.id);
        if s.and_then(|s| s.self_points).is_none() {
            errors.push(format!("p_{}", c.id), format!("Tiêu chí {}: chưa chấm điểm", c.code));
        } else if c.evidence_required && s.is_none_or(|s| s.sha256.is_empty()) {
            errors.push(format!("f_{}", c.id), format!("Tiêu chí {}: cần tệp minh chứng", c.code));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    touch_entry(w, sheet_id, unit_id, Some("submitted")).await?;
    w.record("scoring.submit", "score_sheet", Some(sheet_id.to_string()), Some(unit_id), serde_json::json!({})).await
}

/// Moves the sheet to its next step: open → review (the block reviews) → final (the department
/// sets the final points) → closed (the results are published).
pub async fn advance(w: &mut WriteTx, sheet_id: i64, to: SheetStatus) -> StoreResult<()> {
    let s = sheet(&w.tx, sheet_id).await?;
    let ok = matches!(
        (s.status(), to),
        (SheetStatus::Open, SheetStatus::Review)
            | (SheetStatus::Review, SheetStatus::Final)
            | (SheetStatus::Final, SheetStatus::Closed)
    );
    if !ok {
        return Err(StoreError::invalid(
            "status",
            format!("không chuyển được từ “{}” sang “{}”", s.status().label(), to.label()),
        ));
    }
    w.exec(
        "UPDATE score_sheet SET status = ?, updated_at = ? WHERE id = ?",
        vec![to.code().into(), now_text().into(), sheet_id.into()],
    )
    .await?;
    w.record(
        "scoring.advance",
        "score_sheet",
        Some(sheet_id.to_string()),
        None,
        serde_json::json!({"from": s.status, "to": to.code()}),
    )
    .await
}

/// One member unit's totals at each stage and its rank by the points that count.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub role: String,
    pub status: String,
    pub own: Option<i64>,
    pub reviewed: Option<i64>,
    pub final_total: Option<i64>,
    pub total: i64,
    pub rank: usize,
}

/// The block's ranking: every member with its totals, highest total first.
pub async fn ranking(db: &Db, s: &Sheet) -> StoreResult<Vec<Ranked>> {
    let crits = criteria(&db.conn, s.id).await?;
    let all = scores(&db.conn, s.id, None).await?;
    let entries = entries(&db.conn, s.id).await?;
    let members = crate::org::group_members(db, s.group_id).await?;
    let kind_of = |id: i64| crits.iter().find(|c| c.id == id).map_or(CriterionKind::Normal, Criterion::kind);
    let stage_total = |unit: i64, pick: &dyn Fn(&Score) -> Option<i64>| {
        let mine: Vec<&Score> = all.iter().filter(|x| x.unit_id == unit).collect();
        if mine.iter().all(|x| pick(x).is_none()) {
            return None;
        }
        Some(rules::total(mine.iter().filter_map(|x| pick(x).map(|p| (kind_of(x.criterion_id), p)))))
    };
    let totals: Vec<(i64, i64)> =
        members.iter().map(|m| (m.unit_id, stage_total(m.unit_id, &|x: &Score| x.effective()).unwrap_or(0))).collect();
    let ranked = rules::rank(&totals);
    Ok(ranked
        .into_iter()
        .filter_map(|(unit, total, rank)| {
            let m = members.iter().find(|m| m.unit_id == unit)?;
            Some(Ranked {
                unit_id: unit,
                unit_name: m.unit_name.clone(),
                unit_path: m.unit_path.clone(),
                role: m.role.clone(),
                status: entries.iter().find(|e| e.unit_id == unit).map_or("draft".into(), |e| e.status.clone()),
                own: stage_total(unit, &|x: &Score| x.self_points),
                reviewed: stage_total(unit, &|x: &Score| x.review_points.or(x.self_points)),
                final_total: stage_total(unit, &|x: &Score| x.final_points),
                total,
                rank,
            })
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The vote

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Vote {
    pub id: i64,
    pub group_id: i64,
    pub status: String,
    pub pass_ratio: i64,
    pub members: i64,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

impl Vote {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

pub async fn vote_of_group(db: &impl ConnectionTrait, group_id: i64) -> StoreResult<Option<Vote>> {
    Ok(Vote::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, group_id, status, pass_ratio, members, opened_at, closed_at FROM block_vote WHERE group_id = ?",
        vec![group_id.into()],
    ))
    .one(db)
    .await?)
}

/// A proposal on the vote, with its count once the vote is closed.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct VoteItem {
    pub id: i64,
    pub position: i32,
    pub unit_id: i64,
    pub unit_name: String,
    pub award_code: String,
    pub agree: Option<i64>,
    pub disagree: Option<i64>,
    pub passed: Option<bool>,
    pub dossier_id: Option<i64>,
}

pub async fn vote_items(db: &impl ConnectionTrait, vote_id: i64) -> StoreResult<Vec<VoteItem>> {
    Ok(VoteItem::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT i.id, i.position, i.unit_id, u.name AS unit_name, i.award_code, i.agree, i.disagree, i.passed, i.dossier_id \
         FROM block_vote_item i JOIN unit u ON u.id = i.unit_id WHERE i.vote_id = ? ORDER BY i.position",
        vec![vote_id.into()],
    ))
    .all(db)
    .await?)
}

/// Opens the vote at the block's review conference: the proposals (a unit for an award), the
/// province's pass ratio (thousandths) and the number of member units.
pub async fn open_vote(w: &mut WriteTx, group_id: i64, items: &[(i64, String)], pass_ratio: i64) -> StoreResult<i64> {
    if vote_of_group(&w.tx, group_id).await?.is_some() {
        return Err(StoreError::invalid("vote", "khối đã tổ chức bỏ phiếu suy tôn của năm"));
    }
    if items.is_empty() {
        return Err(StoreError::invalid("items", "chọn ít nhất một đơn vị để suy tôn"));
    }
    let members = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM emulation_group_member WHERE group_id = ?",
        vec![group_id.into()],
    )
    .await?;
    let member_ids = IdRow::find_by_statement(stmt(
        w.backend(),
        "SELECT unit_id AS id FROM emulation_group_member WHERE group_id = ?",
        vec![group_id.into()],
    ))
    .all(&w.tx)
    .await?;
    for (u, _) in items {
        if !member_ids.iter().any(|m| m.id == *u) {
            return Err(StoreError::invalid("items", "chỉ suy tôn đơn vị thành viên của khối"));
        }
    }
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO block_vote (group_id, status, pass_ratio, members, opened_at) VALUES (?, 'open', ?, ?, ?) RETURNING id",
        vec![group_id.into(), pass_ratio.into(), (members as i64).into(), now_text().into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("cuộc bỏ phiếu vừa mở"))?
    .id;
    for (i, (unit, award)) in items.iter().enumerate() {
        w.exec(
            "INSERT INTO block_vote_item (vote_id, position, unit_id, award_code) VALUES (?, ?, ?, ?)",
            vec![id.into(), (i as i32).into(), (*unit).into(), award.clone().into()],
        )
        .await
        .map_err(|_| StoreError::invalid("items", "một đơn vị được đề nghị hai lần cho cùng một hình thức"))?;
    }
    w.record(
        "block_vote.open",
        "block_vote",
        Some(id.to_string()),
        None,
        serde_json::json!({"group": group_id, "items": items.len(), "pass_ratio": pass_ratio, "members": members}),
    )
    .await?;
    Ok(id)
}

/// Whether a member unit has voted.
pub async fn has_voted(db: &impl ConnectionTrait, vote_id: i64, unit_id: i64) -> StoreResult<bool> {
    Ok(crate::org::count(
        db,
        "SELECT COUNT(*) AS n FROM block_voted WHERE vote_id = ? AND unit_id = ?",
        vec![vote_id.into(), unit_id.into()],
    )
    .await?
        > 0)
}

/// How many member units have voted (not what they chose).
pub async fn voted_count(db: &impl ConnectionTrait, vote_id: i64) -> StoreResult<u64> {
    crate::org::count(db, "SELECT COUNT(*) AS n FROM block_voted WHERE vote_id = ?", vec![vote_id.into()]).await
}

/// Casts a member unit's ballot: agree or not on every proposal, once.
pub async fn cast(w: &mut WriteTx, vote_id: i64, unit_id: i64, choices: &[(i64, bool)]) -> StoreResult<()> {
    let v = Vote::find_by_statement(stmt(
        w.backend(),
        "SELECT id, group_id, status, pass_ratio, members, opened_at, closed_at FROM block_vote WHERE id = ?",
        vec![vote_id.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("cuộc bỏ phiếu"))?;
    if !v.is_open() {
        return Err(StoreError::invalid("vote", "cuộc bỏ phiếu đã kết thúc"));
    }
    let member = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM emulation_group_member WHERE group_id = ? AND unit_id = ?",
        vec![v.group_id.into(), unit_id.into()],
    )
    .await?;
    if member == 0 {
        return Err(StoreError::invalid("vote", "chỉ đơn vị thành viên của khối được bỏ phiếu"));
    }
    let items = vote_items(&w.tx, vote_id).await?;
    if choices.len() != items.len() || items.iter().any(|i| !choices.iter().any(|(c, _)| *c == i.id)) {
        return Err(StoreError::invalid("vote", "cần cho ý kiến đồng ý hoặc không đồng ý với từng đề nghị"));
    }
    if has_voted(&w.tx, vote_id, unit_id).await? {
        return Err(StoreError::invalid("vote", "đơn vị đã bỏ phiếu; mỗi đơn vị chỉ bỏ một phiếu"));
    }
    let keys = crate::council::ballot_keys(choices.len());
    w.exec("INSERT INTO block_voted (vote_id, unit_id) VALUES (?, ?)", vec![vote_id.into(), unit_id.into()])
        .await
        .map_err(|_| StoreError::invalid("vote", "đơn vị đã bỏ phiếu; mỗi đơn vị chỉ bỏ một phiếu"))?;
    for ((item, agree), key) in choices.iter().zip(keys) {
        w.exec(
            "INSERT INTO block_ballot (key, item_id, agree) VALUES (?, ?, ?)",
            vec![key.into(), (*item).into(), (*agree).into()],
        )
        .await?;
    }
    // The audit entry says who voted, never what.
    w.record("block_vote.cast", "block_vote", Some(vote_id.to_string()), Some(unit_id), serde_json::json!({})).await
}

#[derive(FromQueryResult)]
struct Tally {
    item_id: i64,
    agree: i64,
    total: i64,
}

/// Closes the vote: counts every proposal, marks those at least the pass ratio of all member
/// units agreed to, and records the units acclaimed for the emulation flag as leading the block
/// in its year (which the engine reads). Returns the proposals with their counts.
pub async fn close_vote(w: &mut WriteTx, vote_id: i64, flag_code: &str) -> StoreResult<Vec<VoteItem>> {
    let v = Vote::find_by_statement(stmt(
        w.backend(),
        "SELECT id, group_id, status, pass_ratio, members, opened_at, closed_at FROM block_vote WHERE id = ?",
        vec![vote_id.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("cuộc bỏ phiếu"))?;
    if !v.is_open() {
        return Err(StoreError::invalid("vote", "cuộc bỏ phiếu đã kết thúc"));
    }
    let tallies = Tally::find_by_statement(stmt(
        w.backend(),
        "SELECT b.item_id, SUM(CASE WHEN b.agree THEN 1 ELSE 0 END) AS agree, COUNT(*) AS total \
         FROM block_ballot b JOIN block_vote_item i ON i.id = b.item_id WHERE i.vote_id = ? GROUP BY b.item_id",
        vec![vote_id.into()],
    ))
    .all(&w.tx)
    .await?;
    #[derive(FromQueryResult)]
    struct Year {
        year: i32,
    }
    let year = Year::find_by_statement(stmt(
        w.backend(),
        "SELECT year FROM emulation_group WHERE id = ?",
        vec![v.group_id.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("khối, cụm thi đua"))?
    .year;
    for item in vote_items(&w.tx, vote_id).await? {
        let t = tallies.iter().find(|t| t.item_id == item.id);
        let (agree, total) = t.map_or((0, 0), |t| (t.agree, t.total));
        let passed = rules::vote_passes(agree, v.members, v.pass_ratio);
        w.exec(
            "UPDATE block_vote_item SET agree = ?, disagree = ?, passed = ? WHERE id = ?",
            vec![agree.into(), (total - agree).into(), passed.into(), item.id.into()],
        )
        .await?;
        if passed && item.award_code == flag_code {
            w.exec(
                "INSERT INTO block_lead (unit_id, year, group_id, organiser) VALUES (?, ?, ?, 'tinh') ON CONFLICT DO NOTHING",
                vec![item.unit_id.into(), year.into(), v.group_id.into()],
            )
            .await?;
        }
    }
    reshuffle(w, vote_id).await?;
    w.exec(
        "UPDATE block_vote SET status = 'closed', closed_at = ? WHERE id = ?",
        vec![now_text().into(), vote_id.into()],
    )
    .await?;
    let items = vote_items(&w.tx, vote_id).await?;
    w.record(
        "block_vote.close",
        "block_vote",
        Some(vote_id.to_string()),
        None,
        serde_json::json!({"items": items.iter().map(|i| serde_json::json!({"unit": i.unit_id, "award": i.award_code, "agree": i.agree, "disagree": i.disagree, "passed": i.passed})).collect::<Vec<_>>()}),
    )
    .await?;
    Ok(items)
}

/// Writes the vote's ballots again in a random order under new keys, in the closing transaction.
async fn reshuffle(w: &mut WriteTx, vote_id: i64) -> StoreResult<()> {
    #[derive(FromQueryResult)]
    struct Ballot {
        item_id: i64,
        agree: bool,
    }
    let mut ballots = Ballot::find_by_statement(stmt(
        w.backend(),
        "SELECT b.item_id, b.agree FROM block_ballot b JOIN block_vote_item i ON i.id = b.item_id WHERE i.vote_id = ?",
        vec![vote_id.into()],
    ))
    .all(&w.tx)
    .await?;
    {
        use rand::seq::SliceRandom;
        ballots.shuffle(&mut rand::rng());
    }
    let keys = crate::council::ballot_keys(ballots.len());
    w.exec(
        "DELETE FROM block_ballot WHERE item_id IN (SELECT id FROM block_vote_item WHERE vote_id = ?)",
        vec![vote_id.into()],
    )
    .await?;
    for (b, key) in ballots.into_iter().zip(keys) {
        w.exec(
            "INSERT INTO block_ballot (key, item_id, agree) VALUES (?, ?, ?)",
            vec![key.into(), b.item_id.into(), b.agree.into()],
        )
        .await?;
    }
    Ok(())
}

/// Links a passed proposal to the dossier made for it; refused when it already has one (two
/// requests made it at once: the later is rolled back).
pub async fn set_item_dossier(w: &mut WriteTx, item_id: i64, dossier_id: i64) -> StoreResult<()> {
    let n = w
        .exec(
            "UPDATE block_vote_item SET dossier_id = ? WHERE id = ? AND passed = ? AND dossier_id IS NULL",
            vec![dossier_id.into(), item_id.into(), true.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid("vote", "đề nghị này đã có hồ sơ"));
    }
    Ok(())
}

/// The years a unit was acclaimed leader of its block or cluster (the engine's `led_blocks`).
pub async fn led_blocks(db: &impl ConnectionTrait, unit_id: i64) -> StoreResult<Vec<(i32, String)>> {
    #[derive(FromQueryResult)]
    struct Row {
        year: i32,
        organiser: String,
    }
    Ok(Row::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT year, organiser FROM block_lead WHERE unit_id = ? ORDER BY year",
        vec![unit_id.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| (r.year, r.organiser))
    .collect())
}
