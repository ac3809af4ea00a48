//! Movements, registration and covenants (module 5): the movements a unit launches to the units
//! below it (or to a block) with their reviews, each unit's registration of the titles it aims
//! for and its targets, taken through the block head and the department, and each block's
//! covenant with the acceptance of every member unit's leader.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::emulation::{MovementKind, MovementStatus, RegStatus, ReviewKind};
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::IdRow;

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Movement {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub kind: String,
    pub name: String,
    pub year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub register_by: Option<NaiveDate>,
    pub criteria: String,
    pub anniversaries: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub plan_id: Option<i64>,
    pub status: String,
    pub launched_at: Option<String>,
}

impl Movement {
    pub fn kind(&self) -> MovementKind {
        MovementKind::parse(&self.kind).unwrap_or(MovementKind::Regular)
    }
    pub fn status(&self) -> MovementStatus {
        MovementStatus::parse(&self.status).unwrap_or(MovementStatus::Draft)
    }
}

const MOVEMENT_SELECT: &str = "SELECT m.id, m.unit_id, u.name AS unit_name, u.path AS unit_path, m.kind, m.name, m.year, \
     m.starts_on, m.ends_on, m.register_by, m.criteria, m.anniversaries, m.group_id, g.name AS group_name, m.plan_id, \
     m.status, m.launched_at FROM movement m JOIN unit u ON u.id = m.unit_id LEFT JOIN emulation_group g ON g.id = m.group_id";

pub async fn movements(db: &Db, year: Option<i32>) -> StoreResult<Vec<Movement>> {
    let (filter, values): (&str, Vec<Value>) = match year {
        Some(y) => (" WHERE m.year = ?", vec![y.into()]),
        None => ("", vec![]),
    };
    Ok(Movement::find_by_statement(stmt(
        db.backend(),
        &format!("{MOVEMENT_SELECT}{filter} ORDER BY m.year DESC, m.starts_on, m.id"),
        values,
    ))
    .all(&db.conn)
    .await?)
}

pub async fn movement(db: &impl ConnectionTrait, id: i64) -> StoreResult<Movement> {
    Movement::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{MOVEMENT_SELECT} WHERE m.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("phong trào thi đua"))
}

