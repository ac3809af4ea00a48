//! The province's award decisions (quyết định khen thưởng) and the certificates they give.
//!
//! The office drafts a decision for one award from the nominees the council passed whose
//! dossiers wait for it ([`candidates`]); a nominee is in at most one decision (a key). Signing
//! ([`sign`]) is one transaction: it takes the next number of the issuer's yearly sequence, records
//! the decision and an award for each nominee in the registry, issues a certificate with a serial
//! and an unguessable verification code for each award, and moves every dossier whose passed
//! nominees are all decided to `Decided` through the domain's state machine.
//!
//! Numbers come from `number_sequence` by one upsert that returns the new value, so two servers
//! signing at once on PostgreSQL get different numbers, and a failed signing gives its number back
//! with the rollback.

use chrono::NaiveDate;
use rand::Rng;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::decision::{DecisionStatus, Multiple, number_text};
use tdkt_domain::dossier::{self as flow, Action, Facts, Status, Who};
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::org::IdRow;
use crate::registry::{Holder, NewAward, NewDecision};

/// A decision, draft or signed.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct AwardDecision {
    pub id: i64,
    pub issuer_unit_id: i64,
    pub award_code: String,
    pub award_name: String,
    pub round_id: Option<i64>,
    pub status: String,
    pub symbol: String,
    pub title: String,
    pub achievement: String,
    pub bases: String,
    pub executors: String,
    pub recipients: String,
    pub signer_title: String,
    pub person_multiple: Option<i64>,
    pub collective_multiple: Option<i64>,
    pub base_salary: Option<i64>,
    pub seq: Option<i64>,
    pub number: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub signer_name: String,
    pub decision_id: Option<i64>,
    pub version: i64,
    pub created_at: String,
    pub items: i64,
}

impl AwardDecision {
    pub fn status(&self) -> DecisionStatus {
        DecisionStatus::parse(&self.status).unwrap_or(DecisionStatus::Draft)
    }

    pub fn is_draft(&self) -> bool {
        self.status() == DecisionStatus::Draft
    }

    pub fn person_multiple(&self) -> Option<Multiple> {
        self.person_multiple.map(Multiple)
    }

    pub fn collective_multiple(&self) -> Option<Multiple> {
        self.collective_multiple.map(Multiple)
    }

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
    }

    pub fn base_lines(&self) -> Vec<String> {
        Self::lines(&self.bases)
    }

    pub fn recipient_lines(&self) -> Vec<String> {
        Self::lines(&self.recipients)
    }

    pub fn signer_title_lines(&self) -> Vec<String> {
        Self::lines(&self.signer_title)
    }
}

const DECISION_SELECT: &str = "SELECT d.id, d.issuer_unit_id, d.award_code, t.name AS award_name, d.round_id, d.status, \
     d.symbol, d.title, d.achievement, d.bases, d.executors, d.recipients, d.signer_title, d.person_multiple, \
     d.collective_multiple, d.base_salary, d.seq, d.number, d.signed_on, d.signer_name, d.decision_id, d.version, \
     d.created_at, (SELECT COUNT(*) FROM award_decision_item i WHERE i.decision_id = d.id) AS items \
     FROM award_decision d JOIN award_type t ON t.code = d.award_code";

pub async fn get(db: &impl ConnectionTrait, id: i64) -> StoreResult<AwardDecision> {
    AwardDecision::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{DECISION_SELECT} WHERE d.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(StoreError::NotFound("quyết định khen thưởng"))
}

/// Drafts first, then signed decisions, newest first.
pub async fn list(db: &Db) -> StoreResult<Vec<AwardDecision>> {
    Ok(AwardDecision::find_by_statement(stmt(
        db.backend(),
        &format!(
            "{DECISION_SELECT} ORDER BY CASE WHEN d.status = 'draft' THEN 0 ELSE 1 END, d.signed_on DESC, d.id DESC"
        ),
        vec![],
    ))
    .all(&db.conn)
    .await?)
}

/// What the office writes on a draft.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub title: String,
    pub achievement: String,
    pub bases: String,
    pub executors: String,
    pub recipients: String,
    pub signer_title: String,
    pub person_multiple: Option<Multiple>,
    pub collective_multiple: Option<Multiple>,
}

