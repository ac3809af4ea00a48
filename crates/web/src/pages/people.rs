//! People: search (diacritics ignored, Vietnamese order), the person page, create and edit.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::org::{ETHNICITIES, Gender, Leadership, PersonFields};
use tdkt_rules::Verdict;
use tdkt_rules::history::{Rating, Subject, SubjectKind};
use tdkt_store::org::{self, Person, PersonFilter, Unit};
use tdkt_store::registry::{self, Holder, Records, YearLine};
use tdkt_store::{Actor, Page, StoreError};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{page_number, render};
use crate::view::{Chrome, date, num, with_page};

#[derive(Deserialize, Default)]
pub struct PeopleQuery {
    pub q: Option<String>,
    pub unit: Option<i64>,
    pub gender: Option<String>,
    pub leadership: Option<String>,
    pub ethnicity: Option<String>,
    pub page: Option<u64>,
}

impl PeopleQuery {
    /// The store filter for this query, limited to what the user may see.
    pub async fn filter(
        &self,
        state: &AppState,
        ctx: &Ctx,
        permission: Permission,
    ) -> AppResult<(PersonFilter, Option<Unit>)> {
        let unit = match self.unit {
            Some(id) => {
                let u = org::get_unit(&state.db.conn, id).await?;
                ctx.require(permission, &u.path)?;
                Some(u)
            }
            None => None,
        };
        Ok((
            PersonFilter {
                q: self.q.clone(),
                unit_path: unit.as_ref().map(|u| u.path.clone()),
                gender: self.gender.as_deref().and_then(Gender::parse),
                leadership: self.leadership.as_deref().and_then(Leadership::parse),
                ethnicity: self.ethnicity.clone().filter(|e| !e.is_empty()),
                scope: ctx.scope(permission),
            },
            unit,
        ))
    }
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    q: PeopleQuery,
    unit: Option<Unit>,
    result: Page<Person>,
    query: String,
    ethnicities: &'static [&'static str],
    can_create: bool,
    can_export: bool,
}

impl PeoplePage {
    fn page_link(&self, p: u64) -> String {
        with_page(&self.query, p)
    }
    fn total(&self) -> String {
        num(&self.result.total)
    }
    fn d(&self, v: &Option<chrono::NaiveDate>) -> String {
        date(v)
    }
    fn sel(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "gender" => self.q.gender.as_deref(),
            "leadership" => self.q.leadership.as_deref(),
            _ => self.q.ethnicity.as_deref(),
        };
        v == Some(value)
    }
    fn qtext(&self) -> &str {
        self.q.q.as_deref().unwrap_or_default()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeopleQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let (filter, unit) = q.filter(&state, &ctx, Permission::ViewOrg).await?;
    let result = org::search_people(&state.db, &filter, page_number(q.page), 50).await?;
    let chrome = Chrome::new(&state, &ctx, "/people", "Cán bộ, người lao động");
    let page = PeoplePage {
        chrome,
        unit,
        result,
        query: raw.unwrap_or_default(),
        ethnicities: ETHNICITIES,
        can_create: ctx.subject.can_anywhere(Permission::EditPeople),
        can_export: ctx.subject.can_anywhere(Permission::Export),
        q,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    p: Person,
    can_edit: bool,
    /// The office may record the annulment of an award (G10).
    can_revoke: bool,
    age: Option<u32>,
    service_years: Option<u32>,
    years: Vec<YearLine>,
    records: Records,
    /// Awards the engine has rules for (code, name), and the years it can judge.
    awards: Vec<(String, String)>,
    check_years: Vec<i32>,
    chosen_award: String,
    chosen_year: i32,
    verdict: Option<Verdict>,
    verdict_error: Option<String>,
}

impl PersonPage {
    fn d(&self, v: &Option<chrono::NaiveDate>) -> String {
        date(v)
    }

    fn dd(&self, v: &chrono::NaiveDate) -> String {
        date(&Some(*v))
    }

    fn rating_label(&self, code: &str) -> &'static str {
        Rating::parse(code).map(Rating::label).unwrap_or("")
    }

    fn pending_label(&self, code: &str) -> String {
        tdkt_rules::history::pending_label(code)
    }

    fn status_class(&self, s: &tdkt_rules::Status) -> &'static str {
        crate::eligibility::status_class(s)
    }
}