/// The movements a unit takes part in (launched, or closed since): launched by the unit or a unit
/// above it, to every unit below or to a block the unit belongs to.
pub async fn for_unit(db: &Db, unit_id: i64, unit_path: &str) -> StoreResult<Vec<Movement>> {
    Ok(Movement::find_by_statement(stmt(
        db.backend(),
        &format!(
            "{MOVEMENT_SELECT} WHERE m.status IN ('launched', 'closed') AND ? LIKE u.path || '%' AND (m.group_id IS NULL OR EXISTS \
             (SELECT 1 FROM emulation_group_member x WHERE x.group_id = m.group_id AND x.unit_id = ?)) \
             ORDER BY m.year DESC, m.starts_on, m.id"
        ),
        vec![unit_path.into(), unit_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

/// A movement as the launching unit writes it.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub unit_id: i64,
    pub kind: MovementKind,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub register_by: Option<NaiveDate>,
    pub criteria: String,
    pub anniversaries: String,
    pub group_id: Option<i64>,
    pub plan_id: Option<i64>,
}

fn paragraphs(s: &str) -> String {
    s.lines().map(text::clean).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Creates a movement as a draft; refuses a period that ends before it starts.
pub async fn create_movement(w: &mut WriteTx, m: &NewMovement) -> StoreResult<i64> {
    let name = text::clean(&m.name);
    if name.is_empty() {
        return Err(StoreError::invalid("name", "cần ghi tên phong trào"));
    }
    if m.ends_on < m.starts_on {
        return Err(StoreError::invalid("ends_on", "ngày kết thúc trước ngày bắt đầu"));
    }
    if m.register_by.is_some_and(|r| r > m.ends_on) {
        return Err(StoreError::invalid("register_by", "hạn đăng ký sau ngày kết thúc phong trào"));
    }
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO movement (unit_id, kind, name, year, starts_on, ends_on, register_by, criteria, anniversaries, group_id, \
         plan_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?) RETURNING id",
        vec![
            m.unit_id.into(),
            m.kind.code().into(),
            name.clone().into(),
            chrono::Datelike::year(&m.starts_on).into(),
            m.starts_on.into(),
            m.ends_on.into(),
            m.register_by.into(),
            paragraphs(&m.criteria).into(),
            paragraphs(&m.anniversaries).into(),
            m.group_id.into(),
            m.plan_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("phong trào vừa thêm"))?
    .id;
    w.record("movement.create", "movement", Some(id.to_string()), Some(m.unit_id), serde_json::json!({"name": name}))
        .await?;
    Ok(id)
}

/// Launches a draft movement (units see it) or closes a launched one after its final review.
pub async fn set_status(w: &mut WriteTx, id: i64, to: MovementStatus) -> StoreResult<()> {
    let m = movement(&w.tx, id).await?;
    let ok = matches!(
        (m.status(), to),
        (MovementStatus::Draft, MovementStatus::Launched) | (MovementStatus::Launched, MovementStatus::Closed)
    );
    if !ok {
        return Err(StoreError::invalid("status", format!("phong trào đang “{}”", m.status().label())));
    }
    let launched = (to == MovementStatus::Launched).then(now_text);
    w.exec(
        "UPDATE movement SET status = ?, launched_at = COALESCE(?, launched_at) WHERE id = ?",
        vec![to.code().into(), launched.into(), id.into()],
    )
    .await?;
    w.record("movement.status", "movement", Some(id.to_string()), Some(m.unit_id), serde_json::json!({"to": to.code()}))
        .await
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Review {
    pub id: i64,
    pub kind: String,
    pub held_on: NaiveDate,
    pub summary: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
}

pub async fn reviews(db: &impl ConnectionTrait, movement_id: i64) -> StoreResult<Vec<Review>> {
    Ok(Review::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, kind, held_on, summary, file_name, media_type, sha256 FROM movement_review WHERE movement_id = ? \
         ORDER BY held_on, id",
        vec![movement_id.into()],
    ))
    .all(db)
    .await?)
}

/// Records a mid-term or final review with its report (a file already in the store).
pub async fn add_review(
    w: &mut WriteTx,
    movement_id: i64,
    kind: ReviewKind,
    held_on: NaiveDate,
    summary: &str,
    file: Option<crate::files::StoredFile>,
) -> StoreResult<i64> {
    let m = movement(&w.tx, movement_id).await?;
    if m.status() == MovementStatus::Draft {
        return Err(StoreError::invalid("kind", "phong trào chưa được phát động"));
    }
    let summary = paragraphs(summary);
    if summary.is_empty() {
        return Err(StoreError::invalid("summary", "cần ghi tóm tắt kết quả sơ kết, tổng kết"));
    }
    let crate::files::StoredFile { name, media_type: media, size, sha256: sha } = file.unwrap_or_default();
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO movement_review (movement_id, kind, held_on, summary, file_name, media_type, size, sha256, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            movement_id.into(),
            kind.code().into(),
            held_on.into(),
            summary.into(),
            text::clean(&name).into(),
            media.into(),
            size.into(),
            sha.into(),
            w.actor.user_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("báo cáo vừa thêm"))?
    .id;
    w.record(
        "movement.review",
        "movement",
        Some(movement_id.to_string()),
        Some(m.unit_id),
        serde_json::json!({"review": id, "kind": kind.code(), "held_on": held_on}),
    )
    .await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Registration

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Registration {
    pub id: i64,
    pub movement_id: i64,
    pub unit_id: i64,
    pub status: String,
    pub targets: String,
    pub return_reason: String,
    pub submitted_at: Option<String>,
}

impl Registration {
    pub fn status(&self) -> RegStatus {
        RegStatus::parse(&self.status).unwrap_or(RegStatus::Draft)
    }
}

pub async fn registration(
    db: &impl ConnectionTrait,
    movement_id: i64,
    unit_id: i64,
) -> StoreResult<Option<Registration>> {
    Ok(Registration::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, movement_id, unit_id, status, targets, return_reason, submitted_at FROM registration \
         WHERE movement_id = ? AND unit_id = ?",
        vec![movement_id.into(), unit_id.into()],
    ))
    .one(db)
    .await?)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct RegItem {
    pub id: i64,
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
    pub position: Option<String>,
    pub award_code: String,
    pub note: String,
}

pub async fn items(db: &impl ConnectionTrait, registration_id: i64) -> StoreResult<Vec<RegItem>> {
    Ok(RegItem::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT i.id, i.person_id, p.full_name AS person_name, p.position, i.award_code, i.note FROM registration_item i \
         LEFT JOIN person p ON p.id = i.person_id WHERE i.registration_id = ? ORDER BY i.person_id IS NOT NULL, p.sort_key, i.id",
        vec![registration_id.into()],
    ))
    .all(db)
    .await?)
}

/// What a unit registers: its targets, and each title aimed for (by the collective when the
/// person is `None`).
#[derive(Debug, Clone, Default)]
pub struct RegistrationInput {
    pub targets: String,
    pub items: Vec<(Option<i64>, String)>,
}

/// Replaces the unit's registration while it is being prepared or was returned. Every person
/// must belong to the unit (or a unit below it). The caller has checked the award codes against
/// the catalogue.
pub async fn save_registration(
    w: &mut WriteTx,
    movement_id: i64,
    unit_id: i64,
    r: &RegistrationInput,
) -> StoreResult<i64> {
    let m = movement(&w.tx, movement_id).await?;
    if m.status() != MovementStatus::Launched || m.register_by.is_none() {
        return Err(StoreError::invalid("movement", "phong trào không nhận đăng ký"));
    }
    let existing = registration(&w.tx, movement_id, unit_id).await?;
    if let Some(e) = &existing
        && !matches!(e.status(), RegStatus::Draft | RegStatus::Returned)
    {
        return Err(StoreError::invalid(
            "registration",
            format!("đăng ký đang “{}”, không sửa được", e.status().label()),
        ));
    }
    let unit = crate::org::get_unit(&w.tx, unit_id).await?;
    for (person, code) in &r.items {
        if let Some(p) = person {
            let p = crate::org::get_person(&w.tx, *p).await?;
            if !p.unit_path.starts_with(&unit.path) {
                return Err(StoreError::invalid("items", format!("{} không thuộc {}", p.full_name, unit.name)));
            }
        }
        if code.trim().is_empty() {
            return Err(StoreError::invalid("items", "thiếu danh hiệu đăng ký"));
        }
    }
    let targets = paragraphs(&r.targets);
    let now = now_text();
    let id = match existing {
        Some(e) => {
            w.exec(
                "UPDATE registration SET targets = ?, updated_at = ? WHERE id = ?",
                vec![targets.into(), now.into(), e.id.into()],
            )
            .await?;
            w.exec("DELETE FROM registration_item WHERE registration_id = ?", vec![e.id.into()]).await?;
            e.id
        }
        None => IdRow::find_by_statement(stmt(
            w.backend(),
            "INSERT INTO registration (movement_id, unit_id, status, targets, updated_at) VALUES (?, ?, 'draft', ?, ?) RETURNING id",
            vec![movement_id.into(), unit_id.into(), targets.into(), now.into()],
        ))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("đăng ký vừa thêm"))?
        .id,
    };
    let mut seen: Vec<(Option<i64>, String)> = Vec::new();
    for (person, code) in &r.items {
        let key = (*person, code.trim().to_owned());
        if seen.contains(&key) {
            continue;
        }
        w.exec(
            "INSERT INTO registration_item (registration_id, person_id, award_code) VALUES (?, ?, ?)",
            vec![id.into(), (*person).into(), key.1.clone().into()],
        )
        .await?;
        seen.push(key);
    }
    w.record(
        "registration.save",
        "registration",
        Some(id.to_string()),
        Some(unit_id),
        serde_json::json!({"movement": movement_id, "items": seen.len()}),
    )
    .await?;
    Ok(id)
}

/// Moves a registration to the status the domain's `reg_transition` gave, with the reason for
/// a return.
pub async fn set_registration_status(
    w: &mut WriteTx,
    registration_id: i64,
    from: RegStatus,
    to: RegStatus,
    reason: &str,
) -> StoreResult<()> {
    let reason = text::clean(reason);
    if to == RegStatus::Returned && reason.is_empty() {
        return Err(StoreError::invalid("reason", "cần ghi lý do trả lại"));
    }
    let submitted = (to == RegStatus::Submitted).then(now_text);
    let n = w
        .exec(
            "UPDATE registration SET status = ?, return_reason = ?, submitted_at = COALESCE(?, submitted_at), updated_at = ? \
             WHERE id = ? AND status = ?",
            vec![to.code().into(), reason.clone().into(), submitted.into(), now_text().into(), registration_id.into(), from.code().into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid("registration", "đăng ký vừa được người khác thay đổi; hãy tải lại trang"));
    }
    #[derive(FromQueryResult)]
    struct U {
        unit_id: i64,
    }
    let unit = U::find_by_statement(stmt(
        w.backend(),
        "SELECT unit_id FROM registration WHERE id = ?",
        vec![registration_id.into()],
    ))
    .one(&w.tx)
    .await?
    .map(|u| u.unit_id);
    w.record(
        "registration.status",
        "registration",
        Some(registration_id.to_string()),
        unit,
        serde_json::json!({"from": from.code(), "to": to.code(), "reason": reason}),
    )
    .await
}

/// A unit's registration as listed for consolidation.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct RegRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub registration_id: Option<i64>,
    pub status: Option<String>,
    pub submitted_at: Option<String>,
    pub collective: i64,
    pub people: i64,
    pub titles: Option<String>,
}