impl Fields {
    fn clean(&self) -> StoreResult<Fields> {
        let lines = |s: &str| s.lines().map(text::clean).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
        let f = Fields {
            title: text::clean(&self.title),
            achievement: text::clean(&self.achievement),
            bases: lines(&self.bases),
            executors: text::clean(&self.executors),
            recipients: lines(&self.recipients),
            signer_title: lines(&self.signer_title),
            ..self.clone()
        };
        for (field, value, what) in [
            ("title", &f.title, "trích yếu"),
            ("achievement", &f.achievement, "thành tích"),
            ("bases", &f.bases, "căn cứ"),
            ("executors", &f.executors, "tổ chức thực hiện (Điều 3)"),
            ("signer_title", &f.signer_title, "chức danh người ký"),
        ] {
            if value.is_empty() {
                return Err(StoreError::invalid(field, format!("cần nhập {what}")));
            }
        }
        Ok(f)
    }
}

/// A nominee the council passed whose dossier waits for the province's decision.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Candidate {
    pub nominee_id: i64,
    pub dossier_id: i64,
    pub dossier_title: String,
    pub round_id: i64,
    pub name: String,
    pub unit_name: String,
    pub is_person: bool,
    pub year: i32,
}

/// Nominees passed by the council for `award_code` (in a round, or any), in dossiers waiting for
/// the decision, and not yet in a decision.
pub async fn candidates(
    db: &impl ConnectionTrait,
    award_code: &str,
    round_id: Option<i64>,
) -> StoreResult<Vec<Candidate>> {
    let mut vals: Vec<Value> = vec![Status::Voted.code().into(), award_code.into(), true.into()];
    let mut round = "";
    if let Some(r) = round_id {
        round = "AND d.round_id = ?";
        vals.push(r.into());
    }
    Ok(Candidate::find_by_statement(stmt(
        db.get_database_backend(),
        &format!(
            "SELECT n.id AS nominee_id, d.id AS dossier_id, d.title AS dossier_title, d.round_id, \
             COALESCE(p.full_name, cu.name) AS name, COALESCE(pu.name, cu.name) AS unit_name, \
             CASE WHEN n.person_id IS NULL THEN FALSE ELSE TRUE END AS is_person, n.year \
             FROM dossier_nominee n JOIN dossier d ON d.id = n.dossier_id \
             LEFT JOIN person p ON p.id = n.person_id LEFT JOIN unit pu ON pu.id = p.unit_id \
             LEFT JOIN unit cu ON cu.id = n.unit_id \
             WHERE d.status = ? AND n.award_code = ? \
             AND EXISTS (SELECT 1 FROM council_item ci JOIN council_session s ON s.id = ci.session_id \
                         WHERE ci.nominee_id = n.id AND s.status = 'closed' AND ci.passed = ?) \
             AND NOT EXISTS (SELECT 1 FROM award_decision_item x WHERE x.nominee_id = n.id) {round} \
             ORDER BY d.id, n.id"
        ),
        vals,
    ))
    .all(db)
    .await?)
}

/// Who issues: the unit, its name for the registry, and the symbol of its decisions.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub unit_id: i64,
    pub name: String,
    pub symbol: String,
}

