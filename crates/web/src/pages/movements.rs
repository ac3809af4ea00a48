//! Movements and registration (module 5): a unit launches a movement to the units below it (or
//! to a block), reviews it mid-term and at the end with a report; units register the titles they
//! aim for (the collective's, and each person's) and their targets, on the page or through an
//! Excel template; the block head consolidates the block's registrations and the department the
//! province's, each able to return one with a reason.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::emulation::{self as rules, MovementKind, MovementStatus, RegAction, RegActor, RegStatus, ReviewKind};
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_rules::SubjectKind;
use tdkt_rules::catalogue::{AwardType, Category};
use tdkt_store::StoreError;
use tdkt_store::emulation::{self as store, Movement, RegistrationInput};
use tdkt_store::files;
use tdkt_store::org::{self, Unit};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::dossiers::disposition;
use crate::pages::{actor, keep_upload, led_groups, own_units, province_wide, render, send_file, upload_failed};
use crate::view::Chrome;

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid::one(field, msg))
}

/// Emulation titles a unit may register, for a person or for the collective.
fn titles(subject: SubjectKind) -> AppResult<Vec<&'static AwardType>> {
    let catalogue = &crate::eligibility::base()?.catalogue;
    Ok(catalogue
        .all()
        .iter()
        .filter(|a| a.category == Category::DanhHieuThiDua && a.subjects.contains(&subject))
        .collect())
}

fn title_code(subject: SubjectKind, input: &str) -> AppResult<Option<String>> {
    let input = text::clean(input);
    if input.is_empty() {
        return Ok(None);
    }
    let folded = text::fold(&input);
    titles(subject)?
        .into_iter()
        .find(|a| a.code.eq_ignore_ascii_case(&input) || text::fold(&a.name) == folded)
        .map(|a| Some(a.code.clone()))
        .ok_or_else(|| invalid("award", format!("“{input}” không phải danh hiệu thi đua đăng ký được")))
}

// ---------------------------------------------------------------------------------------------
// The list

struct MovementRow {
    id: i64,
    name: String,
    kind: &'static str,
    launcher: String,
    period: String,
    register_by: String,
    status: &'static str,
}

fn row(m: &Movement) -> MovementRow {
    MovementRow {
        id: m.id,
        name: m.name.clone(),
        kind: m.kind().label(),
        launcher: m.group_name.clone().map_or(m.unit_name.clone(), |g| format!("{} ({g})", m.unit_name)),
        period: format!("{} – {}", text::format_date(m.starts_on), text::format_date(m.ends_on)),
        register_by: m.register_by.map(text::format_date).unwrap_or_default(),
        status: m.status().label(),
    }
}

#[derive(Template)]
#[template(path = "movements.html")]
struct ListPage {
    chrome: Chrome,
    movements: Vec<MovementRow>,
    launchers: Vec<(i64, String)>,
    groups: Vec<(i64, String)>,
    year: i32,
}

/// Every movement the user's units take part in, and those of the units they manage.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let year = tdkt_store::db::today().year();
    let mut launchers = Vec::new();
    for id in own_units(&ctx) {
        let u = org::get_unit(&state.db.conn, id).await?;
        if ctx.subject.can(Permission::ManageEmulation, &u.path) {
            launchers.push((u.id, u.name));
        }
    }
    let all = store::movements(&state.db, None).await?;
    let own = own_units(&ctx);
    let mut mine = Vec::new();
    for id in &own {
        let u = org::get_unit(&state.db.conn, *id).await?;
        mine.extend(store::for_unit(&state.db, u.id, &u.path).await?.into_iter().map(|m| m.id));
    }
    let movements = all
        .iter()
        .filter(|m| mine.contains(&m.id) || ctx.subject.can(Permission::ManageEmulation, &m.unit_path))
        .map(row)
        .collect();
    let groups = org::list_groups(&state.db, year).await?.into_iter().map(|g| (g.id, g.name)).collect();
    Ok(render(&ListPage {
        chrome: Chrome::new(&state, &ctx, "/movements", "Phong trào thi đua"),
        movements,
        launchers,
        groups,
        year,
    })?
    .into_response())
}

#[derive(Deserialize)]
pub struct NewForm {
    unit: i64,
    kind: String,
    name: String,
    starts_on: String,
    ends_on: String,
    register_by: String,
    criteria: String,
    anniversaries: String,
    group: Option<String>,
}