/// The registrations of the given units (every unit with one when `None`), with those not yet
/// registered listed too when units are given.
pub async fn consolidation(db: &Db, movement_id: i64, units: Option<&[i64]>) -> StoreResult<Vec<RegRow>> {
    let base = "SELECT u.id AS unit_id, u.name AS unit_name, u.path AS unit_path, r.id AS registration_id, r.status, \
         r.submitted_at, COALESCE((SELECT COUNT(*) FROM registration_item i WHERE i.registration_id = r.id AND i.person_id IS NULL), 0) AS collective, \
         COALESCE((SELECT COUNT(*) FROM registration_item i WHERE i.registration_id = r.id AND i.person_id IS NOT NULL), 0) AS people, \
         (SELECT MIN(i.award_code) FROM registration_item i WHERE i.registration_id = r.id AND i.person_id IS NULL) AS titles";
    let (sql, values): (String, Vec<Value>) = match units {
        Some(ids) if !ids.is_empty() => {
            let marks = vec!["?"; ids.len()].join(", ");
            let mut v: Vec<Value> = vec![movement_id.into()];
            v.extend(ids.iter().map(|&i| Value::from(i)));
            (
                format!(
                    "{base} FROM unit u LEFT JOIN registration r ON r.unit_id = u.id AND r.movement_id = ? \
                     WHERE u.id IN ({marks}) ORDER BY u.sort_key"
                ),
                v,
            )
        }
        Some(_) => return Ok(Vec::new()),
        None => (
            format!(
                "{base} FROM registration r JOIN unit u ON u.id = r.unit_id WHERE r.movement_id = ? ORDER BY u.sort_key"
            ),
            vec![movement_id.into()],
        ),
    };
    Ok(RegRow::find_by_statement(stmt(db.backend(), &sql, values)).all(&db.conn).await?)
}

