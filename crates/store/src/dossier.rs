//! Nomination dossiers: rounds, dossiers, nominees with the engine's verdict as it was when they
//! were added, typed documents (their content is in [`crate::files`]), the versions a unit sent,
//! and the queue the commendation office works from.
//!
//! Which step is allowed is decided by `tdkt_domain::dossier::transition` before anything here is
//! called; [`move_to`] only applies it, and refuses when someone else moved the dossier first
//! (the status it was read in is part of the update). The timeline of a dossier is its audit
//! entries: every function that changes one records an entry with object type `dossier`.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::dossier::{Action, DocKind, DossierKind, Status};
use tdkt_domain::text;

use crate::Page;
use crate::audit::WriteTx;
use crate::db::{Db, like_escape, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::{count, scope_sql};
use crate::registry::Holder;

#[derive(FromQueryResult)]
struct Id {
    id: i64,
}

/// A round of nominations (đợt xét khen thưởng).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Round {
    pub id: i64,
    pub year: i32,
    pub number: i32,
    pub name: String,
    pub submit_by: NaiveDate,
}

/// Every round, newest first.
pub async fn rounds(db: &Db) -> StoreResult<Vec<Round>> {
    Ok(Round::find_by_statement(stmt(
        db.backend(),
        "SELECT id, year, number, name, submit_by FROM dossier_round ORDER BY year DESC, number DESC",
        vec![],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn get_round(db: &impl ConnectionTrait, id: i64) -> StoreResult<Round> {
    Round::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, year, number, name, submit_by FROM dossier_round WHERE id = ?",
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("đợt xét khen thưởng"))
}

/// Opens a round; `name` defaults to "Đợt N năm YYYY".
pub async fn create_round(
    w: &mut WriteTx,
    year: i32,
    number: i32,
    name: &str,
    submit_by: NaiveDate,
) -> StoreResult<i64> {
    let name = text::clean(name);
    let name = if name.is_empty() { format!("Đợt {number} năm {year}") } else { name };
    let taken = count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM dossier_round WHERE year = ? AND number = ?",
        vec![year.into(), number.into()],
    )
    .await?;
    if taken > 0 {
        return Err(StoreError::invalid("number", format!("năm {year} đã có đợt {number}")));
    }
    let r = Id::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO dossier_round (year, number, name, submit_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        vec![year.into(), number.into(), name.clone().into(), submit_by.into(), now_text().into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("đợt vừa tạo"))?;
    w.record(
        "dossier_round.create",
        "dossier_round",
        Some(r.id.to_string()),
        None,
        serde_json::json!({"year": year, "number": number, "name": name, "submit_by": submit_by}),
    )
    .await?;
    Ok(r.id)
}

/// A dossier as its pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub round: Round,
    pub kind: DossierKind,
    pub simplified: bool,
    pub title: String,
    pub status: Status,
    /// Times sent; the version being prepared is `version + 1`.
    pub version: i32,
    /// The office's last reason (a return, a refusal).
    pub note: String,
    pub submitted_at: Option<String>,
    /// The day its nominees were posted publicly (law.md §4.3).
    pub posted_on: Option<NaiveDate>,
    pub created_at: String,
    pub updated_at: String,
}

impl Dossier {
    /// Still with the unit (not sent, or returned) after the round's last day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.unit_may_edit() && today > self.round.submit_by
    }
}

#[derive(FromQueryResult)]
struct DossierRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    round_id: i64,
    round_year: i32,
    round_number: i32,
    round_name: String,
    submit_by: NaiveDate,
    kind: String,
    simplified: bool,
    title: String,
    status: String,
    version: i32,
    note: String,
    submitted_at: Option<String>,
    posted_on: Option<NaiveDate>,
    created_at: String,
    updated_at: String,
}

const DOSSIER_COLS: &str = "d.id, d.unit_id, u.name AS unit_name, u.path AS unit_path, d.round_id, r.year AS round_year, \
     r.number AS round_number, r.name AS round_name, r.submit_by, d.kind, d.simplified, d.title, d.status, d.version, \
     d.note, d.submitted_at, d.posted_on, d.created_at, d.updated_at";