fn date(field: &str, label: &str, s: &str) -> AppResult<NaiveDate> {
    text::parse_date(s)
        .ok_or_else(|| invalid(field, format!("{label} “{}” không hợp lệ: ghi ngày/tháng/năm", s.trim())))
}

/// Creates a movement as a draft, for a unit the user manages.
pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<NewForm>) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, f.unit).await?;
    ctx.require(Permission::ManageEmulation, &unit.path)?;
    let kind = MovementKind::parse(&f.kind).ok_or_else(|| invalid("kind", "chọn loại phong trào"))?;
    let register_by = if f.register_by.trim().is_empty() {
        None
    } else {
        Some(date("register_by", "Hạn đăng ký", &f.register_by)?)
    };
    let m = store::NewMovement {
        unit_id: unit.id,
        kind,
        name: f.name,
        starts_on: date("starts_on", "Ngày bắt đầu", &f.starts_on)?,
        ends_on: date("ends_on", "Ngày kết thúc", &f.ends_on)?,
        register_by,
        criteria: f.criteria,
        anniversaries: f.anniversaries,
        group_id: f.group.and_then(|g| g.parse().ok()),
        plan_id: None,
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    let id = store::create_movement(&mut w, &m).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/movements/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// A movement

struct ReviewView {
    id: i64,
    kind: &'static str,
    held_on: String,
    summary: String,
    file_name: String,
}

struct RegView {
    registration_id: Option<i64>,
    unit_name: String,
    status: String,
    status_code: String,
    collective: i64,
    people: i64,
    late: bool,
}

#[derive(Template)]
#[template(path = "movement.html")]
struct MovementPage {
    chrome: Chrome,
    m: Movement,
    kind: &'static str,
    status: &'static str,
    manage: bool,
    reviews: Vec<ReviewView>,
    /// The user's units that take part and may register.
    my_units: Vec<(i64, String, String)>,
    /// The block head's consolidation, block by block.
    blocks: Vec<(String, Vec<RegView>)>,
    /// The department's list.
    office: Option<Vec<RegView>>,
    accept: String,
    errors: Vec<String>,
}

fn reg_views(rows: Vec<store::RegRow>, register_by: Option<NaiveDate>) -> Vec<RegView> {
    rows.into_iter()
        .map(|r| {
            let status = r.status.as_deref().and_then(RegStatus::parse);
            // The day it was sent in Vietnam (UTC+7), against the deadline.
            let vietnam = chrono::FixedOffset::east_opt(7 * 3600);
            let sent = r.submitted_at.as_deref().and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok());
            let late = match (sent, register_by, vietnam) {
                (Some(at), Some(by), Some(tz)) => at.with_timezone(&tz).date_naive() > by,
                _ => false,
            };
            RegView {
                registration_id: r.registration_id,
                unit_name: r.unit_name,
                status: status.map_or("Chưa đăng ký".into(), |s| s.label().to_owned()),
                status_code: status.map_or("none".into(), |s| s.code().to_owned()),
                collective: r.collective,
                people: r.people,
                late,
            }
        })
        .collect()
}

