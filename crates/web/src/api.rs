//! The JSON API (`/api/v1`), described by OpenAPI at `/api/v1/openapi.json`.
//!
//! It uses the same session and CSRF rules as the pages (send `X-CSRF-Token` on POST) and the
//! same authorisation. Errors are `{"error": code, "message": ..., "fields": [...]}`.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tdkt_domain::authz::Permission;
use tdkt_domain::org::{PersonFields, UnitKind};
use tdkt_store::Actor;
use tdkt_store::org::{self, Person, Unit, UnitFilter};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::pages::people::PeopleQuery;

/// An API error rendered as JSON.
pub struct ApiError(AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.json_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The logged-in user for an API call (401 JSON when missing).
pub struct ApiCtx(Ctx);

impl<S: Send + Sync> FromRequestParts<S> for ApiCtx {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().map(ApiCtx).ok_or(ApiError(AppError::Unauthorized))
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    id: i64,
    code: String,
    name: String,
    /// One of ubnd, so_nganh, xa_phuong, doanh_nghiep, truong_hoc, co_so_y_te, hoi_doan_the, khac.
    kind: String,
    kind_label: String,
    parent_id: Option<i64>,
    active_from: Option<NaiveDate>,
    active_to: Option<NaiveDate>,
}

impl From<Unit> for UnitOut {
    fn from(u: Unit) -> Self {
        UnitOut {
            id: u.id,
            code: u.code,
            name: u.name,
            kind: u.kind.code().into(),
            kind_label: u.kind.label().into(),
            parent_id: u.parent_id,
            active_from: u.active_from,
            active_to: u.active_to,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    id: i64,
    full_name: String,
    /// nam or nu.
    gender: String,
    birth_date: Option<NaiveDate>,
    ethnicity: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    position: String,
    /// lanh_dao (leader or manager) or truc_tiep (direct worker).
    leadership: String,
    recruited_on: Option<NaiveDate>,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        PersonOut {
            id: p.id,
            full_name: p.full_name,
            gender: p.gender,
            birth_date: p.birth_date,
            ethnicity: p.ethnicity,
            unit_id: p.unit_id,
            unit_code: p.unit_code,
            unit_name: p.unit_name,
            position: p.position,
            leadership: p.leadership,
            recruited_on: p.recruited_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitPage {
    items: Vec<UnitOut>,
    page: u64,
    per_page: u64,
    total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    items: Vec<PersonOut>,
    page: u64,
    per_page: u64,
    /// Matches, capped at 2000 for very broad searches (then `total_capped` is true).
    total: u64,
    total_capped: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct UnitParams {
    /// Words of the name or code; diacritics are ignored.
    q: Option<String>,
    kind: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Deserialize, IntoParams)]
pub struct PeopleParams {
    /// Words of the name; diacritics are ignored (`nguyen thi huong`).
    q: Option<String>,
    /// Only this unit and the units below it.
    unit: Option<i64>,
    gender: Option<String>,
    leadership: Option<String>,
    ethnicity: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// A person to create; dates as `dd/mm/yyyy` or `yyyy-mm-dd`.
#[derive(Deserialize, ToSchema)]
pub struct PersonIn {
    full_name: String,
    gender: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    ethnicity: String,
    unit_code: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    leadership: String,
    #[serde(default)]
    recruited_on: String,
}

fn per_page(p: Option<u64>) -> u64 {
    p.unwrap_or(50).clamp(1, 500)
}

/// Units the caller may see.
#[utoipa::path(get, path = "/api/v1/units", params(UnitParams), responses((status = 200, body = UnitPage), (status = 401)), tag = "units")]
async fn list_units(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(p): Query<UnitParams>,
) -> ApiResult<UnitPage> {
    let filter = UnitFilter {
        q: p.q,
        kind: p.kind.as_deref().and_then(UnitKind::parse),
        scope: ctx.scope(Permission::ViewOrg),
        ..Default::default()
    };
    let r = org::list_units(&state.db, &filter, p.page.unwrap_or(1).max(1), per_page(p.per_page)).await?;
    Ok(Json(UnitPage {
        page: r.page,
        per_page: r.per_page,
        total: r.total,
        items: r.items.into_iter().map(UnitOut::from).collect(),
    }))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", responses((status = 200, body = UnitOut), (status = 403), (status = 404)), tag = "units")]
async fn get_unit(State(state): State<AppState>, ApiCtx(ctx): ApiCtx, Path(id): Path<i64>) -> ApiResult<UnitOut> {
    let u = org::get_unit(&state.db.conn, id).await?;
    ctx.require(Permission::ViewOrg, &u.path)?;
    Ok(Json(u.into()))
}

/// People the caller may see, in Vietnamese name order.
#[utoipa::path(get, path = "/api/v1/people", params(PeopleParams), responses((status = 200, body = PersonPage), (status = 401)), tag = "people")]
async fn list_people(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(p): Query<PeopleParams>,
) -> ApiResult<PersonPage> {
    let q = PeopleQuery {
        q: p.q,
        unit: p.unit,
        gender: p.gender,
        leadership: p.leadership,
        ethnicity: p.ethnicity,
        page: None,
    };
    let (filter, _) = q.filter(&state, &ctx, Permission::ViewOrg).await?;
    let r = org::search_people(&state.db, &filter, p.page.unwrap_or(1).max(1), per_page(p.per_page)).await?;
    Ok(Json(PersonPage {
        page: r.page,
        per_page: r.per_page,
        total: r.total,
        total_capped: r.total_capped,
        items: r.items.into_iter().map(PersonOut::from).collect(),
    }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", responses((status = 200, body = PersonOut), (status = 403), (status = 404)), tag = "people")]
async fn get_person(State(state): State<AppState>, ApiCtx(ctx): ApiCtx, Path(id): Path<i64>) -> ApiResult<PersonOut> {
    let p = org::get_person(&state.db.conn, id).await?;
    ctx.require(Permission::ViewOrg, &p.unit_path)?;
    Ok(Json(p.into()))
}

/// Creates a person in a unit the caller may edit (send the session's `X-CSRF-Token`).
#[utoipa::path(post, path = "/api/v1/people", request_body = PersonIn, responses((status = 201, body = PersonOut), (status = 403), (status = 422)), tag = "people")]
async fn create_person(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    body: Result<Json<PersonIn>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<PersonOut>), ApiError> {
    let Json(b) = body.map_err(|e| AppError::BadRequest(format!("Dữ liệu JSON không hợp lệ: {}", e.body_text())))?;
    let fields = PersonFields {
        full_name: b.full_name,
        gender: b.gender,
        birth_date: b.birth_date,
        ethnicity: b.ethnicity,
        unit_code: b.unit_code,
        position: b.position,
        leadership: b.leadership,
        recruited_on: b.recruited_on,
    };
    let input = fields.parse(chrono::Utc::now().date_naive()).map_err(AppError::Invalid)?;
    let unit = org::find_unit_by_code(&state.db.conn, &input.unit_code).await?.ok_or_else(|| {
        AppError::Invalid(tdkt_domain::error::Invalid::one(
            "unit_code",
            format!("Không có đơn vị mã “{}”", input.unit_code),
        ))
    })?;
    ctx.require(Permission::EditPeople, &unit.path)?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    let id = org::create_person(&mut w, &input, &unit).await?;
    w.commit().await?;
    Ok((StatusCode::CREATED, Json(org::get_person(&state.db.conn, id).await?.into())))
}

#[derive(Deserialize, IntoParams)]
pub struct EligibleParams {
    /// Award code (LDTT, CSTD_CS, BK_TINH, ...), for individuals.
    award: Option<String>,
    /// The last achievement year considered (default: last year).
    year: Option<String>,
    /// Only this unit (its id) and the units under it.
    unit: Option<String>,
    /// `1`: only those not yet proposed in a dossier for this award and year.
    not_nominated: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RouteCount {
    name: String,
    count: u64,
    /// False for a route of judgements only, which data never decides (count is then 0).
    checkable: bool,
}

#[derive(Serialize, ToSchema)]
pub struct EligiblePerson {
    person_id: i64,
    full_name: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    /// The routes (ways of the law) by which the person qualifies.
    routes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EligibleUnit {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    eligible: u64,
    /// Of those, already proposed in a dossier.
    nominated: u64,
    /// Already awarded for the year.
    held: u64,
    /// Holders of the quota's base award (when the award has a quota).
    base: Option<u64>,
    /// The most the unit may receive (when the province has set the quota's share).
    max: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct EligibleOut {
    award: String,
    award_name: String,
    year: i32,
    /// The date the rules are taken at.
    on: NaiveDate,
    rule_set: String,
    /// People judged in the caller's reach (and the unit asked for).
    people: u64,
    eligible: u64,
    /// Of those, already proposed in a dossier (under way or decided) for this award and year.
    nominated: u64,
    held: u64,
    routes: Vec<RouteCount>,
    units: Vec<EligibleUnit>,
    rows: Vec<EligiblePerson>,
}

/// Everyone in the caller's reach who qualifies for an award in a year, by the engine's rules.
#[utoipa::path(get, path = "/api/v1/eligible", params(EligibleParams), responses((status = 200, body = EligibleOut), (status = 401), (status = 403), (status = 422)), tag = "eligibility")]
async fn eligible(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(p): Query<EligibleParams>,
) -> ApiResult<EligibleOut> {
    use crate::pages::eligible::{EligibleQuery, report};
    if p.award.as_deref().is_none_or(|a| a.trim().is_empty()) {
        return Err(AppError::Invalid(tdkt_domain::error::Invalid::one(
            "award",
            "thiếu mã danh hiệu, hình thức khen thưởng",
        ))
        .into());
    }
    let q = EligibleQuery { award: p.award, year: p.year, unit: p.unit, not_nominated: p.not_nominated };
    let r = report(&state, &ctx, &q, Permission::ViewOrg).await?;
    let people = r.people_lines(&state, usize::MAX).await?;
    let run = r.run.as_ref().ok_or_else(|| AppError::BadRequest("thiếu mã khen thưởng".into()))?;
    Ok(Json(EligibleOut {
        award: run.award.clone(),
        award_name: run.award_name.clone(),
        year: run.year,
        on: run.on,
        rule_set: run.rule_set_name.clone(),
        people: r.people,
        eligible: r.eligible,
        nominated: r.nominated,
        held: r.held,
        routes: r
            .route_counts
            .iter()
            .map(|(name, count, checkable)| RouteCount { name: name.clone(), count: *count, checkable: *checkable })
            .collect(),
        units: r
            .lines
            .iter()
            .map(|l| EligibleUnit {
                unit_id: l.unit_id,
                unit_code: l.unit_code.clone(),
                unit_name: l.unit_name.clone(),
                eligible: l.eligible,
                nominated: l.nominated,
                held: l.held,
                base: l.base,
                max: l.max,
            })
            .collect(),
        rows: people
            .into_iter()
            .map(|l| EligiblePerson {
                person_id: l.person.id,
                full_name: l.person.full_name,
                unit_id: l.person.unit_id,
                unit_code: l.person.unit_code,
                unit_name: l.person.unit_name,
                routes: l.routes,
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Dossiers and certificates

#[derive(Deserialize, IntoParams)]
pub struct DossierParams {
    /// Words of the title or the unit's name, without diacritics if you like.
    q: Option<String>,
    /// A round's id.
    round: Option<i64>,
    /// A status code: draft, submitted, returned, appraising, posting, council, voted, forwarded,
    /// decided, refused, withdrawn.
    status: Option<String>,
    /// Only dossiers still with the unit after their round's last day.
    overdue: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierOut {
    id: i64,
    title: String,
    unit_id: i64,
    unit_name: String,
    round_id: i64,
    round_name: String,
    /// The round's last day for units.
    submit_by: NaiveDate,
    /// thuong_xuyen, chuyen_de, dot_xuat, nien_han, doi_ngoai.
    kind: String,
    simplified: bool,
    status: String,
    status_label: String,
    /// Times sent.
    version: i32,
    submitted_at: Option<String>,
    posted_on: Option<NaiveDate>,
    overdue: bool,
    nominees: i64,
}

impl DossierOut {
    fn new(d: tdkt_store::dossier::Dossier, nominees: i64) -> DossierOut {
        DossierOut {
            overdue: d.overdue(tdkt_store::db::today()),
            id: d.id,
            title: d.title,
            unit_id: d.unit_id,
            unit_name: d.unit_name,
            round_id: d.round.id,
            round_name: d.round.name,
            submit_by: d.round.submit_by,
            kind: d.kind.code().into(),
            simplified: d.simplified,
            status: d.status.code().into(),
            status_label: d.status.label().into(),
            version: d.version,
            submitted_at: d.submitted_at,
            posted_on: d.posted_on,
            nominees,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DossierPage {
    items: Vec<DossierOut>,
    page: u64,
    per_page: u64,
    total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct NomineeOut {
    id: i64,
    person_id: Option<i64>,
    unit_id: Option<i64>,
    name: String,
    unit_name: String,
    award_code: String,
    award_name: String,
    year: i32,
    /// The engine's verdict when proposed: eligible, not_eligible or unknown.
    verdict: String,
    /// The council's result once its vote is closed.
    council_passed: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierDetail {
    dossier: DossierOut,
    nominees: Vec<NomineeOut>,
}

/// Dossiers the caller may read, the office's queue order (the oldest sent first).
#[utoipa::path(get, path = "/api/v1/dossiers", params(DossierParams), responses((status = 200, body = DossierPage), (status = 401), (status = 422)), tag = "dossiers")]
async fn list_dossiers(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(p): Query<DossierParams>,
) -> ApiResult<DossierPage> {
    use tdkt_domain::dossier::Status;
    let statuses = match p.status.as_deref() {
        None | Some("") => vec![],
        Some(code) => vec![Status::parse(code).ok_or_else(|| {
            AppError::Invalid(tdkt_domain::error::Invalid::one("status", format!("trạng thái “{code}” không hợp lệ")))
        })?],
    };
    let filter = tdkt_store::dossier::DossierFilter {
        scope: ctx.scope(Permission::ViewDossiers),
        q: p.q,
        round_id: p.round,
        statuses,
        overdue_on: p.overdue.unwrap_or(false).then(tdkt_store::db::today),
        ..Default::default()
    };
    let (page, per) = (p.page.unwrap_or(1).max(1), per_page(p.per_page));
    let r = tdkt_store::dossier::list(&state.db, &filter, page, per).await?;
    Ok(Json(DossierPage {
        items: r.items.into_iter().map(|l| DossierOut::new(l.dossier, l.nominees)).collect(),
        page: r.page,
        per_page: r.per_page,
        total: r.total,
    }))
}

/// One dossier with its nominees and the council's result for each.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", responses((status = 200, body = DossierDetail), (status = 403), (status = 404)), tag = "dossiers")]
async fn get_dossier(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<i64>,
) -> ApiResult<DossierDetail> {
    let d = tdkt_store::dossier::get(&state.db.conn, id).await?;
    ctx.require(Permission::ViewDossiers, &d.unit_path)?;
    let council = tdkt_store::council::results_of_dossier(&state.db.conn, id).await?;
    let nominees: Vec<NomineeOut> = tdkt_store::dossier::nominees(&state.db.conn, id)
        .await?
        .into_iter()
        .map(|n| NomineeOut {
            council_passed: council.iter().rev().find(|(i, _)| *i == n.id).map(|(_, p)| *p),
            id: n.id,
            person_id: n.person_id,
            unit_id: n.unit_id,
            name: n.name,
            unit_name: n.unit_name,
            award_code: n.award_code,
            award_name: n.award_name,
            year: n.year,
            verdict: n.verdict,
        })
        .collect();
    let count = nominees.len() as i64;
    Ok(Json(DossierDetail { dossier: DossierOut::new(d, count), nominees }))
}

#[derive(Serialize, ToSchema)]
pub struct CertificateOut {
    /// true when the certificate exists and its award has not been revoked.
    valid: bool,
    serial: String,
    name: String,
    unit_name: Option<String>,
    award_code: String,
    award_name: String,
    year: i32,
    decision: String,
    signed_on: NaiveDate,
    issuer: String,
    /// The day the award was revoked (the reason is not published).
    revoked_on: Option<NaiveDate>,
}

/// Checks a certificate by the code printed beside its QR code. Public: no login needed.
#[utoipa::path(get, path = "/api/v1/certificates/{code}", responses((status = 200, body = CertificateOut), (status = 404)), tag = "certificates")]
async fn get_certificate(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<CertificateOut> {
    let c = tdkt_store::award_decision::certificate(&state.db.conn, &code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Không có giấy chứng nhận mã “{code}”")))?;
    Ok(Json(CertificateOut {
        valid: c.revoked_on.is_none(),
        serial: c.serial,
        name: c.name,
        unit_name: c.unit_name,
        award_code: c.award_code,
        award_name: c.award_name,
        year: c.year,
        decision: c.number,
        signed_on: c.signed_on,
        issuer: c.issuer,
        revoked_on: c.revoked_on,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    id: i64,
    /// The number as issued (`28/KH-UBND`); empty for a plan without a number yet.
    number: String,
    title: String,
    year: i32,
    unit_id: i64,
    unit_name: String,
    /// The block or cluster whose plan it is.
    group_id: Option<i64>,
    group_name: Option<String>,
    /// The plan it carries out.
    parent_id: Option<i64>,
    tasks: i64,
    done: i64,
    overdue: i64,
}

impl From<tdkt_store::plans::Plan> for PlanOut {
    fn from(p: tdkt_store::plans::Plan) -> Self {
        PlanOut {
            id: p.id,
            number: p.number,
            title: p.title,
            year: p.year,
            unit_id: p.unit_id,
            unit_name: p.unit_name,
            group_id: p.group_id,
            group_name: p.group_name,
            parent_id: p.parent_id,
            tasks: p.tasks,
            done: p.done,
            overdue: p.overdue,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PlanParams {
    /// Only the plans of this year.
    year: Option<i32>,
}

/// The plans (the province's, units' and blocks'), with how far their tasks are.
#[utoipa::path(get, path = "/api/v1/plans", params(PlanParams), responses((status = 200, body = [PlanOut]), (status = 401)), tag = "plans")]
async fn list_plans(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(q): Query<PlanParams>,
) -> ApiResult<Vec<PlanOut>> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let plans = tdkt_store::plans::list(&state.db, q.year, tdkt_store::db::today()).await?;
    Ok(Json(plans.into_iter().map(PlanOut::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct PartyOut {
    /// The name as the plan writes it.
    name: String,
    /// unit | all_units | group_members | council | unmatched
    kind: String,
    unit_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    id: i64,
    /// "I.9": the group's place and the task's number.
    label: String,
    group: String,
    number: String,
    content: String,
    /// The time as written.
    due: String,
    /// month | quarter | half | by | regular | missing | unclear
    due_kind: String,
    due_last_day: Option<NaiveDate>,
    lead: String,
    lead_unit_id: Option<i64>,
    cooperating: Vec<PartyOut>,
    percent: i32,
    /// not_started | in_progress | done | overdue | ongoing
    status: String,
    /// The task of the parent plan it carries out.
    source_task_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SlipOut {
    task_id: i64,
    /// due_outside_year | no_time | unclear_time | unknown_lead | unknown_party | duplicate
    kind: String,
    message: String,
    /// A person has kept the task as written.
    confirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PlanDetail {
    plan: PlanOut,
    tasks: Vec<TaskOut>,
    slips: Vec<SlipOut>,
}

/// A plan with every task, its progress and the plan check.
#[utoipa::path(get, path = "/api/v1/plans/{id}", responses((status = 200, body = PlanDetail), (status = 401), (status = 404)), tag = "plans")]
async fn get_plan(State(state): State<AppState>, ApiCtx(ctx): ApiCtx, Path(id): Path<i64>) -> ApiResult<PlanDetail> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let today = tdkt_store::db::today();
    let p = tdkt_store::plans::get(&state.db.conn, id, today).await?;
    let tasks = tdkt_store::plans::tasks(&state.db, id).await?;
    let parties = tdkt_store::plans::parties(&state.db, id).await?;
    let labels = tdkt_store::plans::labels(tasks.iter().map(|t| (t.group_label.as_str(), t.number.as_str())));
    let slips = tdkt_store::plans::check(&state.db, &p)
        .await?
        .into_iter()
        .map(|s| SlipOut {
            task_id: s.task_id,
            kind: s.slip.kind.into(),
            message: s.slip.message,
            confirmed: s.confirmed,
        })
        .collect();
    let tasks = tasks
        .into_iter()
        .zip(labels)
        .map(|(t, label)| {
            let due = t.due();
            TaskOut {
                id: t.id,
                label,
                cooperating: parties
                    .iter()
                    .filter(|x| x.task_id == t.id)
                    .map(|x| PartyOut { name: x.name.clone(), kind: x.kind.clone(), unit_id: x.unit_id })
                    .collect(),
                status: tdkt_domain::plan::Progress::of(t.percent.into(), due, today).code().into(),
                due_last_day: due.deadline(),
                lead: t.lead_name.clone().unwrap_or_else(|| t.lead_text.clone()),
                group: t.group_label,
                number: t.number,
                content: t.content,
                due: t.due_text,
                due_kind: t.due_kind,
                lead_unit_id: t.lead_unit_id,
                percent: t.percent,
                source_task_id: t.source_task_id,
            }
        })
        .collect();
    Ok(Json(PlanDetail { plan: p.into(), tasks, slips }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "tdkt API", description = "Thi đua, khen thưởng: tổ chức, cán bộ, xét điều kiện khen thưởng, hồ sơ đề nghị, tra cứu giấy chứng nhận, kế hoạch và nhiệm vụ. Đăng nhập bằng phiên (cookie); gửi X-CSRF-Token với POST."),
    paths(list_units, get_unit, list_people, get_person, create_person, eligible, list_dossiers, get_dossier, get_certificate, list_plans, get_plan),
    components(schemas(UnitOut, PersonOut, UnitPage, PersonPage, PersonIn, EligibleOut, EligibleUnit, EligiblePerson, RouteCount, DossierOut, DossierPage, NomineeOut, DossierDetail, CertificateOut, PlanOut, PartyOut, TaskOut, SlipOut, PlanDetail)),
    tags((name = "units", description = "Đơn vị"), (name = "people", description = "Cán bộ, người lao động"), (name = "eligibility", description = "Xét điều kiện khen thưởng"), (name = "dossiers", description = "Hồ sơ đề nghị khen thưởng"), (name = "certificates", description = "Tra cứu giấy chứng nhận (công khai)"), (name = "plans", description = "Kế hoạch, nhiệm vụ trọng tâm"))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/units", get(list_units))
        .route("/api/v1/units/{id}", get(get_unit))
        .route("/api/v1/people", get(list_people).post(create_person))
        .route("/api/v1/people/{id}", get(get_person))
        .route("/api/v1/eligible", get(eligible))
        .route("/api/v1/dossiers", get(list_dossiers))
        .route("/api/v1/dossiers/{id}", get(get_dossier))
        .route("/api/v1/certificates/{code}", get(get_certificate))
        .route("/api/v1/plans", get(list_plans))
        .route("/api/v1/plans/{id}", get(get_plan))
}
