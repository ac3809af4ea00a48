//! Units: list and search, the unit page (staff, sub-units, lineage, groups), create, edit,
//! close (merge or dissolve with a successor).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::org::{LineageKind, UnitFields, UnitKind};
use tdkt_domain::text;
use tdkt_store::org::{self, Group, LineageLink, Person, PersonFilter, Unit, UnitFilter};
use tdkt_store::{Actor, Page};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{page_number, render};
use crate::view::{Chrome, date, num, with_page};

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    q: Option<String>,
    kind: Option<String>,
    former: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    chrome: Chrome,
    q: String,
    kind: String,
    former: bool,
    kinds: &'static [UnitKind],
    result: Page<Unit>,
    query: String,
    can_create: bool,
    can_export: bool,
}

impl UnitsPage {
    fn page_link(&self, p: u64) -> String {
        with_page(&self.query, p)
    }
    fn total(&self) -> String {
        num(&self.result.total)
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UnitQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let filter = UnitFilter {
        q: q.q.clone(),
        kind: q.kind.as_deref().and_then(UnitKind::parse),
        parent_id: None,
        include_former: q.former.is_some(),
        scope: ctx.scope(Permission::ViewOrg),
    };
    let result = org::list_units(&state.db, &filter, page_number(q.page), 50).await?;
    let chrome = Chrome::new(&state, &ctx, "/units", "Đơn vị");
    let page = UnitsPage {
        chrome,
        q: q.q.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        former: q.former.is_some(),
        kinds: UnitKind::ALL,
        result,
        query: raw.unwrap_or_default(),
        can_create: ctx.subject.can_anywhere(Permission::EditUnits),
        can_export: ctx.subject.can_anywhere(Permission::Export),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    chrome: Chrome,
    unit: Unit,
    /// The office may record the annulment of an award (G10).
    can_revoke: bool,
    parent: Option<Unit>,
    ancestors: Vec<Unit>,
    children: Vec<Unit>,
    staff: Page<Person>,
    staff_total: u64,
    predecessors: Vec<LineageLink>,
    successors: Vec<LineageLink>,
    groups: Vec<(Group, String)>,
    can_edit_unit: bool,
    can_edit_people: bool,
    can_export: bool,
    /// Collective awards the rules can judge, as (code, name).
    awards: Vec<(String, String)>,
    check_years: Vec<i32>,
    chosen_award: String,
    chosen_year: i32,
    verdict: Option<tdkt_rules::Verdict>,
    verdict_error: Option<String>,
    /// The member figures the verdict used.
    members: Option<tdkt_rules::history::MembersRecord>,
    /// The unit's own registry (awards, ratings, discipline, open matters) by year.
    records: tdkt_store::registry::Records,
    years: Vec<tdkt_store::registry::YearLine>,
}

impl UnitPage {
    fn d(&self, v: &Option<chrono::NaiveDate>) -> String {
        date(v)
    }

    fn dd(&self, v: &chrono::NaiveDate) -> String {
        date(&Some(*v))
    }

    fn rating_label(&self, code: &str) -> &'static str {
        tdkt_rules::history::Rating::parse(code).map(tdkt_rules::history::Rating::label).unwrap_or("")
    }

    fn pending_label(&self, code: &str) -> String {
        tdkt_rules::history::pending_label(code)
    }

    fn status_class(&self, s: &tdkt_rules::Status) -> &'static str {
        crate::eligibility::status_class(s)
    }
    fn n(&self, v: &u64) -> String {
        num(v)
    }
}