/// Drafts a decision for every candidate of `award_code` (in `round_id`, or any round).
pub async fn create_draft(
    w: &mut WriteTx,
    issuer: &Issuer,
    award_code: &str,
    round_id: Option<i64>,
    fields: &Fields,
    user_id: Option<i64>,
) -> StoreResult<i64> {
    let f = fields.clean()?;
    let found = candidates(&w.tx, award_code, round_id).await?;
    if found.is_empty() {
        return Err(StoreError::invalid(
            "award_code",
            "không có ai được Hội đồng thông qua với hình thức này đang chờ quyết định",
        ));
    }
    let now = now_text();
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO award_decision (issuer_unit_id, award_code, round_id, status, symbol, title, achievement, bases, \
         executors, recipients, signer_title, person_multiple, collective_multiple, created_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            issuer.unit_id.into(),
            award_code.into(),
            round_id.into(),
            DecisionStatus::Draft.code().into(),
            issuer.symbol.clone().into(),
            f.title.clone().into(),
            f.achievement.clone().into(),
            f.bases.clone().into(),
            f.executors.clone().into(),
            f.recipients.clone().into(),
            f.signer_title.clone().into(),
            f.person_multiple.map(|m| m.0).into(),
            f.collective_multiple.map(|m| m.0).into(),
            user_id.into(),
            now.clone().into(),
            now.into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("quyết định vừa tạo"))?
    .id;
    let mut added = 0;
    for c in &found {
        // Another draft made at the same moment may have taken the nominee: skip it, then
        // refuse below if nothing is left.
        added += w
            .exec(
                "INSERT INTO award_decision_item (decision_id, nominee_id) VALUES (?, ?) ON CONFLICT (nominee_id) DO NOTHING",
                vec![id.into(), c.nominee_id.into()],
            )
            .await?;
    }
    if added == 0 {
        return Err(StoreError::invalid("award_code", "những người này vừa được đưa vào một dự thảo khác"));
    }
    w.record(
        "award_decision.create",
        "award_decision",
        Some(id.to_string()),
        Some(issuer.unit_id),
        serde_json::json!({"award": award_code, "round_id": round_id, "items": added}),
    )
    .await?;
    Ok(id)
}

/// Records an entry of the decision's in the audit log (`award_decision.<verb>`).
async fn record(w: &mut WriteTx, d: &AwardDecision, verb: &str, detail: serde_json::Value) -> StoreResult<()> {
    w.record(
        &format!("award_decision.{verb}"),
        "award_decision",
        Some(d.id.to_string()),
        Some(d.issuer_unit_id),
        detail,
    )
    .await
}

/// Claims a draft in the version it was read in; refuses a signed one or a stale read.
async fn claim_draft(w: &WriteTx, d: &AwardDecision) -> StoreResult<()> {
    let changed = w
        .exec(
            "UPDATE award_decision SET version = version + 1, updated_at = ? WHERE id = ? AND status = ? AND version = ?",
            vec![now_text().into(), d.id.into(), DecisionStatus::Draft.code().into(), d.version.into()],
        )
        .await?;
    if changed == 0 {
        return Err(StoreError::invalid(
            "version",
            "dự thảo vừa được người khác sửa hoặc đã được ký; hãy tải lại trang",
        ));
    }
    Ok(())
}

pub async fn update_draft(w: &mut WriteTx, d: &AwardDecision, fields: &Fields) -> StoreResult<()> {
    let f = fields.clean()?;
    claim_draft(w, d).await?;
    w.exec(
        "UPDATE award_decision SET title = ?, achievement = ?, bases = ?, executors = ?, recipients = ?, signer_title = ?, \
         person_multiple = ?, collective_multiple = ? WHERE id = ?",
        vec![
            f.title.into(),
            f.achievement.into(),
            f.bases.into(),
            f.executors.into(),
            f.recipients.into(),
            f.signer_title.into(),
            f.person_multiple.map(|m| m.0).into(),
            f.collective_multiple.map(|m| m.0).into(),
            d.id.into(),
        ],
    )
    .await?;
    record(
        w,
        d,
        "update",
        serde_json::json!({
            "person_multiple": f.person_multiple.map(|m| m.to_string()),
            "collective_multiple": f.collective_multiple.map(|m| m.to_string()),
        }),
    )
    .await
}

/// Takes a nominee off a draft (they wait for another decision).
pub async fn remove_item(w: &mut WriteTx, d: &AwardDecision, nominee_id: i64) -> StoreResult<()> {
    claim_draft(w, d).await?;
    let n = w
        .exec(
            "DELETE FROM award_decision_item WHERE decision_id = ? AND nominee_id = ?",
            vec![d.id.into(), nominee_id.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::NotFound("người trong dự thảo"));
    }
    record(w, d, "remove_item", serde_json::json!({"nominee_id": nominee_id})).await
}

/// Deletes a draft; its nominees wait for another decision.
pub async fn delete_draft(w: &mut WriteTx, d: &AwardDecision) -> StoreResult<()> {
    claim_draft(w, d).await?;
    w.exec("DELETE FROM award_decision_item WHERE decision_id = ?", vec![d.id.into()]).await?;
    w.exec("DELETE FROM award_decision WHERE id = ?", vec![d.id.into()]).await?;
    record(w, d, "delete", serde_json::json!({"award": d.award_code})).await
}

