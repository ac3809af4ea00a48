//! Imports of the registry lists (awards with their decisions, yearly ratings, initiatives,
//! discipline periods) from rows of a file. As for units and people: every row is checked
//! first (values, who the person is, the user's right over the person's unit, duplicates in the
//! file and against the registry); if any row is wrong nothing is written and every problem is
//! reported with its row and field. A row already in the registry is skipped, so a file can be
//! imported twice; a yearly rating that changed is updated.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::FromQueryResult;
use tdkt_domain::rows::FieldRow;
use tdkt_domain::text;
use tdkt_rules::Catalogue;
use tdkt_rules::history::{AwardKind, Level, Rating, SubjectKind, WorkKind};

use crate::audit::WriteTx;
use crate::db::stmt;
use crate::error::{StoreError, StoreResult};
use crate::import::RowError;
use crate::org::{self, Unit};
use crate::registry::{self, Holder, NewAward, NewDecision, NewInitiative};

/// What a registry import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegistryReport {
    pub created: u64,
    pub updated: u64,
    /// Rows already in the registry.
    pub skipped: u64,
}

pub type RegistryOutcome = Result<RegistryReport, Vec<RowError>>;

fn err(row: usize, field: &str, message: impl Into<String>) -> RowError {
    RowError { row, field: field.into(), message: message.into() }
}

/// Finds the people rows name, with the units met on the way.
struct People<'a> {
    units: HashMap<String, Option<Unit>>,
    can_edit: &'a (dyn Fn(&str) -> bool + Sync),
}

#[derive(FromQueryResult)]
struct Candidate {
    id: i64,
    full_name: String,
    birth_date: Option<NaiveDate>,
}

impl People<'_> {
    /// The holder of an award row: a person, or the unit itself when the row names only a unit
    /// code (an award to a collective).
    async fn find_holder(&mut self, w: &WriteTx, r: &FieldRow) -> StoreResult<Result<Holder, RowError>> {
        let code = r.get("unit_code").to_string();
        if r.get("person_id").is_empty() && r.get("full_name").is_empty() && !code.is_empty() {
            if !self.units.contains_key(&code) {
                let u = org::find_unit_by_code(&w.tx, &code).await?;
                self.units.insert(code.clone(), u);
            }
            return Ok(match self.units.get(&code).cloned().flatten() {
                None => Err(err(r.number, "unit_code", format!("Không có đơn vị mã “{code}”"))),
                Some(u) if !(self.can_edit)(&u.path) => {
                    Err(err(r.number, "unit_code", format!("Không có quyền ghi sổ cho “{}”", u.name)))
                }
                Some(u) => Ok(Holder::Unit(u.id)),
            });
        }
        Ok(self.find(w, r).await?.map(Holder::Person))
    }

    /// The person of a row, by "Mã hệ thống" or by name (exact, after NFC) in the unit, with the
    /// birth date to tell two namesakes apart.
    async fn find(&mut self, w: &WriteTx, r: &FieldRow) -> StoreResult<Result<i64, RowError>> {
        let n = r.number;
        let id = r.get("person_id");
        if !id.is_empty() {
            let Ok(pid) = id.parse::<i64>() else {
                return Ok(Err(err(n, "person_id", "Mã hệ thống phải là số")));
            };
            return Ok(match org::get_person(&w.tx, pid).await {
                Ok(p) if (self.can_edit)(&p.unit_path) => Ok(pid),
                Ok(p) => Err(err(n, "person_id", format!("Không có quyền ghi sổ cho cán bộ của “{}”", p.unit_name))),
                Err(StoreError::NotFound(_)) => Err(err(n, "person_id", format!("Không có người mã hệ thống {pid}"))),
                Err(e) => return Err(e),
            });
        }
        let name = text::clean(r.get("full_name"));
        let code = r.get("unit_code").to_string();
        if name.is_empty() || code.is_empty() {
            return Ok(Err(err(n, "full_name", "Cần “Mã hệ thống”, hoặc họ và tên cùng mã đơn vị")));
        }
        if !self.units.contains_key(&code) {
            let u = org::find_unit_by_code(&w.tx, &code).await?;
            self.units.insert(code.clone(), u);
        }
        let Some(unit) = self.units.get(&code).cloned().flatten() else {
            return Ok(Err(err(n, "unit_code", format!("Không có đơn vị mã “{code}”"))));
        };
        if !(self.can_edit)(&unit.path) {
            return Ok(Err(err(n, "unit_code", format!("Không có quyền ghi sổ cho cán bộ của “{}”", unit.name))));
        }
        let found = Candidate::find_by_statement(stmt(
            w.backend(),
            "SELECT id, full_name, birth_date FROM person WHERE unit_id = ? AND (full_name = ? OR search_key = ?)",
            vec![unit.id.into(), name.clone().into(), text::fold(&name).into()],
        ))
        .all(&w.tx)
        .await?;
        let exact: Vec<&Candidate> = found.iter().filter(|c| c.full_name == name).collect();
        let birth = r.get("birth_date");
        let birth = if birth.is_empty() {
            None
        } else {
            match text::parse_date(birth) {
                Some(d) => Some(d),
                None => return Ok(Err(err(n, "birth_date", format!("Ngày sinh “{birth}” không hợp lệ (dd/mm/yyyy)")))),
            }
        };
        let matching: Vec<&&Candidate> =
            exact.iter().filter(|c| birth.is_none_or(|b| c.birth_date == Some(b))).collect();
        Ok(match matching.as_slice() {
            [one] => Ok(one.id),
            [] if !exact.is_empty() => {
                Err(err(n, "birth_date", format!("“{name}” ở {} không có ngày sinh này", unit.name)))
            }
            [] => {
                let near: Vec<&str> = found.iter().map(|c| c.full_name.as_str()).collect();
                if near.is_empty() {
                    Err(err(n, "full_name", format!("Không có “{name}” ở {}", unit.name)))
                } else {
                    Err(err(
                        n,
                        "full_name",
                        format!("Không có “{name}” ở {}; có {}: kiểm tra lại dấu", unit.name, near.join(", ")),
                    ))
                }
            }
            _ => Err(err(
                n,
                "birth_date",
                format!("{} người tên “{name}” ở {}: ghi thêm ngày sinh hoặc mã hệ thống", matching.len(), unit.name),
            )),
        })
    }
}