const DOSSIER_FROM: &str = "dossier d JOIN unit u ON u.id = d.unit_id JOIN dossier_round r ON r.id = d.round_id";

impl TryFrom<DossierRow> for Dossier {
    type Error = StoreError;
    fn try_from(r: DossierRow) -> StoreResult<Dossier> {
        let bad = |what: &str, v: &str| StoreError::Other(format!("hồ sơ {}: {what} “{v}” không hợp lệ", r.id));
        Ok(Dossier {
            kind: DossierKind::parse(&r.kind).ok_or_else(|| bad("loại", &r.kind))?,
            status: Status::parse(&r.status).ok_or_else(|| bad("trạng thái", &r.status))?,
            id: r.id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            unit_path: r.unit_path,
            round: Round {
                id: r.round_id,
                year: r.round_year,
                number: r.round_number,
                name: r.round_name,
                submit_by: r.submit_by,
            },
            simplified: r.simplified,
            title: r.title,
            version: r.version,
            note: r.note,
            submitted_at: r.submitted_at,
            posted_on: r.posted_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> StoreResult<Dossier> {
    DossierRow::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("SELECT {DOSSIER_COLS} FROM {DOSSIER_FROM} WHERE d.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("hồ sơ"))?
    .try_into()
}

/// What a unit fills in to open a dossier.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub unit_id: i64,
    pub round_id: i64,
    pub kind: DossierKind,
    pub simplified: bool,
    pub title: String,
}

pub async fn create(w: &mut WriteTx, d: &NewDossier) -> StoreResult<i64> {
    let title = text::clean(&d.title);
    if title.is_empty() {
        return Err(StoreError::invalid(
            "title",
            "cần ghi trích yếu của hồ sơ (ví dụ: Đề nghị tặng Bằng khen năm 2025)",
        ));
    }
    if title.chars().count() > 300 {
        return Err(StoreError::invalid("title", "trích yếu dài quá 300 ký tự"));
    }
    get_round(&w.tx, d.round_id)
        .await
        .map_err(|_| StoreError::invalid("round", "đợt xét khen thưởng không tồn tại"))?;
    // Simplified procedure: always for long service and foreign awards (Law Đ85).
    let simplified = d.simplified || d.kind.always_simplified();
    let now = now_text();
    let r = Id::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO dossier (unit_id, round_id, kind, simplified, title, search_key, status, created_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            d.unit_id.into(),
            d.round_id.into(),
            d.kind.code().into(),
            simplified.into(),
            title.clone().into(),
            text::fold(&title).into(),
            Status::Draft.code().into(),
            w.actor.user_id.into(),
            now.clone().into(),
            now.into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("hồ sơ vừa tạo"))?;
    w.record(
        "dossier.create",
        "dossier",
        Some(r.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({"title": title, "kind": d.kind.code(), "round_id": d.round_id, "simplified": simplified}),
    )
    .await?;
    Ok(r.id)
}

/// A nominee: a person or a collective proposed for an award, with the verdict as checked.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Nominee {
    pub id: i64,
    pub dossier_id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The person's or the collective's name.
    pub name: String,
    /// The person's unit, or the collective itself.
    pub unit_name: String,
    pub award_code: String,
    pub award_name: String,
    pub award_category: String,
    pub year: i32,
    /// `eligible`, `not_eligible` or `unknown` (the engine has no rule for it).
    pub verdict: String,
    pub verdict_json: String,
    pub checked_at: String,
}

impl Nominee {
    pub fn holder(&self) -> Holder {
        match self.person_id {
            Some(p) => Holder::Person(p),
            None => Holder::Unit(self.unit_id.unwrap_or_default()),
        }
    }
}

const NOMINEE_SELECT: &str = "SELECT n.id, n.dossier_id, n.person_id, n.unit_id, \
     COALESCE(p.full_name, cu.name) AS name, COALESCE(pu.name, cu.name) AS unit_name, \
     n.award_code, t.name AS award_name, t.category AS award_category, n.year, n.verdict, n.verdict_json, n.checked_at \
     FROM dossier_nominee n JOIN award_type t ON t.code = n.award_code \
     LEFT JOIN person p ON p.id = n.person_id LEFT JOIN unit pu ON pu.id = p.unit_id \
     LEFT JOIN unit cu ON cu.id = n.unit_id";

/// The nominees of a dossier, in the order they were added.
pub async fn nominees(db: &impl ConnectionTrait, dossier_id: i64) -> StoreResult<Vec<Nominee>> {
    Ok(Nominee::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{NOMINEE_SELECT} WHERE n.dossier_id = ? ORDER BY n.id"),
        vec![dossier_id.into()],
    ))
    .all(db)
    .await?)
}

/// A nominee to add, with the verdict the caller computed.
#[derive(Debug, Clone)]
pub struct NewNominee {
    pub holder: Holder,
    pub award_code: String,
    pub year: i32,
    pub verdict: String,
    pub verdict_json: String,
}

/// Adds a nominee. The holder must belong to the dossier's unit (or a unit below it); the same
/// holder, award and year twice in one dossier is refused.
pub async fn add_nominee(w: &mut WriteTx, d: &Dossier, n: &NewNominee) -> StoreResult<i64> {
    touch(w, d).await?;
    let (path, name) = match n.holder {
        Holder::Person(id) => {
            let p = crate::org::get_person(&w.tx, id).await?;
            (p.unit_path, p.full_name)
        }
        Holder::Unit(id) => {
            let u = crate::org::get_unit(&w.tx, id).await?;
            (u.path, u.name)
        }
    };
    if !path.starts_with(&d.unit_path) {
        return Err(StoreError::invalid("nominee", format!("{name} không thuộc {}", d.unit_name)));
    }
    let (col, id) = match n.holder {
        Holder::Person(id) => ("person_id", id),
        Holder::Unit(id) => ("unit_id", id),
    };
    let twice = count(
        &w.tx,
        &format!("SELECT COUNT(*) AS n FROM dossier_nominee WHERE dossier_id = ? AND {col} = ? AND award_code = ? AND year = ?"),
        vec![d.id.into(), id.into(), n.award_code.clone().into(), n.year.into()],
    )
    .await?;
    if twice > 0 {
        return Err(StoreError::invalid(
            "nominee",
            format!("{name} đã có trong hồ sơ với hình thức này, năm {}", n.year),
        ));
    }
    let now = now_text();
    let r = Id::find_by_statement(stmt(
        w.backend(),
        &format!(
            "INSERT INTO dossier_nominee (dossier_id, {col}, award_code, year, verdict, verdict_json, checked_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
        ),
        vec![
            d.id.into(),
            id.into(),
            n.award_code.clone().into(),
            n.year.into(),
            n.verdict.clone().into(),
            n.verdict_json.clone().into(),
            now.clone().into(),
            now.into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("người được đề nghị vừa thêm"))?;
    w.record(
        "dossier.add_nominee",
        "dossier",
        Some(d.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({"nominee": r.id, "name": name, "award": n.award_code, "year": n.year, "verdict": n.verdict}),
    )
    .await?;
    Ok(r.id)
}

pub async fn remove_nominee(w: &mut WriteTx, d: &Dossier, nominee_id: i64) -> StoreResult<()> {
    touch(w, d).await?;
    let all = nominees(&w.tx, d.id).await?;
    let n = all.iter().find(|n| n.id == nominee_id).ok_or(StoreError::NotFound("người được đề nghị"))?;
    w.exec("DELETE FROM dossier_nominee WHERE id = ? AND dossier_id = ?", vec![nominee_id.into(), d.id.into()]).await?;
    w.record(
        "dossier.remove_nominee",
        "dossier",
        Some(d.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({"nominee": n.id, "name": n.name, "award": n.award_code, "year": n.year}),
    )
    .await
}

/// A document of a dossier.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Document {
    pub id: i64,
    pub dossier_id: i64,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub added_in: i32,
    pub removed_in: Option<i32>,
    pub uploaded_at: String,
}

impl Document {
    pub fn doc_kind(&self) -> Option<DocKind> {
        DocKind::parse(&self.kind)
    }
}

const DOCUMENT_COLS: &str =
    "id, dossier_id, kind, file_name, media_type, size, sha256, added_in, removed_in, uploaded_at";

/// The documents the dossier holds now.
pub async fn documents(db: &impl ConnectionTrait, dossier_id: i64) -> StoreResult<Vec<Document>> {
    Ok(Document::find_by_statement(stmt(
        db.get_database_backend(),
        &format!(
            "SELECT {DOCUMENT_COLS} FROM dossier_document WHERE dossier_id = ? AND removed_in IS NULL ORDER BY id"
        ),
        vec![dossier_id.into()],
    ))
    .all(db)
    .await?)
}

/// One document, also one removed since (earlier versions still name it).
pub async fn document(db: &impl ConnectionTrait, dossier_id: i64, doc_id: i64) -> StoreResult<Document> {
    Document::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("SELECT {DOCUMENT_COLS} FROM dossier_document WHERE id = ? AND dossier_id = ?"),
        vec![doc_id.into(), dossier_id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("tài liệu"))
}

/// A document whose content is already in the file store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub kind: DocKind,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

pub async fn add_document(w: &mut WriteTx, d: &Dossier, doc: &NewDocument) -> StoreResult<i64> {
    touch(w, d).await?;
    let file_name = text::clean(&doc.file_name);
    let r = Id::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO dossier_document (dossier_id, kind, file_name, media_type, size, sha256, added_in, uploaded_by, uploaded_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            d.id.into(),
            doc.kind.code().into(),
            file_name.clone().into(),
            doc.media_type.clone().into(),
            doc.size.into(),
            doc.sha256.clone().into(),
            (d.version + 1).into(),
            w.actor.user_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("tài liệu vừa thêm"))?;
    w.record(
        "dossier.add_document",
        "dossier",
        Some(d.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({"document": r.id, "kind": doc.kind.code(), "file_name": file_name, "size": doc.size, "sha256": doc.sha256}),
    )
    .await?;
    Ok(r.id)
}

/// Removes a document from the dossier; the row and the file stay for the versions already sent.
pub async fn remove_document(w: &mut WriteTx, d: &Dossier, doc_id: i64) -> StoreResult<()> {
    touch(w, d).await?;
    let doc = document(&w.tx, d.id, doc_id).await?;
    if doc.removed_in.is_some() {
        return Err(StoreError::NotFound("tài liệu"));
    }
    if doc.added_in > d.version {
        // Never sent: nothing refers to it.
        w.exec("DELETE FROM dossier_document WHERE id = ?", vec![doc_id.into()]).await?;
    } else {
        w.exec("UPDATE dossier_document SET removed_in = ? WHERE id = ?", vec![(d.version + 1).into(), doc_id.into()])
            .await?;
    }
    w.record(
        "dossier.remove_document",
        "dossier",
        Some(d.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({"document": doc.id, "kind": doc.kind, "file_name": doc.file_name}),
    )
    .await
}

/// Claims the dossier for a change by its unit: it must still be with the unit, in the version
/// it was read in (an edit never lands in a dossier sent meanwhile).
async fn touch(w: &WriteTx, d: &Dossier) -> StoreResult<()> {
    let n = w
        .exec(
            "UPDATE dossier SET updated_at = ? WHERE id = ? AND status IN ('draft', 'returned') AND version = ?",
            vec![now_text().into(), d.id.into(), d.version.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid(
            "status",
            "hồ sơ vừa được gửi hoặc chuyển bước; đơn vị không sửa được nữa, hãy tải lại trang",
        ));
    }
    Ok(())
}

/// What a version holds: the nominees and documents as they were sent.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct VersionContent {
    pub nominees: Vec<VersionNominee>,
    pub documents: Vec<VersionDocument>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct VersionNominee {
    pub name: String,
    pub unit_name: String,
    pub award_code: String,
    pub award_name: String,
    pub year: i32,
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct VersionDocument {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub size: i64,
}

/// A version the unit sent.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub version: i32,
    pub submitted_at: String,
    pub content: VersionContent,
}

pub async fn versions(db: &impl ConnectionTrait, dossier_id: i64) -> StoreResult<Vec<Version>> {
    #[derive(FromQueryResult)]
    struct Row {
        version: i32,
        submitted_at: String,
        content: String,
    }
    let rows = Row::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT version, submitted_at, content FROM dossier_version WHERE dossier_id = ? ORDER BY version DESC",
        vec![dossier_id.into()],
    ))
    .all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let content = serde_json::from_str(&r.content)
                .map_err(|e| StoreError::Other(format!("phiên bản {} của hồ sơ {dossier_id}: {e}", r.version)))?;
            Ok(Version { version: r.version, submitted_at: r.submitted_at, content })
        })
        .collect()
}

/// Applies a transition the state machine allowed: `d.status` must still be the stored status,
/// or the dossier was moved by someone else meanwhile and nothing changes. Sending records the
/// version; the reason of a return or refusal is kept on the dossier and in the audit entry.
pub async fn move_to(w: &mut WriteTx, d: &Dossier, action: &Action, to: Status) -> StoreResult<()> {
    let now = now_text();
    let reason = match action {
        Action::Return { reason } | Action::Refuse { reason } => text::clean(reason),
        _ => String::new(),
    };
    let submit = *action == Action::Submit;
    let changed = if submit {
        w.exec(
            "UPDATE dossier SET status = ?, version = version + 1, submitted_at = ?, updated_at = ? WHERE id = ? AND status = ?",
            vec![to.code().into(), now.clone().into(), now.clone().into(), d.id.into(), d.status.code().into()],
        )
        .await?
    } else {
        let keep_note = reason.is_empty();
        w.exec(
            &format!(
                "UPDATE dossier SET status = ?, {} updated_at = ? WHERE id = ? AND status = ?",
                if keep_note { "" } else { "note = ?," }
            ),
            if keep_note {
                vec![to.code().into(), now.clone().into(), d.id.into(), d.status.code().into()]
            } else {
                vec![to.code().into(), reason.clone().into(), now.clone().into(), d.id.into(), d.status.code().into()]
            },
        )
        .await?
    };
    if changed == 0 {
        return Err(StoreError::invalid(
            "status",
            "hồ sơ vừa được người khác chuyển sang bước khác; hãy tải lại trang để xem trạng thái mới",
        ));
    }
    if to == Status::Posting {
        w.exec("UPDATE dossier SET posted_on = ? WHERE id = ?", vec![crate::db::today().into(), d.id.into()]).await?;
    }
    if submit {
        let nominees = nominees(&w.tx, d.id).await?;
        let documents = documents(&w.tx, d.id).await?;
        let content = VersionContent {
            nominees: nominees
                .into_iter()
                .map(|n| VersionNominee {
                    name: n.name,
                    unit_name: n.unit_name,
                    award_code: n.award_code,
                    award_name: n.award_name,
                    year: n.year,
                    verdict: n.verdict,
                })
                .collect(),
            documents: documents
                .into_iter()
                .map(|x| VersionDocument { id: x.id, kind: x.kind, file_name: x.file_name, size: x.size })
                .collect(),
        };
        let json = serde_json::to_string(&content).map_err(|e| StoreError::Other(e.to_string()))?;
        w.exec(
            "INSERT INTO dossier_version (dossier_id, version, submitted_at, content) VALUES (?, ?, ?, ?)",
            vec![d.id.into(), (d.version + 1).into(), now.into(), json.into()],
        )
        .await?;
    }
    let verb = match action {
        Action::Submit => "submit",
        Action::Withdraw => "withdraw",
        Action::StartAppraisal => "start_appraisal",
        Action::Return { .. } => "return",
        Action::Refuse { .. } => "refuse",
        Action::PassToCouncil => "pass",
        Action::EndPosting => "end_posting",
        Action::CloseVote => "close_vote",
        Action::Decide => "decide",
        Action::Forward => "forward",
    };
    let mut detail = serde_json::json!({"from": d.status.code(), "to": to.code()});
    if submit {
        detail["version"] = (d.version + 1).into();
    }
    if !reason.is_empty() {
        detail["reason"] = reason.into();
    }
    w.record(&format!("dossier.{verb}"), "dossier", Some(d.id.to_string()), Some(d.unit_id), detail).await
}

/// One line of the timeline: an audit entry of the dossier.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Step {
    pub seq: i64,
    pub at: String,
    pub actor_name: String,
    pub action: String,
    pub detail: String,
}

pub async fn timeline(db: &Db, dossier_id: i64) -> StoreResult<Vec<Step>> {
    Ok(Step::find_by_statement(stmt(
        db.backend(),
        "SELECT seq, at, actor_name, action, detail FROM audit_log WHERE object_type = 'dossier' AND object_id = ? ORDER BY seq",
        vec![dossier_id.to_string().into()],
    ))
    .all(&db.conn)
    .await?)
}

/// Filters of the dossier list; `scope` holds the unit paths the user may read.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub scope: Vec<String>,
    pub q: Option<String>,
    pub round_id: Option<i64>,
    pub kind: Option<DossierKind>,
    /// Only dossiers of this unit and the units below it.
    pub unit_path: Option<String>,
    pub statuses: Vec<Status>,
    /// Only dossiers still with the unit after their round's last day (see [`Dossier::overdue`]).
    pub overdue_on: Option<NaiveDate>,
}

/// A line of the queue.
#[derive(Debug, Clone, Serialize)]
pub struct DossierLine {
    pub dossier: Dossier,
    pub nominees: i64,
}

/// Dossiers in the scope: the oldest sent first (the office's queue), then those not sent.
pub async fn list(db: &Db, f: &DossierFilter, page: u64, per_page: u64) -> StoreResult<Page<DossierLine>> {
    let mut vals: Vec<Value> = vec![];
    let mut wh = vec![scope_sql("u.path", &f.scope, &mut vals)];
    for term in text::query_terms(f.q.as_deref().unwrap_or_default()) {
        wh.push("(d.search_key LIKE ? ESCAPE '\\' OR u.search_key LIKE ? ESCAPE '\\')".into());
        let pattern = format!("%{}%", like_escape(&term));
        vals.push(pattern.clone().into());
        vals.push(pattern.into());
    }
    if let Some(r) = f.round_id {
        wh.push("d.round_id = ?".into());
        vals.push(r.into());
    }
    if let Some(k) = f.kind {
        wh.push("d.kind = ?".into());
        vals.push(k.code().into());
    }
    if let Some(p) = &f.unit_path {
        wh.push("u.path LIKE ? ESCAPE '\\'".into());
        vals.push(format!("{}%", like_escape(p)).into());
    }
    if !f.statuses.is_empty() {
        wh.push(format!("d.status IN ({})", vec!["?"; f.statuses.len()].join(", ")));
        vals.extend(f.statuses.iter().map(|s| Value::from(s.code())));
    }
    if let Some(today) = f.overdue_on {
        wh.push("d.status IN ('draft', 'returned') AND r.submit_by < ?".into());
        vals.push(today.into());
    }
    let wh = wh.join(" AND ");
    let total = count(&db.conn, &format!("SELECT COUNT(*) AS n FROM {DOSSIER_FROM} WHERE {wh}"), vals.clone()).await?;
    #[derive(FromQueryResult)]
    struct Counted {
        id: i64,
        nominees: i64,
    }
    let mut v = vals;
    v.push((per_page as i64).into());
    v.push((((page.max(1) - 1) * per_page) as i64).into());
    let rows = DossierRow::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT {DOSSIER_COLS} FROM {DOSSIER_FROM} WHERE {wh} \
             ORDER BY CASE WHEN d.submitted_at IS NULL THEN 1 ELSE 0 END, d.submitted_at, d.id LIMIT ? OFFSET ?"
        ),
        v,
    ))
    .all(&db.conn)
    .await?;
    let ids: Vec<Value> = rows.iter().map(|r| r.id.into()).collect();
    let counts = if ids.is_empty() {
        vec![]
    } else {
        Counted::find_by_statement(stmt(
            db.backend(),
            &format!(
                "SELECT dossier_id AS id, COUNT(*) AS nominees FROM dossier_nominee WHERE dossier_id IN ({}) GROUP BY dossier_id",
                vec!["?"; ids.len()].join(", ")
            ),
            ids,
        ))
        .all(&db.conn)
        .await?
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let nominees = counts.iter().find(|c| c.id == r.id).map_or(0, |c| c.nominees);
            Ok(DossierLine { dossier: r.try_into()?, nominees })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page { items, page: page.max(1), per_page, total, total_capped: false })
}