/// One line of a decision's list, with what signing gave it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Item {
    pub nominee_id: i64,
    pub dossier_id: i64,
    pub dossier_kind: String,
    pub dossier_unit_id: i64,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub year: i32,
    pub name: String,
    pub gender: Option<String>,
    pub position: Option<String>,
    /// The person's unit, or the unit above the collective.
    pub unit_name: Option<String>,
    pub amount: Option<i64>,
    pub award_id: Option<i64>,
    pub serial: Option<String>,
    pub code: Option<String>,
    pub revoked_on: Option<NaiveDate>,
}

impl Item {
    pub fn is_person(&self) -> bool {
        self.person_id.is_some()
    }

    fn holder(&self) -> Holder {
        match self.person_id {
            Some(p) => Holder::Person(p),
            None => Holder::Unit(self.unit_id.unwrap_or_default()),
        }
    }

    pub fn display_name(&self) -> String {
        addressed(&self.name, self.gender.as_deref(), self.is_person())
    }

    pub fn detail(&self) -> String {
        post_and_unit(self.position.as_deref(), self.unit_name.as_deref(), self.is_person())
    }
}

/// "Bà Nguyễn Thị Hường" for a person, as decisions and certificates name them; a collective's
/// name as it is.
pub fn addressed(name: &str, gender: Option<&str>, person: bool) -> String {
    match (person, gender) {
        (true, Some("nu")) => format!("Bà {name}"),
        (true, _) => format!("Ông {name}"),
        (false, _) => name.to_string(),
    }
}

/// "Chuyên viên, Sở Y tế" for a person; the unit above a collective.
pub fn post_and_unit(position: Option<&str>, unit: Option<&str>, person: bool) -> String {
    let unit = unit.unwrap_or_default();
    match position.map(str::trim) {
        Some(p) if !p.is_empty() && person => format!("{p}, {unit}"),
        _ => unit.to_string(),
    }
}

/// The lines of a decision: collectives first, then people, in the order they were drafted.
pub async fn items(db: &impl ConnectionTrait, decision_id: i64) -> StoreResult<Vec<Item>> {
    Ok(Item::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT i.nominee_id, n.dossier_id, d.kind AS dossier_kind, d.unit_id AS dossier_unit_id, n.person_id, n.unit_id, n.year, \
         COALESCE(p.full_name, cu.name) AS name, p.gender, p.position, COALESCE(pu.name, cup.name) AS unit_name, \
         i.amount, i.award_id, c.serial, c.code, a.revoked_on \
         FROM award_decision_item i JOIN dossier_nominee n ON n.id = i.nominee_id JOIN dossier d ON d.id = n.dossier_id \
         LEFT JOIN person p ON p.id = n.person_id LEFT JOIN unit pu ON pu.id = p.unit_id \
         LEFT JOIN unit cu ON cu.id = n.unit_id LEFT JOIN unit cup ON cup.id = cu.parent_id \
         LEFT JOIN award a ON a.id = i.award_id LEFT JOIN certificate c ON c.award_id = i.award_id \
         WHERE i.decision_id = ? ORDER BY CASE WHEN n.person_id IS NULL THEN 0 ELSE 1 END, i.id",
        vec![decision_id.into()],
    ))
    .all(db)
    .await?)
}

#[derive(FromQueryResult)]
struct Last {
    last: i64,
}

/// Takes the next number of a yearly sequence.
pub async fn next_number(w: &WriteTx, scope: &str, year: i32) -> StoreResult<i64> {
    Ok(Last::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO number_sequence (scope, year, last) VALUES (?, ?, 1) \
         ON CONFLICT (scope, year) DO UPDATE SET last = number_sequence.last + 1 RETURNING last",
        vec![scope.into(), year.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("số thứ tự"))?
    .last)
}

/// The last number taken in a yearly sequence (0 when none).
pub async fn last_number(db: &impl ConnectionTrait, scope: &str, year: i32) -> StoreResult<i64> {
    Ok(Last::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT last FROM number_sequence WHERE scope = ? AND year = ?",
        vec![scope.into(), year.into()],
    ))
    .one(db)
    .await?
    .map_or(0, |l| l.last))
}