#[derive(Deserialize, Default)]
pub struct StaffQuery {
    page: Option<u64>,
    /// `award` and `year` ask for the unit's verdict as a collective.
    award: Option<String>,
    year: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(sq): Query<StaffQuery>,
) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::ViewOrg, &unit.path)?;
    let parent = match unit.parent_id {
        Some(p) => Some(org::get_unit(&state.db.conn, p).await?),
        None => None,
    };
    let ancestors = org::unit_ancestors(&state.db, &unit).await?;
    let children = org::unit_children(&state.db, id).await?;
    let staff_page = page_number(sq.page);
    // Direct staff of this unit only; sub-units have their own pages.
    let staff = org::search_people(
        &state.db,
        &PersonFilter { unit_path: Some(unit.path.clone()), scope: vec![unit.path.clone()], ..Default::default() },
        staff_page,
        50,
    )
    .await?;
    let staff_total = org::staff_count(&state.db, &unit.path).await?;
    let (predecessors, successors) = org::lineage_of(&state.db, id).await?;
    let groups = org::groups_of_unit(&state.db, id).await?;
    let (check_years, chosen_year) = crate::eligibility::years(state.config.current_year, sq.year.as_deref())?;
    let year_end = chrono::NaiveDate::from_ymd_opt(chosen_year, 12, 31).unwrap_or_default();
    let awards = crate::eligibility::awards_for(tdkt_rules::SubjectKind::Collective, chosen_year)?;
    let chosen_award = sq.award.clone().map(|a| a.trim().to_string()).unwrap_or_default();
    let (mut verdict, mut verdict_error, mut members) = (None, None, None);
    let records = tdkt_store::registry::records(&state.db, tdkt_store::registry::Holder::Unit(id)).await?;
    let years = records.by_year();
    if !chosen_award.is_empty() {
        let subject = tdkt_rules::history::Subject {
            kind: tdkt_rules::SubjectKind::Collective,
            name: Some(unit.name.clone()),
            recruited_on: None,
            dissolved_on: unit.active_to,
        };
        let figures = tdkt_store::registry::member_figures(&state.db, id, chosen_year).await?;
        let mut h = records.history(subject, year_end);
        h.members = vec![figures];
        let engine = crate::eligibility::engine(&state.db).await?;
        match engine.check(&h, &chosen_award, chosen_year, None) {
            Ok(v) => verdict = Some(v),
            Err(e) => verdict_error = Some(e.to_string()),
        }
        members = Some(figures);
    }
    let chrome = Chrome::new(&state, &ctx, "/units", unit.name.clone());
    let page = UnitPage {
        records,
        years,
        awards,
        check_years,
        chosen_award,
        chosen_year,
        verdict,
        verdict_error,
        members,
        chrome,
        can_edit_unit: ctx.subject.can(Permission::EditUnits, &unit.path),
        can_revoke: ctx.subject.can(Permission::Appraise, &unit.path),
        can_edit_people: ctx.subject.can(Permission::EditPeople, &unit.path) && unit.active_to.is_none(),
        can_export: ctx.subject.can(Permission::Export, &unit.path),
        unit,
        parent,
        ancestors,
        children,
        staff,
        staff_total,
        predecessors,
        successors,
        groups,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitForm {
    chrome: Chrome,
    action: String,
    heading: String,
    f: UnitFields,
    errors: Invalid,
    kinds: &'static [UnitKind],
    /// Units offered as parents (a datalist).
    units: Vec<Unit>,
}

impl UnitForm {
    fn err(&self, field: &str) -> String {
        self.errors.message_for(field).unwrap_or_default().to_string()
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    action: String,
    heading: &str,
    f: UnitFields,
    errors: Invalid,
) -> AppResult<Response> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let chrome = Chrome::new(state, ctx, "/units", heading);
    let units = org::all_units(&state.db, &ctx.scope(Permission::EditUnits), false).await?;
    let page = UnitForm { chrome, action, heading: heading.into(), f, errors, kinds: UnitKind::ALL, units };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::EditUnits)?;
    let f = UnitFields { parent_code: q.parent.unwrap_or_default(), ..Default::default() };
    form_page(&state, &ctx, "/units/new".into(), "Thêm đơn vị", f, Invalid::default()).await
}

/// Checks the user may edit units under the parent the form names.
async fn require_parent(state: &AppState, ctx: &Ctx, parent_code: &str) -> AppResult<()> {
    let code = text::clean(parent_code);
    if code.is_empty() {
        return ctx.require_anywhere(Permission::ManageUsers); // only an administrator makes a root
    }
    match org::find_unit_by_code(&state.db.conn, &code).await? {
        Some(p) => ctx.require(Permission::EditUnits, &p.path),
        None => Ok(()), // the store reports the unknown code on the field
    }
}