pub async fn registration_by_id(db: &impl ConnectionTrait, id: i64) -> StoreResult<Registration> {
    Registration::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, movement_id, unit_id, status, targets, return_reason, submitted_at FROM registration WHERE id = ?",
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("bản đăng ký thi đua"))
}

// ---------------------------------------------------------------------------------------------
// Covenants

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Covenant {
    pub id: i64,
    pub group_id: i64,
    pub title: String,
    pub body: String,
}

pub async fn covenant(db: &impl ConnectionTrait, group_id: i64) -> StoreResult<Option<Covenant>> {
    Ok(Covenant::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, group_id, title, body FROM covenant WHERE group_id = ?",
        vec![group_id.into()],
    ))
    .one(db)
    .await?)
}

/// Writes the block's covenant; once a member has signed, its text no longer changes.
pub async fn save_covenant(w: &mut WriteTx, group_id: i64, title: &str, body: &str) -> StoreResult<i64> {
    let (title, body) = (text::clean(title), paragraphs(body));
    if title.is_empty() || body.is_empty() {
        return Err(StoreError::invalid("body", "cần ghi tên và nội dung giao ước"));
    }
    let now = now_text();
    let id = match covenant(&w.tx, group_id).await? {
        Some(c) => {
            let signed = crate::org::count(
                &w.tx,
                "SELECT COUNT(*) AS n FROM covenant_signature WHERE covenant_id = ?",
                vec![c.id.into()],
            )
            .await?;
            if signed > 0 {
                return Err(StoreError::invalid("body", "đã có đơn vị ký giao ước; không sửa nội dung được nữa"));
            }
            w.exec(
                "UPDATE covenant SET title = ?, body = ?, updated_at = ? WHERE id = ?",
                vec![title.clone().into(), body.into(), now.into(), c.id.into()],
            )
            .await?;
            c.id
        }
        None => IdRow::find_by_statement(stmt(
            w.backend(),
            "INSERT INTO covenant (group_id, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            vec![group_id.into(), title.clone().into(), body.into(), now.clone().into(), now.into()],
        ))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("giao ước vừa thêm"))?
        .id,
    };
    w.record(
        "covenant.save",
        "covenant",
        Some(id.to_string()),
        None,
        serde_json::json!({"group": group_id, "title": title}),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Signature {
    pub unit_id: i64,
    pub unit_name: String,
    pub signer_name: String,
    pub signer_title: String,
    pub signed_at: String,
}

pub async fn signatures(db: &impl ConnectionTrait, covenant_id: i64) -> StoreResult<Vec<Signature>> {
    Ok(Signature::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT s.unit_id, u.name AS unit_name, s.signer_name, s.signer_title, s.signed_at FROM covenant_signature s \
         JOIN unit u ON u.id = s.unit_id WHERE s.covenant_id = ? ORDER BY s.signed_at",
        vec![covenant_id.into()],
    ))
    .all(db)
    .await?)
}