/// Moves a sequence on, when the issuer's register (văn thư) has used numbers for other
/// documents: the next decision gets `next`. Numbers never go back.
pub async fn set_next_number(w: &mut WriteTx, scope: &str, year: i32, next: i64) -> StoreResult<()> {
    let last = last_number(&w.tx, scope, year).await?;
    let refused = || StoreError::invalid("next", format!("số {next} đã dùng: số tiếp theo phải lớn hơn {last}"));
    if next <= last {
        return Err(refused());
    }
    // The condition is in the statement too: a number taken meanwhile is never handed out again.
    let changed = w
        .exec(
            "INSERT INTO number_sequence (scope, year, last) VALUES (?, ?, ?) \
             ON CONFLICT (scope, year) DO UPDATE SET last = excluded.last WHERE number_sequence.last < excluded.last",
            vec![scope.into(), year.into(), (next - 1).into()],
        )
        .await?;
    if changed == 0 {
        return Err(refused());
    }
    w.record(
        "number_sequence.set",
        "number_sequence",
        Some(scope.to_string()),
        None,
        serde_json::json!({"year": year, "next": next}),
    )
    .await
}

/// The highest number of the registry's decisions of an issuer, symbol and year ("125/QĐ-UBND"):
/// those recorded with the issuing unit, and those imported or entered under its name.
pub async fn numbers_used(db: &impl ConnectionTrait, issuer: &Issuer, year: i32) -> StoreResult<i64> {
    #[derive(FromQueryResult)]
    struct Number {
        number: String,
    }
    let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Ok(0);
    };
    let suffix = format!("/{}", issuer.symbol);
    Ok(Number::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT number FROM decision WHERE (unit_id = ? OR (unit_id IS NULL AND issuer = ?)) \
         AND signed_on >= ? AND signed_on <= ?",
        vec![issuer.unit_id.into(), issuer.name.clone().into(), from.into(), to.into()],
    ))
    .all(db)
    .await?
    .into_iter()
    .filter_map(|n| n.number.strip_suffix(&suffix).and_then(|p| p.trim().parse::<i64>().ok()))
    .max()
    .unwrap_or(0))
}

/// The sequence of an issuer's decisions with a symbol.
pub fn decision_scope(issuer_unit_id: i64, symbol: &str) -> String {
    format!("decision:{issuer_unit_id}:{symbol}")
}

/// Characters of verification codes (Crockford's base 32): digits and letters without I, L, O
/// and U, which are read as 1, 1, 0 and V.
const CODE_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An unguessable code for the public verification address: 12 characters, 60 bits.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..12).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// What the signer's signing fixes.
#[derive(Debug, Clone)]
pub struct Signing {
    pub on: NaiveDate,
    pub base_salary: i64,
    pub signer_name: String,
    pub user_id: Option<i64>,
    /// The issuer's name in the registry ("Chủ tịch UBND tỉnh Sơn La").
    pub issuer_name: String,
    /// Amounts are rounded up to a multiple of this (parameter `reward.round_up_to`), if set.
    pub round_up_to: Option<i64>,
}

/// What signing gave.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    pub number: String,
    pub awards: usize,
    pub dossiers_decided: usize,
}