/// Another dossier proposing the same holder for the same award and year (a duplicate across
/// units or rounds), not counting dossiers withdrawn or refused. A dossier outside `scope` (the
/// unit paths the reader may see) is reported without its title or unit.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct OtherNomination {
    pub dossier_id: i64,
    pub unit_name: String,
    pub title: String,
    pub status: String,
    pub visible: bool,
}

pub async fn other_nominations(db: &Db, n: &Nominee, scope: &[String]) -> StoreResult<Vec<OtherNomination>> {
    let (col, id) = match n.holder() {
        Holder::Person(id) => ("person_id", id),
        Holder::Unit(id) => ("unit_id", id),
    };
    let mut vals: Vec<Value> = vec![];
    let visible = scope_sql("u.path", scope, &mut vals);
    vals.extend([id.into(), n.award_code.clone().into(), n.year.into(), n.dossier_id.into()]);
    let rows = OtherNomination::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT d.id AS dossier_id, u.name AS unit_name, d.title, d.status, \
             CASE WHEN {visible} THEN 1 ELSE 0 END = 1 AS visible FROM dossier_nominee n \
             JOIN dossier d ON d.id = n.dossier_id JOIN unit u ON u.id = d.unit_id \
             WHERE n.{col} = ? AND n.award_code = ? AND n.year = ? AND n.dossier_id <> ? \
             AND d.status NOT IN ('withdrawn', 'refused') ORDER BY d.id"
        ),
        vals,
    ))
    .all(&db.conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|o| if o.visible { o } else { OtherNomination { unit_name: String::new(), title: String::new(), ..o } })
        .collect())
}