fn store_to_form(e: tdkt_store::StoreError) -> Result<Invalid, AppError> {
    match e {
        tdkt_store::StoreError::Invalid(i) => Ok(i),
        other => Err(other.into()),
    }
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<UnitFields>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::EditUnits)?;
    require_parent(&state, &ctx, &f.parent_code).await?;
    let input = match f.parse() {
        Ok(i) => i,
        Err(errors) => return form_page(&state, &ctx, "/units/new".into(), "Thêm đơn vị", f, errors).await,
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::create_unit(&mut w, &input).await {
        Ok(id) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Err(e) => {
            w.rollback().await?;
            form_page(&state, &ctx, "/units/new".into(), "Thêm đơn vị", f, store_to_form(e)?).await
        }
    }
}

async fn fields_of(state: &AppState, unit: &Unit) -> AppResult<UnitFields> {
    let parent_code = match unit.parent_id {
        Some(p) => org::get_unit(&state.db.conn, p).await?.code,
        None => String::new(),
    };
    Ok(UnitFields {
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind: unit.kind.code().into(),
        parent_code,
        active_from: date(&unit.active_from),
        active_to: date(&unit.active_to),
    })
}

pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::EditUnits, &unit.path)?;
    let f = fields_of(&state, &unit).await?;
    form_page(&state, &ctx, format!("/units/{id}/edit"), &format!("Sửa: {}", unit.name), f, Invalid::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<UnitFields>,
) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::EditUnits, &unit.path)?;
    if unit.parent_id.is_some() {
        require_parent(&state, &ctx, &f.parent_code).await?;
    }
    let heading = format!("Sửa: {}", unit.name);
    let input = match f.parse() {
        Ok(i) => i,
        Err(errors) => return form_page(&state, &ctx, format!("/units/{id}/edit"), &heading, f, errors).await,
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::update_unit(&mut w, id, &input).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Err(e) => {
            w.rollback().await?;
            form_page(&state, &ctx, format!("/units/{id}/edit"), &heading, f, store_to_form(e)?).await
        }
    }
}

#[derive(Template)]
#[template(path = "unit_close.html")]
struct ClosePage {
    chrome: Chrome,
    unit: Unit,
    kinds: Vec<LineageKind>,
    f: CloseForm,
    error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct CloseForm {
    #[serde(default)]
    successor_code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    move_people: Option<String>,
}

fn close_page(state: &AppState, ctx: &Ctx, unit: Unit, f: CloseForm, error: Option<String>) -> AppResult<Response> {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let chrome = Chrome::new(state, ctx, "/units", format!("Sáp nhập, giải thể: {}", unit.name));
    let kinds = vec![LineageKind::Merge, LineageKind::Split, LineageKind::Rename, LineageKind::Dissolve];
    Ok((status, render(&ClosePage { chrome, unit, kinds, f, error })?).into_response())
}

pub async fn close_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::EditUnits, &unit.path)?;
    close_page(
        &state,
        &ctx,
        unit,
        CloseForm { kind: "hop_nhat".into(), move_people: Some("on".into()), ..Default::default() },
        None,
    )
}

pub async fn close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::EditUnits, &unit.path)?;
    let Some(kind) = LineageKind::parse(&f.kind) else {
        return close_page(&state, &ctx, unit, f, Some("Chọn hình thức sắp xếp".into()));
    };
    let Some(on) = text::parse_date(&f.on) else {
        return close_page(&state, &ctx, unit, f, Some("Ngày hiệu lực không hợp lệ (dd/mm/yyyy)".into()));
    };
    let Some(successor) = org::find_unit_by_code(&state.db.conn, &text::clean(&f.successor_code)).await? else {
        return close_page(
            &state,
            &ctx,
            unit,
            f.clone(),
            Some(format!("Không có đơn vị kế thừa mã “{}”", f.successor_code)),
        );
    };
    ctx.require(Permission::EditUnits, &successor.path)?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::close_unit(&mut w, id, successor.id, kind, on, &f.note, f.move_people.is_some()).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/units/{}", successor.id)).into_response())
        }
        Err(e) => {
            w.rollback().await?;
            let msg = store_to_form(e)?.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ");
            close_page(&state, &ctx, unit, f, Some(msg))
        }
    }
}