/// Signs a draft read in version `d.version` (the caller has checked `may_sign`).
pub async fn sign(
    w: &mut WriteTx,
    catalogue: &tdkt_rules::Catalogue,
    d: &AwardDecision,
    s: &Signing,
) -> StoreResult<Signed> {
    use chrono::Datelike;
    claim_draft(w, d).await?;
    let list = items(&w.tx, d.id).await?;
    // A dossier refused (or otherwise moved) since it was drafted has left the decision's scope.
    let moved = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM award_decision_item i JOIN dossier_nominee n ON n.id = i.nominee_id \
         JOIN dossier d ON d.id = n.dossier_id WHERE i.decision_id = ? AND d.status <> ?",
        vec![d.id.into(), Status::Voted.code().into()],
    )
    .await?;
    if moved > 0 {
        return Err(StoreError::invalid(
            "sign",
            format!(
                "{moved} người, tập thể trong dự thảo thuộc hồ sơ đã chuyển trạng thái (bị từ chối?): hãy bỏ khỏi dự thảo rồi ký"
            ),
        ));
    }
    let year = s.on.year();
    let scope = decision_scope(d.issuer_unit_id, &d.symbol);
    let issuer = Issuer { unit_id: d.issuer_unit_id, name: s.issuer_name.clone(), symbol: d.symbol.clone() };
    // Numbers the registry already holds for this issuer and year (imported or entered) are used.
    let used = numbers_used(&w.tx, &issuer, year).await?;
    w.exec(
        "INSERT INTO number_sequence (scope, year, last) VALUES (?, ?, ?) \
         ON CONFLICT (scope, year) DO UPDATE SET last = CASE WHEN number_sequence.last < excluded.last \
         THEN excluded.last ELSE number_sequence.last END",
        vec![scope.clone().into(), year.into(), used.into()],
    )
    .await?;
    let seq = next_number(w, &scope, year).await?;
    let number = number_text(seq, &d.symbol);
    let taken = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM decision WHERE number = ? AND issuer = ? AND signed_on = ?",
        vec![number.clone().into(), s.issuer_name.clone().into(), s.on.into()],
    )
    .await?;
    if taken > 0 {
        return Err(StoreError::invalid(
            "sign",
            format!("sổ đã có quyết định số {number} ngày này: hãy kiểm tra số tiếp theo"),
        ));
    }
    let decision_id = crate::registry::ensure_decision(
        w,
        &NewDecision {
            number: number.clone(),
            signed_on: s.on,
            issuer: s.issuer_name.clone(),
            signer: s.signer_name.clone(),
            unit_id: Some(d.issuer_unit_id),
        },
    )
    .await?;
    let code = catalogue.canonical(&d.award_code).unwrap_or(&d.award_code).to_string();
    for item in &list {
        let multiple = if item.is_person() { d.person_multiple() } else { d.collective_multiple() };
        let amount = multiple.map(|m| m.amount(s.base_salary, s.round_up_to));
        let kind = tdkt_domain::dossier::DossierKind::parse(&item.dossier_kind)
            .map(crate::dossier::award_kind)
            .unwrap_or(tdkt_rules::history::AwardKind::CongTrang);
        let award_id = crate::registry::add_award(
            w,
            catalogue,
            &NewAward {
                holder: item.holder(),
                code: code.clone(),
                year: item.year,
                period_from: None,
                kind,
                decision_id: Some(decision_id),
            },
        )
        .await?;
        let serial = format!("{year}-{code}-{:05}", next_number(w, &format!("certificate:{code}"), year).await?);
        w.exec(
            "INSERT INTO certificate (award_id, code, serial, issued_on, created_at) VALUES (?, ?, ?, ?, ?)",
            vec![award_id.into(), new_code().into(), serial.into(), s.on.into(), now_text().into()],
        )
        .await?;
        w.exec(
            "UPDATE award_decision_item SET amount = ?, award_id = ? WHERE decision_id = ? AND nominee_id = ?",
            vec![amount.into(), award_id.into(), d.id.into(), item.nominee_id.into()],
        )
        .await?;
    }
    w.exec(
        "UPDATE award_decision SET status = ?, year = ?, seq = ?, number = ?, signed_on = ?, base_salary = ?, \
         signer_name = ?, signed_by = ?, decision_id = ? WHERE id = ?",
        vec![
            DecisionStatus::Signed.code().into(),
            year.into(),
            seq.into(),
            number.clone().into(),
            s.on.into(),
            s.base_salary.into(),
            s.signer_name.clone().into(),
            s.user_id.into(),
            decision_id.into(),
            d.id.into(),
        ],
    )
    .await?;
    record(
        w,
        d,
        "sign",
        serde_json::json!({
            "number": number, "signed_on": s.on, "awards": list.len(), "base_salary": s.base_salary,
            "round_up_to": s.round_up_to,
        }),
    )
    .await?;

    // Dossiers whose every passed nominee is now decided are done.
    let mut dossiers: Vec<i64> = list.iter().map(|i| i.dossier_id).collect();
    dossiers.sort_unstable();
    dossiers.dedup();
    let mut decided = 0;
    for dossier_id in dossiers {
        let waiting = crate::org::count(
            &w.tx,
            "SELECT COUNT(*) AS n FROM dossier_nominee n WHERE n.dossier_id = ? \
             AND EXISTS (SELECT 1 FROM council_item ci JOIN council_session s ON s.id = ci.session_id \
                         WHERE ci.nominee_id = n.id AND s.status = 'closed' AND ci.passed = ?) \
             AND NOT EXISTS (SELECT 1 FROM award_decision_item x JOIN award_decision ad ON ad.id = x.decision_id \
                             WHERE x.nominee_id = n.id AND ad.status = ?)",
            vec![dossier_id.into(), true.into(), DecisionStatus::Signed.code().into()],
        )
        .await?;
        if waiting > 0 {
            continue;
        }
        let dossier = crate::dossier::get(&w.tx, dossier_id).await?;
        let facts = Facts { council_passed: true, nominees: 1, ..Facts::default() };
        let who = Who { role: tdkt_domain::authz::Role::Signer, over_unit: true, chair: false };
        let to = flow::transition(dossier.status, &Action::Decide, who, &facts)
            .map_err(|e| StoreError::invalid("status", format!("hồ sơ “{}”: {e}", dossier.title)))?;
        crate::dossier::move_to(w, &dossier, &Action::Decide, to).await?;
        decided += 1;
    }
    Ok(Signed { number, awards: list.len(), dossiers_decided: decided })
}