/// Records a member unit's leader accepting the covenant, once.
pub async fn sign(
    w: &mut WriteTx,
    covenant_id: i64,
    unit_id: i64,
    signer_name: &str,
    signer_title: &str,
) -> StoreResult<()> {
    let (name, title) = (text::clean(signer_name), text::clean(signer_title));
    if name.is_empty() || title.is_empty() {
        return Err(StoreError::invalid("signer_name", "cần ghi họ tên và chức vụ người ký"));
    }
    #[derive(FromQueryResult)]
    struct G {
        group_id: i64,
    }
    let g =
        G::find_by_statement(stmt(w.backend(), "SELECT group_id FROM covenant WHERE id = ?", vec![covenant_id.into()]))
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("giao ước"))?;
    let member = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM emulation_group_member WHERE group_id = ? AND unit_id = ?",
        vec![g.group_id.into(), unit_id.into()],
    )
    .await?;
    if member == 0 {
        return Err(StoreError::invalid("unit", "chỉ đơn vị thành viên của khối ký giao ước"));
    }
    let n = w
        .exec(
            "INSERT INTO covenant_signature (covenant_id, unit_id, signer_name, signer_title, signed_by, signed_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            vec![
                covenant_id.into(),
                unit_id.into(),
                name.clone().into(),
                title.clone().into(),
                w.actor.user_id.into(),
                now_text().into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::invalid("unit", "đơn vị đã ký giao ước"));
    }
    w.record(
        "covenant.sign",
        "covenant",
        Some(covenant_id.to_string()),
        Some(unit_id),
        serde_json::json!({"signer": name, "title": title}),
    )
    .await
}