/// `?award=BK_TINH&year=2025` asks the person page for a verdict.
#[derive(Deserialize, Default)]
pub struct CheckQuery {
    award: Option<String>,
    year: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(cq): Query<CheckQuery>,
) -> AppResult<Response> {
    let p = org::get_person(&state.db.conn, id).await?;
    ctx.require(Permission::ViewOrg, &p.unit_path)?;
    let today = chrono::Utc::now().date_naive();
    let age = p.birth_date.and_then(|b| today.years_since(b));
    let service_years = p.recruited_on.and_then(|r| today.years_since(r));
    let records = registry::records(&state.db, Holder::Person(p.id)).await?;
    let (check_years, chosen_year) = crate::eligibility::years(state.config.current_year, cq.year.as_deref())?;
    let awards = crate::eligibility::awards_for(SubjectKind::Individual, chosen_year)?;
    let chosen_award = cq.award.clone().filter(|a| !a.trim().is_empty()).unwrap_or_default();
    let (mut verdict, mut verdict_error) = (None, None);
    if !chosen_award.is_empty() {
        let subject = Subject {
            kind: SubjectKind::Individual,
            name: Some(p.full_name.clone()),
            recruited_on: p.recruited_on,
            dissolved_on: None,
        };
        let on = chrono::NaiveDate::from_ymd_opt(chosen_year, 12, 31).unwrap_or(today);
        let engine = crate::eligibility::engine(&state.db).await?;
        match engine.check(&records.history(subject, on), &chosen_award, chosen_year, None) {
            Ok(v) => verdict = Some(v),
            Err(e) => verdict_error = Some(e.to_string()),
        }
    }
    let chrome = Chrome::new(&state, &ctx, "/people", p.full_name.clone());
    let can_edit = ctx.subject.can(Permission::EditPeople, &p.unit_path);
    let can_revoke = ctx.subject.can(Permission::Appraise, &p.unit_path);
    let years = records.by_year();
    Ok(render(&PersonPage {
        chrome,
        p,
        can_edit,
        can_revoke,
        age,
        service_years,
        years,
        records,
        awards,
        check_years,
        chosen_award,
        chosen_year,
        verdict,
        verdict_error,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonForm {
    chrome: Chrome,
    action: String,
    heading: String,
    f: PersonFields,
    errors: Invalid,
    units: Vec<Unit>,
    ethnicities: &'static [&'static str],
}

impl PersonForm {
    fn err(&self, field: &str) -> String {
        self.errors.message_for(field).unwrap_or_default().to_string()
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    action: String,
    heading: &str,
    f: PersonFields,
    errors: Invalid,
) -> AppResult<Response> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let chrome = Chrome::new(state, ctx, "/people", heading);
    let units = org::all_units(&state.db, &ctx.scope(Permission::EditPeople), false).await?;
    let page = PersonForm { chrome, action, heading: heading.into(), f, errors, units, ethnicities: ETHNICITIES };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    unit: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::EditPeople)?;
    let unit_code = match q.unit {
        Some(c) => c,
        None => org::get_unit(&state.db.conn, ctx.user.unit_id).await.map(|u| u.code).unwrap_or_default(),
    };
    let f = PersonFields { unit_code, leadership: "truc_tiep".into(), ethnicity: "Kinh".into(), ..Default::default() };
    form_page(&state, &ctx, "/people/new".into(), "Thêm cán bộ, người lao động", f, Invalid::default()).await
}

/// Parses the form, finds its unit and checks the user may edit people there.
async fn prepare(
    state: &AppState,
    ctx: &Ctx,
    f: &PersonFields,
) -> AppResult<Result<(tdkt_domain::org::PersonInput, Unit), Invalid>> {
    let input = match f.parse(chrono::Utc::now().date_naive()) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let Some(unit) = org::find_unit_by_code(&state.db.conn, &input.unit_code).await? else {
        return Ok(Err(Invalid::one("unit_code", format!("Không có đơn vị mã “{}”", input.unit_code))));
    };
    ctx.require(Permission::EditPeople, &unit.path)?;
    if unit.active_to.is_some() {
        return Ok(Err(Invalid::one("unit_code", format!("Đơn vị “{}” đã ngừng hoạt động", unit.name))));
    }
    Ok(Ok((input, unit)))
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<PersonFields>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::EditPeople)?;
    let heading = "Thêm cán bộ, người lao động";
    let (input, unit) = match prepare(&state, &ctx, &f).await? {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &ctx, "/people/new".into(), heading, f, errors).await,
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    let id = org::create_person(&mut w, &input, &unit).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let p = org::get_person(&state.db.conn, id).await?;
    ctx.require(Permission::EditPeople, &p.unit_path)?;
    let f = PersonFields {
        full_name: p.full_name.clone(),
        gender: p.gender.clone(),
        birth_date: date(&p.birth_date),
        ethnicity: p.ethnicity.clone(),
        unit_code: p.unit_code.clone(),
        position: p.position.clone(),
        leadership: p.leadership.clone(),
        recruited_on: date(&p.recruited_on),
    };
    form_page(&state, &ctx, format!("/people/{id}/edit"), &format!("Sửa: {}", p.full_name), f, Invalid::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PersonFields>,
) -> AppResult<Response> {
    let p = org::get_person(&state.db.conn, id).await?;
    ctx.require(Permission::EditPeople, &p.unit_path)?;
    let heading = format!("Sửa: {}", p.full_name);
    let (input, unit) = match prepare(&state, &ctx, &f).await? {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &ctx, format!("/people/{id}/edit"), &heading, f, errors).await,
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::update_person(&mut w, id, &input, &unit).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/people/{id}")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            form_page(&state, &ctx, format!("/people/{id}/edit"), &heading, f, i).await
        }
        Err(e) => Err(AppError::from(e)),
    }
}