/// A certificate as the public verification page and the PDF show it.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct CertificateView {
    pub code: String,
    pub serial: String,
    pub issued_on: NaiveDate,
    pub award_id: i64,
    pub award_code: String,
    pub award_name: String,
    pub award_category: String,
    pub year: i32,
    pub person_id: Option<i64>,
    pub name: String,
    pub gender: Option<String>,
    pub position: Option<String>,
    pub unit_name: Option<String>,
    pub number: String,
    pub signed_on: NaiveDate,
    pub issuer: String,
    pub signer: String,
    pub revoked_on: Option<NaiveDate>,
    pub revoked_reason: String,
}

impl CertificateView {
    pub fn display_name(&self) -> String {
        addressed(&self.name, self.gender.as_deref(), self.person_id.is_some())
    }

    pub fn detail(&self) -> String {
        post_and_unit(self.position.as_deref(), self.unit_name.as_deref(), self.person_id.is_some())
    }
}

const CERTIFICATE_SELECT: &str = "SELECT c.code, c.serial, c.issued_on, a.id AS award_id, a.award_code, t.name AS award_name, \
     t.category AS award_category, a.year, a.person_id, COALESCE(p.full_name, cu.name) AS name, p.gender, p.position, \
     COALESCE(pu.name, cup.name) AS unit_name, dc.number, dc.signed_on, dc.issuer, dc.signer, a.revoked_on, a.revoked_reason \
     FROM certificate c JOIN award a ON a.id = c.award_id JOIN award_type t ON t.code = a.award_code \
     JOIN decision dc ON dc.id = a.decision_id \
     LEFT JOIN person p ON p.id = a.person_id LEFT JOIN unit pu ON pu.id = p.unit_id \
     LEFT JOIN unit cu ON cu.id = a.unit_id LEFT JOIN unit cup ON cup.id = cu.parent_id";

/// The certificate with this verification code (any case; O read as 0, I and L as 1).
pub async fn certificate(db: &impl ConnectionTrait, code: &str) -> StoreResult<Option<CertificateView>> {
    let code: String = code
        .trim()
        .to_ascii_uppercase()
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if code.len() != 12 || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Ok(None);
    }
    Ok(CertificateView::find_by_statement(stmt(
        db.get_database_backend(),
        &format!("{CERTIFICATE_SELECT} WHERE c.code = ?"),
        vec![code.into()],
    ))
    .one(db)
    .await?)
}

/// The certificates of a signed decision, in the order of its list.
pub async fn certificates(db: &impl ConnectionTrait, decision_id: i64) -> StoreResult<Vec<CertificateView>> {
    Ok(CertificateView::find_by_statement(stmt(
        db.get_database_backend(),
        &format!(
            "{CERTIFICATE_SELECT} JOIN award_decision_item i ON i.award_id = a.id \
             WHERE i.decision_id = ? ORDER BY CASE WHEN a.person_id IS NULL THEN 0 ELSE 1 END, i.id"
        ),
        vec![decision_id.into()],
    ))
    .all(db)
    .await?)
}