fn year(r: &FieldRow, field: &str) -> Result<i32, RowError> {
    let v = r.get(field);
    v.parse::<i32>().ok().filter(|y| tdkt_rules::history::YEARS.contains(y)).ok_or_else(|| {
        err(r.number, field, if v.is_empty() { "Thiếu năm".into() } else { format!("Năm “{v}” không hợp lệ") })
    })
}

fn by_label<T: Copy>(v: &str, all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Option<T> {
    let f = text::fold(v);
    all.iter().copied().find(|x| {
        text::fold(code(*x)) == f || text::fold(label(*x)) == f || text::fold(&code(*x).replace('_', " ")) == f
    })
}

fn date(r: &FieldRow, field: &str, required: bool) -> Result<Option<NaiveDate>, RowError> {
    let v = r.get(field);
    if v.is_empty() {
        return if required { Err(err(r.number, field, "Thiếu ngày")) } else { Ok(None) };
    }
    text::parse_date(v).map(Some).ok_or_else(|| err(r.number, field, format!("Ngày “{v}” không hợp lệ (dd/mm/yyyy)")))
}

/// The award of a cell: a catalogue code or alias, or the award's name.
fn award_code(catalogue: &Catalogue, v: &str) -> Option<String> {
    if let Some(a) = catalogue.get(v) {
        return Some(a.code.clone());
    }
    let f = text::fold(v);
    catalogue.all().iter().find(|a| text::fold(&a.name) == f).map(|a| a.code.clone())
}

#[derive(FromQueryResult)]
struct ExistingAward {
    holder_id: i64,
    award_code: String,
    year: i32,
    kind: String,
    number: Option<String>,
}

/// A checked award row: row number, person, code, year, first year, kind, decision.
type AwardRow = (usize, Holder, String, i32, Option<i32>, AwardKind, Option<NewDecision>);

/// Imports awards received by people (or by units: a row with a unit code and no person), with
/// their decisions.
pub async fn import_awards(
    w: &mut WriteTx,
    catalogue: &Catalogue,
    rows: &[FieldRow],
    can_edit: &(dyn Fn(&str) -> bool + Sync),
) -> StoreResult<RegistryOutcome> {
    let mut people = People { units: HashMap::new(), can_edit };
    let mut errors = Vec::new();
    let mut valid: Vec<AwardRow> = Vec::new();
    let mut seen: HashMap<(Holder, String, i32), usize> = HashMap::new();
    for r in rows {
        let n = r.number;
        let pid = match people.find_holder(w, r).await? {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let raw = r.get("award");
        let Some(code) = award_code(catalogue, raw) else {
            errors.push(err(n, "award", format!("Không có “{raw}” trong danh mục khen thưởng")));
            continue;
        };
        let (subject, whom) = match pid {
            Holder::Person(_) => (SubjectKind::Individual, "cá nhân"),
            Holder::Unit(_) => (SubjectKind::Collective, "tập thể"),
        };
        if catalogue.get(&code).is_some_and(|a| !a.subjects.contains(&subject)) {
            errors.push(err(n, "award", format!("“{raw}” không tặng cho {whom}")));
            continue;
        }
        let y = match year(r, "year") {
            Ok(y) => y,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let from = if r.get("period_from").is_empty() {
            None
        } else {
            match year(r, "period_from") {
                Ok(f) if f <= y => Some(f),
                Ok(_) => {
                    errors.push(err(n, "period_from", "“Từ năm” sau năm thành tích"));
                    continue;
                }
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        };
        let kv = r.get("kind");
        let kind = if kv.is_empty() {
            AwardKind::CongTrang
        } else {
            match by_label(kv, &AwardKind::ALL, AwardKind::code, AwardKind::label) {
                Some(k) => k,
                None => {
                    errors.push(err(n, "kind", format!("Loại khen thưởng “{kv}” không hợp lệ")));
                    continue;
                }
            }
        };
        let number = text::clean(r.get("decision_number"));
        let decision = if number.is_empty() {
            None
        } else {
            match date(r, "decision_date", true) {
                Ok(Some(d)) => Some(NewDecision {
                    number,
                    signed_on: d,
                    issuer: text::clean(r.get("issuer")),
                    signer: text::clean(r.get("signer")),
                    unit_id: None,
                }),
                Ok(None) => None,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        };
        if kind == AwardKind::CongTrang
            && let Some(first) = seen.insert((pid, code.clone(), y), n)
        {
            errors.push(err(n, "award", format!("Trùng với dòng {first}: cùng người, cùng khen thưởng, cùng năm")));
            continue;
        }
        valid.push((n, pid, code, y, from, kind, decision));
    }
    // Against the registry: the same regular award for the same year is one achievement (G1).
    let mut existing: HashMap<(Holder, String, i32), Vec<ExistingAward>> = HashMap::new();
    for (column, unit) in [("person_id", false), ("unit_id", true)] {
        let mut ids: Vec<i64> = valid
            .iter()
            .filter_map(|x| match x.1 {
                Holder::Person(p) if !unit => Some(p),
                Holder::Unit(u) if unit => Some(u),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            for e in ExistingAward::find_by_statement(stmt(
                w.backend(),
                &format!(
                    "SELECT a.{column} AS holder_id, a.award_code, a.year, a.kind, d.number FROM award a \
                     LEFT JOIN decision d ON d.id = a.decision_id WHERE a.revoked_on IS NULL AND a.{column} IN ({marks})"
                ),
                chunk.iter().map(|i| (*i).into()).collect(),
            ))
            .all(&w.tx)
            .await?
            {
                let h = if unit { Holder::Unit(e.holder_id) } else { Holder::Person(e.holder_id) };
                existing.entry((h, e.award_code.clone(), e.year)).or_default().push(e);
            }
        }
    }
    let mut report = RegistryReport::default();
    let mut write = Vec::new();
    for (n, pid, code, y, from, kind, decision) in valid {
        let same = existing.get(&(pid, code.clone(), y)).map(Vec::as_slice).unwrap_or(&[]);
        let number = decision.as_ref().map(|d| d.number.as_str());
        if same.iter().any(|e| e.kind == kind.code() && (number.is_none() || e.number.as_deref() == number)) {
            report.skipped += 1;
            continue;
        }
        if kind == AwardKind::CongTrang
            && let Some(e) = same.iter().find(|e| e.kind == AwardKind::CongTrang.code())
        {
            errors.push(err(
                n,
                "award",
                format!(
                    "Sổ đã có “{code}” năm {y} cho {}{}: không khen hai lần một thành tích",
                    if matches!(pid, Holder::Unit(_)) { "tập thể này" } else { "người này" },
                    e.number.as_deref().map(|d| format!(" (quyết định {d})")).unwrap_or_default()
                ),
            ));
            continue;
        }
        write.push((pid, code, y, from, kind, decision));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut decisions: HashMap<(String, NaiveDate, String), i64> = HashMap::new();
    let mut batch = Vec::with_capacity(write.len());
    for (pid, code, y, from, kind, decision) in write {
        let decision_id = match decision {
            Some(d) => {
                let key = (d.number.clone(), d.signed_on, d.issuer.clone());
                match decisions.get(&key) {
                    Some(id) => Some(*id),
                    None => {
                        let id = registry::ensure_decision(w, &d).await?;
                        decisions.insert(key, id);
                        Some(id)
                    }
                }
            }
            None => None,
        };
        batch.push(NewAward { holder: pid, code, year: y, period_from: from, kind, decision_id });
    }
    report.created = registry::insert_awards(w, catalogue, &batch, "import").await?;
    Ok(Ok(report))
}

#[derive(FromQueryResult)]
struct ExistingRating {
    person_id: i64,
    year: i32,
    rating: String,
}

/// Imports yearly ratings of people; a changed rating is updated.
pub async fn import_ratings(
    w: &mut WriteTx,
    rows: &[FieldRow],
    can_edit: &(dyn Fn(&str) -> bool + Sync),
) -> StoreResult<RegistryOutcome> {
    let mut people = People { units: HashMap::new(), can_edit };
    let mut errors = Vec::new();
    let mut valid: Vec<(i64, i32, Rating)> = Vec::new();
    let mut seen: HashMap<(i64, i32), (usize, Rating)> = HashMap::new();
    for r in rows {
        let n = r.number;
        let pid = match people.find(w, r).await? {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let y = match year(r, "year") {
            Ok(y) => y,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let v = r.get("rating");
        let Some(rating) = Rating::parse(v).or_else(|| by_label(v, &Rating::ALL, Rating::code, Rating::label)) else {
            errors.push(err(n, "rating", format!("Mức xếp loại “{v}” không hợp lệ (HTXSNV, HTTNV, HTNV, KHTNV)")));
            continue;
        };
        match seen.get(&(pid, y)) {
            Some((first, prev)) if *prev != rating => {
                errors.push(err(n, "rating", format!("Khác với dòng {first}: một năm chỉ có một mức xếp loại")));
                continue;
            }
            Some(_) => continue,
            None => {
                seen.insert((pid, y), (n, rating));
            }
        }
        valid.push((pid, y, rating));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut ids: Vec<i64> = valid.iter().map(|x| x.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut existing: HashMap<(i64, i32), String> = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        for e in ExistingRating::find_by_statement(stmt(
            w.backend(),
            &format!("SELECT person_id, year, rating FROM rating WHERE person_id IN ({marks})"),
            chunk.iter().map(|i| (*i).into()).collect(),
        ))
        .all(&w.tx)
        .await?
        {
            existing.insert((e.person_id, e.year), e.rating);
        }
    }
    let mut report = RegistryReport::default();
    let mut new = Vec::new();
    for (pid, y, rating) in valid {
        match existing.get(&(pid, y)) {
            Some(old) if old == rating.code() => report.skipped += 1,
            Some(old) => {
                w.exec(
                    "UPDATE rating SET rating = ? WHERE person_id = ? AND year = ?",
                    vec![rating.code().into(), pid.into(), y.into()],
                )
                .await?;
                crate::panel::mark_people(w, [pid]).await?;
                w.record(
                    "rating.update",
                    "person",
                    Some(pid.to_string()),
                    None,
                    serde_json::json!({"year": y, "rating": rating.code(), "before": old}),
                )
                .await?;
                report.updated += 1;
            }
            None => new.push((pid, y, rating)),
        }
    }
    report.created = registry::insert_person_ratings(w, &new, "import").await?;
    Ok(Ok(report))
}

#[derive(FromQueryResult)]
struct ExistingInitiative {
    person_id: i64,
    year: i32,
    title: String,
}

/// Imports initiatives and science works of people.
pub async fn import_initiatives(
    w: &mut WriteTx,
    rows: &[FieldRow],
    can_edit: &(dyn Fn(&str) -> bool + Sync),
) -> StoreResult<RegistryOutcome> {
    let mut people = People { units: HashMap::new(), can_edit };
    let mut errors = Vec::new();
    let mut valid: Vec<NewInitiative> = Vec::new();
    let mut seen: HashMap<(i64, i32, String), usize> = HashMap::new();
    for r in rows {
        let n = r.number;
        let pid = match people.find(w, r).await? {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let title = text::clean(r.get("title"));
        if title.is_empty() {
            errors.push(err(n, "title", "Thiếu tên sáng kiến, đề tài"));
            continue;
        }
        let y = match year(r, "year") {
            Ok(y) => y,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let lv = r.get("level");
        let Some(level) =
            Level::parse(lv).or_else(|| by_label(lv, &Level::ALL, Level::code, Level::label)).or_else(|| {
                let f = text::fold(lv);
                if f.contains("toan quoc") {
                    Some(Level::ToanQuoc)
                } else if f.contains("tinh") || f.contains("bo") || f.contains("nganh") {
                    Some(Level::Tinh)
                } else if f.contains("co so") {
                    Some(Level::CoSo)
                } else {
                    None
                }
            })
        else {
            errors.push(err(n, "level", format!("Phạm vi “{lv}” không hợp lệ (cơ sở, tỉnh, toàn quốc)")));
            continue;
        };
        let kv = r.get("kind");
        let kind = if kv.is_empty() {
            WorkKind::SangKien
        } else if let Some(k) = WorkKind::parse(kv).or_else(|| {
            let f = text::fold(kv);
            if f.starts_with("sang kien") {
                Some(WorkKind::SangKien)
            } else if f.starts_with("de tai") || f.starts_with("de an") || f.starts_with("cong trinh") {
                Some(WorkKind::DeTai)
            } else {
                None
            }
        }) {
            k
        } else {
            errors.push(err(n, "kind", format!("Loại “{kv}” không hợp lệ (sáng kiến hoặc đề tài)")));
            continue;
        };
        if let Some(first) = seen.insert((pid, y, text::fold(&title)), n) {
            errors.push(err(n, "title", format!("Trùng với dòng {first}")));
            continue;
        }
        valid.push(NewInitiative {
            person_id: pid,
            title,
            year: y,
            level,
            kind,
            recognised_by: text::clean(r.get("recognised_by")),
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut ids: Vec<i64> = valid.iter().map(|x| x.person_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut existing = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        for e in ExistingInitiative::find_by_statement(stmt(
            w.backend(),
            &format!("SELECT person_id, year, title FROM initiative WHERE person_id IN ({marks})"),
            chunk.iter().map(|i| (*i).into()).collect(),
        ))
        .all(&w.tx)
        .await?
        {
            existing.insert((e.person_id, e.year, text::fold(&e.title)));
        }
    }
    let mut report = RegistryReport::default();
    let before = valid.len();
    valid.retain(|x| !existing.contains(&(x.person_id, x.year, text::fold(&x.title))));
    report.skipped = (before - valid.len()) as u64;
    report.created = registry::insert_initiatives(w, &valid, "import").await?;
    Ok(Ok(report))
}

#[derive(FromQueryResult)]
struct ExistingDiscipline {
    person_id: i64,
    starts_on: NaiveDate,
    form: String,
}

/// Imports discipline periods of people.
pub async fn import_discipline(
    w: &mut WriteTx,
    rows: &[FieldRow],
    can_edit: &(dyn Fn(&str) -> bool + Sync),
) -> StoreResult<RegistryOutcome> {
    let mut people = People { units: HashMap::new(), can_edit };
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    for r in rows {
        let n = r.number;
        let pid = match people.find(w, r).await? {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let form = text::clean(r.get("form"));
        if form.is_empty() {
            errors.push(err(n, "form", "Thiếu hình thức kỷ luật"));
            continue;
        }
        let (from, to) = match (date(r, "starts_on", true), date(r, "ends_on", false)) {
            (Ok(Some(f)), Ok(t)) => (f, t),
            (Err(e), _) | (_, Err(e)) => {
                errors.push(e);
                continue;
            }
            (Ok(None), _) => continue,
        };
        if to.is_some_and(|t| t < from) {
            errors.push(err(n, "ends_on", "Ngày hết thời hạn trước ngày bắt đầu"));
            continue;
        }
        valid.push((pid, form, from, to, text::clean(r.get("note"))));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut report = RegistryReport::default();
    for (pid, form, from, to, note) in valid {
        let dup = ExistingDiscipline::find_by_statement(stmt(
            w.backend(),
            "SELECT person_id, starts_on, form FROM discipline WHERE person_id = ? AND starts_on = ?",
            vec![pid.into(), from.into()],
        ))
        .all(&w.tx)
        .await?
        .into_iter()
        .any(|e| e.person_id == pid && e.starts_on == from && text::fold(&e.form) == text::fold(&form));
        if dup {
            report.skipped += 1;
            continue;
        }
        registry::add_discipline(w, Holder::Person(pid), &form, from, to, &note).await?;
        report.created += 1;
    }
    Ok(Ok(report))
}