async fn movement_page(state: &AppState, ctx: &Ctx, id: i64, errors: Vec<String>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let m = store::movement(&state.db.conn, id).await?;
    let manage = ctx.subject.can(Permission::ManageEmulation, &m.unit_path);
    let mut my_units = Vec::new();
    let mut takes_part = manage;
    for uid in own_units(ctx) {
        let u = org::get_unit(&state.db.conn, uid).await?;
        if store::for_unit(&state.db, u.id, &u.path).await?.iter().any(|x| x.id == id) {
            takes_part = true;
            if ctx.subject.can(Permission::UnitEmulation, &u.path) && m.register_by.is_some() {
                let status = store::registration(&state.db.conn, id, u.id)
                    .await?
                    .map_or("Chưa đăng ký".to_owned(), |r| r.status().label().to_owned());
                my_units.push((u.id, u.name, status));
            }
        }
    }
    if !may_read(ctx, &m, manage, takes_part) {
        return Err(AppError::Forbidden);
    }
    let reviews = store::reviews(&state.db.conn, id)
        .await?
        .into_iter()
        .map(|r| ReviewView {
            id: r.id,
            kind: ReviewKind::parse(&r.kind).map_or("", ReviewKind::label),
            held_on: text::format_date(r.held_on),
            summary: r.summary,
            file_name: r.file_name,
        })
        .collect();
    let mut blocks = Vec::new();
    for g in led_groups(state, ctx, Permission::UnitEmulation).await? {
        if g.year != m.year || m.register_by.is_none() {
            continue;
        }
        let members: Vec<i64> = org::group_members(&state.db, g.id).await?.iter().map(|x| x.unit_id).collect();
        blocks.push((
            g.name.clone(),
            reg_views(store::consolidation(&state.db, id, Some(&members)).await?, m.register_by),
        ));
    }
    let office = if m.register_by.is_some() && province_wide(state, ctx, Permission::ManageEmulation).await? {
        Some(reg_views(store::consolidation(&state.db, id, None).await?, m.register_by))
    } else {
        None
    };
    Ok(render(&MovementPage {
        chrome: Chrome::new(state, ctx, "/movements", m.name.clone()),
        kind: m.kind().label(),
        status: m.status().label(),
        m,
        manage,
        reviews,
        my_units,
        blocks,
        office,
        accept: files::accept_attribute(),
        errors,
    })?
    .into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    movement_page(&state, &ctx, id, Vec::new()).await
}

/// A draft is read by those who manage its launching unit; a launched or closed movement also by
/// the units taking part and those who may read the launching unit.
fn may_read(ctx: &Ctx, m: &Movement, manage: bool, takes_part: bool) -> bool {
    manage
        || (m.status() != MovementStatus::Draft && (takes_part || ctx.subject.can(Permission::ViewOrg, &m.unit_path)))
}

/// Whether one of the user's units takes part in the movement.
async fn takes_part(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<bool> {
    for uid in own_units(ctx) {
        let u = org::get_unit(&state.db.conn, uid).await?;
        if store::for_unit(&state.db, u.id, &u.path).await?.iter().any(|x| x.id == id) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[derive(Deserialize)]
pub struct StatusForm {
    to: String,
}

/// Launches a draft movement, or closes a launched one.
pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    ctx.require(Permission::ManageEmulation, &m.unit_path)?;
    let to = MovementStatus::parse(&f.to).ok_or_else(|| invalid("to", "bước không hợp lệ"))?;
    let mut w = state.db.write(&actor(&ctx)).await?;
    store::set_status(&mut w, id, to).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/movements/{id}")).into_response())
}

/// Records a mid-term or final review with its report file.
pub async fn add_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    ctx.require(Permission::ManageEmulation, &m.unit_path)?;
    let (mut kind, mut held_on, mut summary, mut file) = (String::new(), String::new(), String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(upload_failed)? {
        match field.name().unwrap_or("") {
            "kind" => kind = field.text().await.map_err(upload_failed)?,
            "held_on" => held_on = field.text().await.map_err(upload_failed)?,
            "summary" => summary = field.text().await.map_err(upload_failed)?,
            "file" => {
                let name = text::clean(field.file_name().unwrap_or(""));
                let bytes = field.bytes().await.map_err(upload_failed)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let kind = ReviewKind::parse(&kind).ok_or_else(|| invalid("kind", "chọn sơ kết hoặc tổng kết"))?;
    let held_on = match date("held_on", "Ngày tổ chức", &held_on) {
        Ok(d) => d,
        Err(AppError::Invalid(i)) => {
            return movement_page(&state, &ctx, id, i.0.into_iter().map(|e| e.message).collect()).await;
        }
        Err(e) => return Err(e),
    };
    let file = match file {
        Some((name, bytes)) => match files::check("file", &name, &bytes, state.config.max_upload_bytes) {
            Ok(t) => Some(keep_upload(&state, &name, t.media_type, &bytes).await?),
            Err(i) => return movement_page(&state, &ctx, id, i.0.into_iter().map(|e| e.message).collect()).await,
        },
        None => None,
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::add_review(&mut w, id, kind, held_on, &summary, file).await {
        Ok(_) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/movements/{id}#reviews")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            movement_page(&state, &ctx, id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn review_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, review)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    let manage = ctx.subject.can(Permission::ManageEmulation, &m.unit_path);
    let part = takes_part(&state, &ctx, id).await?;
    if !may_read(&ctx, &m, manage, part) {
        return Err(AppError::Forbidden);
    }
    let r = store::reviews(&state.db.conn, id)
        .await?
        .into_iter()
        .find(|r| r.id == review && !r.sha256.is_empty())
        .ok_or(AppError::NotFound("Không có tệp báo cáo".into()))?;
    send_file(&state, &r.sha256, &r.media_type, &r.file_name).await
}

// ---------------------------------------------------------------------------------------------
// A unit's registration

struct ItemView {
    person: String,
    position: String,
    title: String,
    index: usize,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct RegistrationPage {
    chrome: Chrome,
    m: Movement,
    unit: Unit,
    status: String,
    editable: bool,
    return_reason: String,
    targets: String,
    collective: Vec<(String, String, bool)>,
    items: Vec<ItemView>,
    people: Vec<(i64, String)>,
    person_titles: Vec<(String, String)>,
    late: bool,
    errors: Vec<String>,
}

/// The unit, if the user may register it for the movement (it takes part, registration is open).
async fn registering_unit(state: &AppState, ctx: &Ctx, m: &Movement, unit_id: i64) -> AppResult<Unit> {
    let u = org::get_unit(&state.db.conn, unit_id).await?;
    ctx.require(Permission::UnitEmulation, &u.path)?;
    if !store::for_unit(&state.db, u.id, &u.path).await?.iter().any(|x| x.id == m.id) {
        return Err(AppError::Forbidden);
    }
    Ok(u)
}

async fn registration_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    unit_id: i64,
    errors: Vec<String>,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    let unit = registering_unit(state, ctx, &m, unit_id).await?;
    let reg = store::registration(&state.db.conn, id, unit_id).await?;
    let items = match &reg {
        Some(r) => store::items(&state.db.conn, r.id).await?,
        None => Vec::new(),
    };
    let catalogue = &crate::eligibility::base()?.catalogue;
    let name_of = |code: &str| catalogue.get(code).map_or(code.to_owned(), |a| a.name.clone());
    let collective = titles(SubjectKind::Collective)?
        .into_iter()
        .map(|a| {
            (a.code.clone(), a.name.clone(), items.iter().any(|i| i.person_id.is_none() && i.award_code == a.code))
        })
        .collect();
    let people_items = items
        .iter()
        .filter(|i| i.person_id.is_some())
        .enumerate()
        .map(|(index, i)| ItemView {
            person: i.person_name.clone().unwrap_or_default(),
            position: i.position.clone().unwrap_or_default(),
            title: name_of(&i.award_code),
            index,
        })
        .collect();
    let people = org::search_people(
        &state.db,
        &org::PersonFilter { scope: vec![unit.path.clone()], unit_path: Some(unit.path.clone()), ..Default::default() },
        1,
        1000,
    )
    .await?
    .items
    .into_iter()
    .map(|p| (p.id, format!("{} — {}", p.full_name, p.position)))
    .collect();
    let status = reg.as_ref().map(|r| r.status()).unwrap_or(RegStatus::Draft);
    let today = tdkt_store::db::today();
    Ok(render(&RegistrationPage {
        chrome: Chrome::new(state, ctx, "/movements", format!("Đăng ký thi đua — {}", unit.name)),
        status: if reg.is_some() { status.label().to_owned() } else { "Chưa đăng ký".into() },
        editable: m.status() == MovementStatus::Launched && matches!(status, RegStatus::Draft | RegStatus::Returned),
        return_reason: reg.as_ref().map(|r| r.return_reason.clone()).unwrap_or_default(),
        targets: reg.as_ref().map(|r| r.targets.clone()).unwrap_or_default(),
        late: m.register_by.is_some_and(|d| d < today),
        m,
        unit,
        collective,
        items: people_items,
        people,
        person_titles: titles(SubjectKind::Individual)?.into_iter().map(|a| (a.code.clone(), a.name.clone())).collect(),
        errors,
    })?
    .into_response())
}

pub async fn unit_registration(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit)): Path<(i64, i64)>,
) -> AppResult<Response> {
    registration_page(&state, &ctx, id, unit, Vec::new()).await
}

/// Saves the page's registration: `action` = `save` (targets and collective titles), `add`
/// (a person and a title), `remove` (the person item at `index`), `submit` (save and send).
pub async fn save_registration(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit_id)): Path<(i64, i64)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    let unit = registering_unit(&state, &ctx, &m, unit_id).await?;
    let get = |k: &str| form.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let action = get("action");
    let existing = store::registration(&state.db.conn, id, unit.id).await?;
    let old_items = match &existing {
        Some(r) => store::items(&state.db.conn, r.id).await?,
        None => Vec::new(),
    };
    let mut input = RegistrationInput {
        targets: existing.as_ref().map(|r| r.targets.clone()).unwrap_or_default(),
        items: old_items.iter().map(|i| (i.person_id, i.award_code.clone())).collect(),
    };
    let mut errors = Vec::new();
    match action.as_str() {
        "save" | "submit" => {
            input.targets = get("targets");
            input.items.retain(|(p, _)| p.is_some());
            for (k, v) in &form {
                if k == "collective" {
                    match title_code(SubjectKind::Collective, v) {
                        Ok(Some(code)) => input.items.push((None, code)),
                        Ok(None) => {}
                        Err(AppError::Invalid(i)) => errors.extend(i.0.into_iter().map(|e| e.message)),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        "add" => {
            let person = get("person").parse::<i64>().map_err(|_| invalid("person", "chọn người đăng ký"))?;
            match title_code(SubjectKind::Individual, &get("title")) {
                Ok(Some(code)) => input.items.push((Some(person), code)),
                Ok(None) => errors.push("Chọn danh hiệu đăng ký".into()),
                Err(AppError::Invalid(i)) => errors.extend(i.0.into_iter().map(|e| e.message)),
                Err(e) => return Err(e),
            }
        }
        "remove" => {
            let index: usize = get("index").parse().map_err(|_| invalid("index", "không rõ dòng cần bỏ"))?;
            let people: Vec<usize> =
                input.items.iter().enumerate().filter(|(_, (p, _))| p.is_some()).map(|(i, _)| i).collect();
            if let Some(&at) = people.get(index) {
                input.items.remove(at);
            }
        }
        _ => return Err(invalid("action", "thao tác không hợp lệ")),
    }
    if !errors.is_empty() {
        return registration_page(&state, &ctx, id, unit.id, errors).await;
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    let result = async {
        let reg_id = store::save_registration(&mut w, id, unit.id, &input).await?;
        if action == "submit" {
            if input.items.is_empty() {
                return Err(StoreError::invalid("items", "chưa đăng ký danh hiệu nào"));
            }
            let from = existing.as_ref().map_or(RegStatus::Draft, |r| r.status());
            let to = rules::reg_transition(from, RegAction::Submit, RegActor::Unit)
                .map_err(|e| StoreError::invalid("status", e))?;
            store::set_registration_status(&mut w, reg_id, from, to, "").await?;
        }
        Ok::<_, StoreError>(())
    }
    .await;
    match result {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/movements/{id}/units/{}", unit.id)).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            registration_page(&state, &ctx, id, unit.id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

const TEMPLATE_HEADERS: [&str; 5] = ["Mã hệ thống", "Họ và tên", "Chức vụ", "Danh hiệu đăng ký", "Ghi chú"];

/// The Excel template of a unit's registration: every person of the unit, with the title each
/// has registered so far; the unit fills the title column and uploads it back.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    let unit = registering_unit(&state, &ctx, &m, unit_id).await?;
    let reg = store::registration(&state.db.conn, id, unit.id).await?;
    let items = match &reg {
        Some(r) => store::items(&state.db.conn, r.id).await?,
        None => Vec::new(),
    };
    let catalogue = &crate::eligibility::base()?.catalogue;
    let people = org::search_people(
        &state.db,
        &org::PersonFilter { scope: vec![unit.path.clone()], unit_path: Some(unit.path.clone()), ..Default::default() },
        1,
        5000,
    )
    .await?
    .items;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for p in &people {
        let title = items
            .iter()
            .find(|i| i.person_id == Some(p.id))
            .map(|i| catalogue.get(&i.award_code).map_or(i.award_code.clone(), |a| a.name.clone()))
            .unwrap_or_default();
        rows.push(vec![p.id.to_string(), p.full_name.clone(), p.position.clone(), title, String::new()]);
    }
    let title = format!("Đăng ký thi đua — {} — {}", m.name, unit.name);
    let bytes = tdkt_sheets::write_xlsx("Dang ky", Some(&title), &TEMPLATE_HEADERS, &rows)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition(&format!("dang-ky-thi-dua-{}.xlsx", unit.code))),
        ],
        bytes,
    )
        .into_response())
}

/// Reads the filled template back: each row with a title registers that person; every row
/// with a problem is named and nothing is saved.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, unit_id)): Path<(i64, i64)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let m = store::movement(&state.db.conn, id).await?;
    let unit = registering_unit(&state, &ctx, &m, unit_id).await?;
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(upload_failed)? {
        if field.name() == Some("file") {
            let name = text::clean(field.file_name().unwrap_or("tep.xlsx"));
            file = Some((name, field.bytes().await.map_err(upload_failed)?.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return registration_page(&state, &ctx, id, unit.id, vec!["Chưa chọn tệp Excel".into()]).await;
    };
    let table = match tdkt_sheets::read_table(&bytes, &name) {
        Ok(t) => t,
        Err(e) => return registration_page(&state, &ctx, id, unit.id, vec![format!("{name}: {e}")]).await,
    };
    let (Some(c_id), Some(c_title)) =
        (table.column(&["Mã hệ thống"]), table.column(&["Danh hiệu đăng ký", "Danh hiệu"]))
    else {
        return registration_page(
            &state,
            &ctx,
            id,
            unit.id,
            vec!["Tệp cần các cột “Mã hệ thống” và “Danh hiệu đăng ký” (hãy dùng mẫu tải về)".into()],
        )
        .await;
    };
    let existing = store::registration(&state.db.conn, id, unit.id).await?;
    let old = match &existing {
        Some(r) => store::items(&state.db.conn, r.id).await?,
        None => Vec::new(),
    };
    let mut items: Vec<(Option<i64>, String)> =
        old.iter().filter(|i| i.person_id.is_none()).map(|i| (None, i.award_code.clone())).collect();
    let mut errors = Vec::new();
    for r in &table.rows {
        let line = r.number;
        let cell = |c: usize| r.cells.get(c).cloned().unwrap_or_default();
        let title = cell(c_title);
        if title.trim().is_empty() {
            continue;
        }
        let Ok(pid) = cell(c_id).trim().parse::<i64>() else {
            errors.push(format!("Dòng {line}, cột “Mã hệ thống”: “{}” không phải mã người", cell(c_id)));
            continue;
        };
        match title_code(SubjectKind::Individual, &title) {
            Ok(Some(code)) => items.push((Some(pid), code)),
            Ok(None) => {}
            Err(AppError::Invalid(e)) => {
                errors.extend(e.0.into_iter().map(|e| format!("Dòng {line}, cột “Danh hiệu đăng ký”: {}", e.message)))
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return registration_page(&state, &ctx, id, unit.id, errors).await;
    }
    let input = RegistrationInput { targets: existing.as_ref().map(|r| r.targets.clone()).unwrap_or_default(), items };
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::save_registration(&mut w, id, unit.id, &input).await {
        Ok(_) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/movements/{id}/units/{}", unit.id)).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            registration_page(&state, &ctx, id, unit.id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    action: String,
    #[serde(default)]
    reason: String,
}

/// The block head consolidates or returns a member's registration; the department accepts or
/// returns any.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(reg_id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let reg = store::registration_by_id(&state.db.conn, reg_id).await?;
    let m = store::movement(&state.db.conn, reg.movement_id).await?;
    let action = match f.action.as_str() {
        "consolidate" => RegAction::Consolidate,
        "accept" => RegAction::Accept,
        "return" => RegAction::Return,
        _ => return Err(invalid("action", "thao tác không hợp lệ")),
    };
    let office = province_wide(&state, &ctx, Permission::ManageEmulation).await?;
    let mut head = false;
    for g in led_groups(&state, &ctx, Permission::UnitEmulation).await? {
        if g.year == m.year && org::group_members(&state.db, g.id).await?.iter().any(|x| x.unit_id == reg.unit_id) {
            head = true;
        }
    }
    // The department's step when it may take it, else the block head's.
    let by = if office && action != RegAction::Consolidate {
        RegActor::Office
    } else if head {
        RegActor::BlockHead
    } else {
        return Err(AppError::Forbidden);
    };
    let to = match rules::reg_transition(reg.status(), action, by) {
        Ok(to) => to,
        Err(e) => return movement_page(&state, &ctx, m.id, vec![e]).await,
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::set_registration_status(&mut w, reg_id, reg.status(), to, &f.reason).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/movements/{}#registrations", m.id)).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            movement_page(&state, &ctx, m.id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Launched movements a unit takes part in, for the dashboard.
pub async fn launched_for(state: &AppState, ctx: &Ctx) -> AppResult<Vec<(i64, String, String)>> {
    let mut out: Vec<(i64, String, String)> = Vec::new();
    for id in own_units(ctx) {
        let u = org::get_unit(&state.db.conn, id).await?;
        for m in store::for_unit(&state.db, u.id, &u.path).await? {
            if m.status() == MovementStatus::Launched && !out.iter().any(|(x, ..)| *x == m.id) {
                let by = m.register_by.map(|d| format!("hạn đăng ký {}", text::format_date(d))).unwrap_or_default();
                out.push((m.id, m.name, by));
            }
        }
    }
    Ok(out)
}