/// A public holiday the province entered.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
}

pub async fn holidays(db: &impl ConnectionTrait) -> StoreResult<Vec<Holiday>> {
    Ok(Holiday::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT day, name FROM holiday ORDER BY day",
        vec![],
    ))
    .all(db)
    .await?)
}

pub async fn add_holiday(w: &mut WriteTx, day: NaiveDate, name: &str) -> StoreResult<()> {
    let name = text::clean(name);
    if name.is_empty() {
        return Err(StoreError::invalid("name", "cần ghi tên ngày nghỉ (ví dụ: Tết Nguyên đán)"));
    }
    if count(&w.tx, "SELECT COUNT(*) AS n FROM holiday WHERE day = ?", vec![day.into()]).await? > 0 {
        return Err(StoreError::invalid("day", format!("ngày {} đã có trong danh sách", text::format_date(day))));
    }
    w.exec(
        "INSERT INTO holiday (day, name, created_at) VALUES (?, ?, ?)",
        vec![day.into(), name.clone().into(), now_text().into()],
    )
    .await?;
    w.record("holiday.add", "holiday", Some(day.to_string()), None, serde_json::json!({"name": name})).await
}

pub async fn delete_holiday(w: &mut WriteTx, day: NaiveDate) -> StoreResult<()> {
    if w.exec("DELETE FROM holiday WHERE day = ?", vec![day.into()]).await? == 0 {
        return Err(StoreError::NotFound("ngày nghỉ"));
    }
    w.record("holiday.delete", "holiday", Some(day.to_string()), None, serde_json::json!({})).await
}

