//! The public portal's side of the dossiers: the nominees on public posting (law.md §4.3), and
//! what the public says about them. A comment waits (`pending`) until the office accepts it for
//! the council or rejects it with a note; nothing a visitor sends is shown publicly.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};

/// A nominee on public posting.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Posted {
    pub nominee_id: i64,
    pub dossier_id: i64,
    pub name: String,
    pub is_person: bool,
    pub position: Option<String>,
    pub unit_name: String,
    pub award_name: String,
    pub year: i32,
    pub proposing_unit: String,
    pub posted_on: NaiveDate,
}

const POSTED_SELECT: &str = "SELECT n.id AS nominee_id, d.id AS dossier_id, COALESCE(p.full_name, cu.name) AS name, \
     CASE WHEN n.person_id IS NULL THEN FALSE ELSE TRUE END AS is_person, p.position, \
     COALESCE(pu.name, cu.name) AS unit_name, t.name AS award_name, n.year, du.name AS proposing_unit, d.posted_on \
     FROM dossier_nominee n JOIN dossier d ON d.id = n.dossier_id JOIN unit du ON du.id = d.unit_id \
     JOIN award_type t ON t.code = n.award_code \
     LEFT JOIN person p ON p.id = n.person_id LEFT JOIN unit pu ON pu.id = p.unit_id \
     LEFT JOIN unit cu ON cu.id = n.unit_id \
     WHERE d.status = 'posting' AND d.posted_on IS NOT NULL";

/// Every nominee on posting now, the most recently posted first.
pub async fn posted(db: &Db) -> StoreResult<Vec<Posted>> {
    Ok(Posted::find_by_statement(stmt(
        db.backend(),
        &format!("{POSTED_SELECT} ORDER BY d.posted_on DESC, d.id, n.id"),
        vec![],
    ))
    .all(&db.conn)
    .await?)
}

/// A nominee whose dossier is on posting now, or `None` (never posted, or the office has ended
/// the posting; comments are taken until it does).
pub async fn posted_nominee(db: &impl ConnectionTrait, nominee_id: i64) -> StoreResult<Option<Posted>> {
    Ok(Posted::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{POSTED_SELECT} AND n.id = ?"),
        vec![nominee_id.into()],
    ))
    .one(db)
    .await?)
}

/// What a visitor sends.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    pub author: String,
    pub contact: String,
    pub content: String,
    pub client: String,
}

/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;
/// Comments one client may send in an hour.
pub const MAX_COMMENTS_PER_HOUR: u64 = 10;

/// Records a comment on a nominee on posting; refuses bad input with the field named.
pub async fn add_comment(w: &mut WriteTx, nominee_id: i64, c: &NewComment) -> StoreResult<i64> {
    let author = text::clean(&c.author);
    let contact = text::clean(&c.contact);
    // The sender's paragraphs are kept: each line is cleaned, and blank lines run together.
    let mut content = String::new();
    for line in c.content.lines().map(text::clean) {
        if !(line.is_empty() && (content.is_empty() || content.ends_with("\n\n"))) {
            content.push_str(&line);
            content.push('\n');
        }
    }
    let content = content.trim_end().to_string();
    if author.is_empty() {
        return Err(StoreError::invalid("author", "cần ghi họ tên người góp ý"));
    }
    if author.chars().count() > 200 || contact.chars().count() > 200 {
        return Err(StoreError::invalid("author", "họ tên và địa chỉ liên hệ không quá 200 ký tự"));
    }
    if content.chars().count() < 10 {
        return Err(StoreError::invalid("content", "nội dung góp ý cần ít nhất 10 ký tự"));
    }
    if content.chars().count() > MAX_COMMENT_CHARS {
        return Err(StoreError::invalid("content", format!("nội dung góp ý không quá {MAX_COMMENT_CHARS} ký tự")));
    }
    let Some(n) = posted_nominee(&w.tx, nominee_id).await? else {
        return Err(StoreError::NotFound("người, tập thể đang được công khai"));
    };
    let hour_ago =
        (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let recent = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM public_comment WHERE client = ? AND created_at > ?",
        vec![c.client.clone().into(), hour_ago.into()],
    )
    .await?;
    if recent >= MAX_COMMENTS_PER_HOUR {
        return Err(StoreError::invalid("content", "bạn đã gửi nhiều ý kiến trong một giờ; hãy thử lại sau"));
    }
    let id = crate::org::IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO public_comment (nominee_id, dossier_id, author, contact, content, status, client, created_at) \
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
        vec![
            nominee_id.into(),
            n.dossier_id.into(),
            author.into(),
            contact.into(),
            content.into(),
            c.client.clone().into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("ý kiến vừa gửi"))?
    .id;
    w.record(
        "dossier.public_comment",
        "dossier",
        Some(n.dossier_id.to_string()),
        None,
        serde_json::json!({"comment_id": id, "nominee_id": nominee_id, "nominee": n.name}),
    )
    .await?;
    Ok(id)
}

/// A comment as the office and the council read it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Comment {
    pub id: i64,
    pub nominee_id: i64,
    pub nominee_name: String,
    pub author: String,
    pub contact: String,
    pub content: String,
    pub status: String,
    pub created_at: String,
    pub moderation_note: String,
}

impl Comment {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "accepted" => "Đã tiếp nhận, trình Hội đồng",
            "rejected" => "Không tiếp nhận",
            _ => "Chờ xem xét",
        }
    }
}

/// The comments on a dossier's nominees; `accepted_only` for readers other than the office.
pub async fn comments(db: &impl ConnectionTrait, dossier_id: i64, accepted_only: bool) -> StoreResult<Vec<Comment>> {
    let only = if accepted_only { " AND c.status = 'accepted'" } else { "" };
    Ok(Comment::find_by_statement(stmt(
        db.get_database_backend(),
        &format!(
            "SELECT c.id, c.nominee_id, COALESCE(p.full_name, u.name) AS nominee_name, c.author, c.contact, c.content, \
             c.status, c.created_at, c.moderation_note FROM public_comment c \
             JOIN dossier_nominee n ON n.id = c.nominee_id LEFT JOIN person p ON p.id = n.person_id \
             LEFT JOIN unit u ON u.id = n.unit_id WHERE c.dossier_id = ?{only} ORDER BY c.created_at, c.id"
        ),
        vec![dossier_id.into()],
    ))
    .all(db)
    .await?)
}

/// The office accepts a pending comment for the council, or rejects it with a note.
pub async fn moderate(
    w: &mut WriteTx,
    dossier_id: i64,
    comment_id: i64,
    accept: bool,
    note: &str,
    user_id: Option<i64>,
) -> StoreResult<()> {
    let note = text::clean(note);
    if !accept && note.is_empty() {
        return Err(StoreError::invalid("note", "cần ghi lý do không tiếp nhận ý kiến"));
    }
    let status = if accept { "accepted" } else { "rejected" };
    let n = w
        .exec(
            "UPDATE public_comment SET status = ?, moderation_note = ?, moderated_by = ?, moderated_at = ? \
             WHERE id = ? AND dossier_id = ? AND status = 'pending'",
            vec![
                status.into(),
                note.clone().into(),
                user_id.into(),
                now_text().into(),
                comment_id.into(),
                dossier_id.into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid("comment", "ý kiến này đã được xem xét hoặc không thuộc hồ sơ"));
    }
    w.record(
        "dossier.moderate_comment",
        "dossier",
        Some(dossier_id.to_string()),
        None,
        serde_json::json!({"comment_id": comment_id, "status": status, "note": note}),
    )
    .await
}