/// People proposed for `award_code` (its primary code) with achievement year `year`, in a dossier
/// still under way or decided (not withdrawn or refused): "nominated" for bulk eligibility.
pub async fn nominated_people(
    db: &impl ConnectionTrait,
    award_code: &str,
    year: i32,
) -> StoreResult<std::collections::HashSet<i64>> {
    #[derive(FromQueryResult)]
    struct Row {
        person_id: i64,
    }
    Ok(Row::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT DISTINCT n.person_id FROM dossier_nominee n JOIN dossier d ON d.id = n.dossier_id \
         WHERE n.award_code = ? AND n.year = ? AND n.person_id IS NOT NULL AND d.status NOT IN (?, ?)",
        vec![award_code.into(), year.into(), Status::Withdrawn.code().into(), Status::Refused.code().into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| r.person_id)
    .collect())
}

/// The kind of award a dossier's kind gives in the registry (law.md §3.1).
pub fn award_kind(kind: DossierKind) -> tdkt_rules::history::AwardKind {
    use tdkt_rules::history::AwardKind;
    match kind {
        DossierKind::Regular => AwardKind::CongTrang,
        DossierKind::Thematic => AwardKind::ChuyenDe,
        DossierKind::AdHoc => AwardKind::DotXuat,
        DossierKind::LongService => AwardKind::CongHien,
        DossierKind::Foreign => AwardKind::DoiNgoai,
    }
}

/// Records what the higher authority decided on a forwarded dossier (`to` is `Decided` or
/// `Refused`, as `tdkt_domain::dossier::forwarded_outcome` allowed). When awarded, the decision
/// enters the registry with an award for each nominee the council passed; returns how many.
pub async fn record_outcome(
    w: &mut WriteTx,
    catalogue: &tdkt_rules::Catalogue,
    d: &Dossier,
    to: Status,
    decision: Option<&crate::registry::NewDecision>,
    note: &str,
) -> StoreResult<usize> {
    let note = text::clean(note);
    let changed = w
        .exec(
            "UPDATE dossier SET status = ?, note = ?, updated_at = ? WHERE id = ? AND status = ?",
            vec![
                to.code().into(),
                note.clone().into(),
                now_text().into(),
                d.id.into(),
                Status::Forwarded.code().into(),
            ],
        )
        .await?;
    if changed == 0 {
        return Err(StoreError::invalid(
            "status",
            "hồ sơ không còn ở trạng thái “Đã trình cấp trên”; hãy tải lại trang",
        ));
    }
    let mut awarded = 0;
    if let Some(dec) = decision {
        let decision_id = crate::registry::ensure_decision(w, dec).await?;
        let passed: Vec<i64> = crate::council::results_of_dossier(&w.tx, d.id)
            .await?
            .into_iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| n)
            .collect();
        for n in nominees(&w.tx, d.id).await?.into_iter().filter(|n| passed.contains(&n.id)) {
            let a = crate::registry::NewAward {
                holder: n.holder(),
                code: n.award_code.clone(),
                year: n.year,
                period_from: None,
                kind: award_kind(d.kind),
                decision_id: Some(decision_id),
            };
            crate::registry::add_award(w, catalogue, &a).await?;
            awarded += 1;
        }
    }
    w.record(
        "dossier.outcome",
        "dossier",
        Some(d.id.to_string()),
        Some(d.unit_id),
        serde_json::json!({
            "from": Status::Forwarded.code(), "to": to.code(), "awards": awarded,
            "decision": decision.map(|x| x.number.clone()), "reason": note
        }),
    )
    .await?;
    Ok(awarded)
}
