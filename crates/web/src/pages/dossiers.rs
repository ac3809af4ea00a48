//! Nomination dossiers: the list (a unit's own dossiers, the office's queue), opening a dossier,
//! nominees with the engine's verdict, typed documents, and each step of the procedure.
//!
//! Which buttons a page shows and which requests are accepted both come from
//! `tdkt_domain::dossier::transition`, asked once for each role the user holds over the
//! dossier's unit: the page never offers what the state machine would refuse.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::dossier::{self as flow, Action, DocKind, DossierKind, Facts, Proposes, Status, Who};
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_rules::catalogue::Category;
use tdkt_rules::{SubjectKind, Verdict};
use tdkt_store::dossier::{self as store, Document, Dossier, DossierFilter, DossierLine, Nominee, OtherNomination};
use tdkt_store::files;
use tdkt_store::org::{self, Person, PersonFilter, Unit};
use tdkt_store::registry::{Holder, Judged};
use tdkt_store::{Actor, Page};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{page_number, render};
use crate::view::{Chrome, num, with_page};

/// Awards whose dossier needs the certification of an initiative or science work
/// (Law Đ84 k1 point d: CSTĐCS, CSTĐ of the province, CSTĐTQ).
const NEEDS_INITIATIVE_CERTIFICATE: &[&str] = &["CSTD_CS", "CSTD_TINH", "CSTD_TQ"];

/// A stored time (RFC 3339, UTC) as Vietnamese offices read it: `dd/mm/yyyy hh:mm` in Vietnam's
/// time (UTC+7 all year).
pub(crate) fn at_text(rfc3339: &str) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600);
    match (chrono::DateTime::parse_from_rfc3339(rfc3339), vietnam) {
        (Ok(t), Some(tz)) => t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
        _ => rfc3339.to_string(),
    }
}

/// A posting period: from the day the nominees were posted, `days` working days not counting
/// that day (weekends and public holidays excluded); the council may take the dossier after `end`.
pub struct Posting {
    pub start: chrono::NaiveDate,
    pub days: Option<u32>,
    pub end: Option<chrono::NaiveDate>,
}

async fn posting(state: &AppState, d: &Dossier) -> AppResult<Option<Posting>> {
    let Some(start) = d.posted_on else { return Ok(None) };
    Ok(Some(posting_from(state, start).await?))
}

/// The posting period of nominees posted on `start`.
pub(crate) async fn posting_from(state: &AppState, start: chrono::NaiveDate) -> AppResult<Posting> {
    let engine = crate::eligibility::engine(&state.db).await?;
    // The number of days is a dated parameter (NĐ 98/2023 Đ46 k2); unset, the office judges.
    let days = engine.params.value("posting.working_days", start).map(|v| v.round().max(0.0) as u32);
    let entered = store::holidays(&state.db.conn).await?.into_iter().map(|h| h.day);
    let calendar = tdkt_rules::holidays::calendar(entered);
    let end = days.map(|n| calendar.nth_working_day(start.succ_opt().unwrap_or(start), n));
    Ok(Posting { start, days, end })
}

/// The roles the user holds over the dossier's unit, as the state machine sees them.
fn whos(ctx: &Ctx, d: &Dossier) -> Vec<Who> {
    let mut out: Vec<Who> = vec![];
    for g in &ctx.subject.grants {
        if d.unit_path.starts_with(&g.unit_path) && !out.iter().any(|w| w.role == g.role) {
            out.push(Who { role: g.role, over_unit: true, chair: false });
        }
    }
    out
}

/// The state after `action` for the first of the user's roles that may take it, or the refusal
/// given to the most relevant role (the first one).
fn decide(ctx: &Ctx, d: &Dossier, action: &Action, facts: &Facts) -> Result<Status, flow::Refusal> {
    let roles = whos(ctx, d);
    let mut first = None;
    for who in roles {
        match flow::transition(d.status, action, who, facts) {
            Ok(s) => return Ok(s),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_else(|| flow::Refusal("Bạn không có vai trò nào đối với đơn vị của hồ sơ này".into())))
}

/// What the state machine needs to know of a dossier.
fn facts(
    d: &Dossier,
    nominees: &[Nominee],
    documents: &[Document],
    council: &[(i64, bool)],
) -> AppResult<(Facts, Proposes)> {
    let catalogue = &crate::eligibility::base()?.catalogue;
    let awards: Vec<_> = nominees.iter().filter_map(|n| catalogue.get(&n.award_code)).collect();
    let proposes = Proposes {
        title: awards.iter().any(|a| a.category == Category::DanhHieuThiDua),
        emulation_fighter: awards.iter().any(|a| NEEDS_INITIATIVE_CERTIFICATE.contains(&a.code.as_str())),
        simplified: d.simplified,
    };
    let attached: Vec<DocKind> = documents.iter().filter_map(Document::doc_kind).collect();
    Ok((
        Facts {
            missing: flow::missing_documents(proposes, &attached),
            nominees: nominees.len(),
            // NĐ 98/2023 Đ46 k2: orders and State honorary titles are posted publicly before
            // the council (law.md §4.3).
            needs_posting: awards.iter().any(|a| matches!(a.category, Category::HuanChuong | Category::DanhHieuVinhDu)),
            decided_above: !awards.is_empty()
                && awards.iter().all(|a| matches!(a.level.as_str(), "nha_nuoc" | "chinh_phu")),
            council_passed: council.iter().any(|(_, passed)| *passed),
        },
        proposes,
    ))
}

async fn load(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Dossier> {
    let d = store::get(&state.db.conn, id).await?;
    ctx.require(Permission::ViewDossiers, &d.unit_path)?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub round: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub overdue: Option<String>,
    pub page: Option<u64>,
}

/// The groups of statuses the list filters by.
const STATUS_GROUPS: &[(&str, &str, &[Status])] = &[
    ("cho_xu_ly", "Chờ thẩm định", &[Status::Submitted, Status::Appraising]),
    ("don_vi", "Đang ở đơn vị (soạn, bổ sung)", &[Status::Draft, Status::Returned]),
    ("hoi_dong", "Công khai, Hội đồng", &[Status::Posting, Status::Council, Status::Voted]),
    ("cap_tren", "Đã trình cấp trên", &[Status::Forwarded]),
    ("ket_thuc", "Đã kết thúc", &[Status::Decided, Status::Refused, Status::Withdrawn]),
];

#[derive(Template)]
#[template(path = "dossiers.html")]
struct ListPage {
    chrome: Chrome,
    q: ListQuery,
    query: String,
    rounds: Vec<store::Round>,
    kinds: &'static [DossierKind],
    groups: &'static [(&'static str, &'static str, &'static [Status])],
    statuses: &'static [Status],
    result: Page<DossierLine>,
    today: chrono::NaiveDate,
    can_propose: bool,
    can_open_round: bool,
    round_error: Option<String>,
    next_round: (i32, i32),
}

impl ListPage {
    fn page_link(&self, p: u64) -> String {
        with_page(&self.query, p)
    }
    fn total(&self) -> String {
        num(&self.result.total)
    }
    fn sel(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "round" => self.q.round.as_deref(),
            "kind" => self.q.kind.as_deref(),
            _ => self.q.status.as_deref(),
        };
        v == Some(value)
    }
    fn qtext(&self) -> &str {
        self.q.q.as_deref().unwrap_or_default()
    }
    fn overdue_checked(&self) -> bool {
        self.q.overdue.as_deref().is_some_and(|v| !v.is_empty())
    }
    fn d(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
    fn at(&self, s: &Option<String>) -> String {
        s.as_deref().map(at_text).unwrap_or_default()
    }
    fn status_class(&self, s: &Status) -> &'static str {
        status_class(*s)
    }
    fn overdue(&self, d: &Dossier) -> bool {
        d.overdue(self.today)
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Draft => "muted",
        Status::Returned | Status::Posting => "warn",
        Status::Refused | Status::Withdrawn => "bad",
        Status::Decided => "ok",
        _ => "",
    }
}

fn parse_id(field: &str, v: Option<&str>) -> AppResult<Option<i64>> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::Invalid(Invalid::one(field, format!("“{s}” không phải mã hợp lệ")))),
    }
}

async fn may_open_round(state: &AppState, ctx: &Ctx) -> AppResult<bool> {
    // Rounds are province-wide: the office's grant must cover every root unit.
    let roots: Vec<Unit> = org::all_units(&state.db, &["/".to_string()], true)
        .await?
        .into_iter()
        .filter(|u| u.parent_id.is_none())
        .collect();
    Ok(!roots.is_empty() && roots.iter().all(|r| ctx.subject.can(Permission::Appraise, &r.path)))
}

/// The list's filters from its query, checked against what the user may read.
async fn filter_of(state: &AppState, ctx: &Ctx, q: &ListQuery, today: chrono::NaiveDate) -> AppResult<DossierFilter> {
    let unit_path = match parse_id("unit", q.unit.as_deref())? {
        Some(id) => {
            let u = org::get_unit(&state.db.conn, id).await?;
            ctx.require(Permission::ViewDossiers, &u.path)?;
            Some(u.path)
        }
        None => None,
    };
    let statuses = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => vec![],
        Some(s) => match STATUS_GROUPS.iter().find(|g| g.0 == s) {
            Some(g) => g.2.to_vec(),
            None => vec![
                Status::parse(s)
                    .ok_or_else(|| AppError::Invalid(Invalid::one("status", format!("trạng thái “{s}” không có"))))?,
            ],
        },
    };
    let filter = DossierFilter {
        scope: ctx.scope(Permission::ViewDossiers),
        q: q.q.clone(),
        round_id: parse_id("round", q.round.as_deref())?,
        kind: q.kind.as_deref().filter(|k| !k.is_empty()).and_then(DossierKind::parse),
        unit_path,
        statuses,
        overdue_on: q.overdue.as_deref().filter(|v| !v.is_empty()).map(|_| today),
    };
    Ok(filter)
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    q: ListQuery,
    raw: String,
    round_error: Option<String>,
) -> AppResult<ListPage> {
    let today = tdkt_store::db::today();
    let filter = filter_of(state, ctx, &q, today).await?;
    let result = store::list(&state.db, &filter, page_number(q.page), 50).await?;
    let rounds = store::rounds(&state.db).await?;
    let year = state.config.current_year;
    let next = rounds.iter().filter(|r| r.year == year).map(|r| r.number).max().unwrap_or(0) + 1;
    Ok(ListPage {
        chrome: Chrome::new(state, ctx, "/dossiers", "Hồ sơ đề nghị khen thưởng"),
        q,
        query: raw,
        rounds,
        kinds: &DossierKind::ALL,
        groups: STATUS_GROUPS,
        statuses: &Status::ALL,
        result,
        today,
        can_propose: ctx.subject.can_anywhere(Permission::Propose),
        can_open_round: may_open_round(state, ctx).await?,
        round_error,
        next_round: (year, next),
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewDossiers)?;
    let page = list_page(&state, &ctx, q, raw.unwrap_or_default(), None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct RoundForm {
    year: String,
    number: String,
    #[serde(default)]
    name: String,
    submit_by: String,
}

pub async fn create_round(State(state): State<AppState>, ctx: Ctx, Form(f): Form<RoundForm>) -> AppResult<Response> {
    if !may_open_round(&state, &ctx).await? {
        return Err(AppError::Forbidden);
    }
    let mut bad = Invalid::default();
    let year = f.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        bad.push("year", format!("năm “{}” không hợp lệ", f.year.trim()));
    }
    let number = f.number.trim().parse::<i32>().ok().filter(|n| (1..=12).contains(n));
    if number.is_none() {
        bad.push("number", format!("số đợt “{}” phải từ 1 đến 12", f.number.trim()));
    }
    let submit_by = text::parse_date(&f.submit_by);
    if submit_by.is_none() {
        bad.push("submit_by", format!("hạn gửi hồ sơ “{}” không phải ngày dạng dd/mm/yyyy", f.submit_by.trim()));
    }
    let result = match (year, number, submit_by, bad.is_empty()) {
        (Some(y), Some(n), Some(by), true) => {
            let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
            match store::create_round(&mut w, y, n, &f.name, by).await {
                Ok(_) => w.commit().await.map_err(AppError::from),
                Err(e) => Err(e.into()),
            }
        }
        _ => Err(AppError::Invalid(bad)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/dossiers").into_response()),
        Err(AppError::Invalid(i)) => {
            let msg = AppError::Invalid(i).message();
            let page = list_page(&state, &ctx, ListQuery::default(), String::new(), Some(msg)).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Opening a dossier

#[derive(Deserialize, Default)]
pub struct NewForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    round: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    simplified: Option<String>,
    #[serde(default)]
    title: String,
}

#[derive(Template)]
#[template(path = "dossier_new.html")]
struct NewPage {
    chrome: Chrome,
    units: Vec<Unit>,
    rounds: Vec<store::Round>,
    kinds: &'static [DossierKind],
    f: NewForm,
    errors: Invalid,
}

impl NewPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors.message_for(field)
    }
    fn d(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
}

async fn new_page(state: &AppState, ctx: &Ctx, mut f: NewForm, errors: Invalid) -> AppResult<NewPage> {
    let units = org::all_units(&state.db, &ctx.scope(Permission::Propose), false).await?;
    let rounds = store::rounds(&state.db).await?;
    if f.round.is_empty() {
        // The open round whose last day comes first.
        let today = tdkt_store::db::today();
        if let Some(r) = rounds.iter().filter(|r| r.submit_by >= today).min_by_key(|r| r.submit_by) {
            f.round = r.id.to_string();
        }
    }
    Ok(NewPage {
        chrome: Chrome::new(state, ctx, "/dossiers", "Lập hồ sơ đề nghị khen thưởng"),
        units,
        rounds,
        kinds: &DossierKind::ALL,
        f,
        errors,
    })
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Propose)?;
    let f = NewForm { unit: ctx.user.unit_id.to_string(), ..NewForm::default() };
    Ok(render(&new_page(&state, &ctx, f, Invalid::default()).await?)?.into_response())
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<NewForm>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::Propose)?;
    let mut bad = Invalid::default();
    let unit = match parse_id("unit", Some(&f.unit)) {
        Ok(Some(id)) => Some(org::get_unit(&state.db.conn, id).await?),
        _ => {
            bad.push("unit", "hãy chọn đơn vị đề nghị");
            None
        }
    };
    if let Some(u) = &unit {
        ctx.require(Permission::Propose, &u.path)?;
    }
    let round = parse_id("round", Some(&f.round)).ok().flatten();
    if round.is_none() {
        bad.push("round", "hãy chọn đợt xét khen thưởng");
    }
    let kind = DossierKind::parse(&f.kind);
    if kind.is_none() {
        bad.push("kind", "hãy chọn loại hồ sơ");
    }
    let result = match (unit, round, kind, bad.is_empty()) {
        (Some(u), Some(r), Some(k), true) => {
            let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
            let new = store::NewDossier {
                unit_id: u.id,
                round_id: r,
                kind: k,
                simplified: f.simplified.as_deref().is_some_and(|v| !v.is_empty()),
                title: f.title.clone(),
            };
            match store::create(&mut w, &new).await {
                Ok(id) => w.commit().await.map(|_| id).map_err(AppError::from),
                Err(e) => Err(e.into()),
            }
        }
        _ => Err(AppError::Invalid(bad)),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(AppError::Invalid(i)) => {
            let page = new_page(&state, &ctx, f, i).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// The dossier page

/// A nominee as the page shows it: the verdict when added, the verdict on today's data, and
/// other dossiers proposing the same holder for the same award and year.
pub struct NomineeView {
    pub n: Nominee,
    pub then: Option<Verdict>,
    pub now: Option<Verdict>,
    pub now_error: Option<String>,
    pub others: Vec<OtherNomination>,
    /// Open complaints, inspections or investigations (law.md G4).
    pub open: Vec<String>,
    /// The council's result, once it has voted.
    pub passed: Option<bool>,
}

impl NomineeView {
    pub fn changed(&self) -> bool {
        match (&self.then, &self.now) {
            (Some(a), Some(b)) => a.eligible() != b.eligible(),
            _ => false,
        }
    }
    /// The person's or the collective's page.
    pub fn holder_link(&self) -> String {
        match self.n.person_id {
            Some(p) => format!("/people/{p}"),
            None => format!("/units/{}", self.n.unit_id.unwrap_or_default()),
        }
    }
}

pub struct ActionView {
    pub code: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
    pub danger: bool,
}

pub struct StepView {
    pub at: String,
    pub actor: String,
    pub text: String,
    pub reason: String,
}

pub struct RequiredDoc {
    pub label: &'static str,
    pub basis: &'static str,
    pub present: bool,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    chrome: Chrome,
    d: Dossier,
    nominees: Vec<NomineeView>,
    documents: Vec<Document>,
    required: Vec<RequiredDoc>,
    actions: Vec<ActionView>,
    /// Why the unit cannot send yet (missing documents, no nominee).
    submit_blocked: Option<String>,
    can_edit: bool,
    /// The office may record what the higher authority decided.
    can_record_outcome: bool,
    /// Who decides the first nominee's award (the catalogue's authority), for the outcome form.
    authority: String,
    posting: Option<Posting>,
    /// The appraisal checklist, for the office while it receives and appraises: (passed, text).
    checklist: Vec<(bool, String)>,
    timeline: Vec<StepView>,
    versions: Vec<store::Version>,
    individual_awards: Vec<(String, String)>,
    collective_awards: Vec<(String, String)>,
    years: Vec<i32>,
    default_year: i32,
    find: String,
    candidates: Vec<Person>,
    collectives: Vec<Unit>,
    doc_kinds: &'static [DocKind],
    accept: String,
    accepted_labels: String,
    max_mb: usize,
    overdue: bool,
    /// Comments from the public portal: all of them for the office, accepted ones for the
    /// council and the province's readers, none for the unit.
    comments: Vec<tdkt_store::portal::Comment>,
    can_moderate: bool,
}

impl DossierPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
    fn draft(&self) -> bool {
        self.d.status == Status::Draft
    }
    fn returned(&self) -> bool {
        self.d.status == Status::Returned
    }
    fn at(&self, s: &Option<String>) -> String {
        s.as_deref().map(at_text).unwrap_or_default()
    }
    fn at_str(&self, s: &str) -> String {
        at_text(s)
    }
    fn doc_label(&self, code: &str) -> &'static str {
        DocKind::parse(code).map(DocKind::label).unwrap_or("Tài liệu")
    }
    fn size(&self, bytes: &i64) -> String {
        let b = *bytes as f64;
        if b >= 1024.0 * 1024.0 {
            format!("{:.1} MB", b / 1024.0 / 1024.0).replace('.', ",")
        } else {
            format!("{} KB", (*bytes as u64).div_ceil(1024))
        }
    }
    fn status_class(&self, s: &Status) -> &'static str {
        status_class(*s)
    }
    fn cond_class(&self, s: &tdkt_rules::Status) -> &'static str {
        crate::eligibility::status_class(s)
    }
    fn verdict_label(&self, v: &str) -> &'static str {
        match v {
            "eligible" => "Đủ điều kiện",
            "not_eligible" => "Chưa đủ điều kiện",
            _ => "Chưa có quy tắc xét tự động",
        }
    }
    fn verdict_class(&self, v: &str) -> &'static str {
        match v {
            "eligible" => "ok",
            "not_eligible" => "bad",
            _ => "warn",
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    find: Option<String>,
}

async fn verdict_for(state: &AppState, holder: Holder, award: &str, year: i32) -> AppResult<Judged> {
    let engine = crate::eligibility::engine(&state.db).await?;
    Ok(tdkt_store::registry::judge(&state.db, &engine, holder, award, year).await?)
}

fn step_text(catalogue: &tdkt_rules::Catalogue, action: &str, detail: &serde_json::Value) -> (String, String) {
    let s = |k: &str| detail.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let award = || catalogue.get(&s("award")).map(|a| a.name.clone()).unwrap_or_else(|| s("award"));
    let status = |k: &str| Status::parse(&s(k)).map(Status::label).unwrap_or_default();
    let text = match action {
        "dossier.create" => format!("Lập hồ sơ “{}”", s("title")),
        "dossier.add_nominee" => format!("Thêm {} — {} năm {}", s("name"), award(), detail["year"]),
        "dossier.remove_nominee" => format!("Bỏ {} — {} năm {}", s("name"), award(), detail["year"]),
        "dossier.add_document" => format!(
            "Đính kèm {}: {}",
            DocKind::parse(&s("kind")).map(DocKind::label).unwrap_or_default(),
            s("file_name")
        ),
        "dossier.remove_document" => format!("Gỡ tài liệu {}", s("file_name")),
        "dossier.submit" => format!("Gửi hồ sơ (lần {}): {}", detail["version"], status("to")),
        _ => format!("{} → {}", status("from"), status("to")),
    };
    let text = match action {
        "dossier.withdraw" => format!("Đơn vị rút hồ sơ ({text})"),
        "dossier.start_appraisal" => "Bắt đầu thẩm định".to_string(),
        "dossier.return" => "Trả lại để bổ sung".to_string(),
        "dossier.refuse" => "Kết luận không khen thưởng".to_string(),
        "dossier.pass" => format!("Chuyển tiếp: {}", status("to")),
        "dossier.end_posting" => "Kết thúc công khai, trình Hội đồng".to_string(),
        "dossier.on_agenda" => format!("Đưa vào phiên họp Hội đồng “{}”", s("title")),
        "dossier.close_vote" => format!("Hội đồng kết thúc bỏ phiếu: {}", status("to")),
        "dossier.forward" => "Trình cấp trên".to_string(),
        "dossier.decide" => "Có quyết định khen thưởng".to_string(),
        "dossier.public_comment" => format!("Nhận ý kiến của nhân dân về {}", s("nominee")),
        "dossier.moderate_comment" => match s("status").as_str() {
            "accepted" => "Tiếp nhận ý kiến của nhân dân, trình Hội đồng".to_string(),
            _ => format!("Không tiếp nhận ý kiến của nhân dân: {}", s("note")),
        },
        "dossier.outcome" => match s("decision").as_str() {
            "" => "Cấp trên không khen thưởng".to_string(),
            number => {
                format!("Cấp trên quyết định khen thưởng: Quyết định số {number} ({} người, tập thể)", detail["awards"])
            }
        },
        _ => text,
    };
    (text, s("reason"))
}

const OFFERED: &[(&str, bool, bool)] = &[
    // (code, needs a reason, shown as a danger button)
    ("submit", false, false),
    ("start_appraisal", false, false),
    ("pass", false, false),
    ("end_posting", false, false),
    ("forward", false, false),
    ("return", true, false),
    ("refuse", true, true),
    ("withdraw", false, true),
];

fn action_of(code: &str, reason: &str) -> Option<Action> {
    Some(match code {
        "submit" => Action::Submit,
        "withdraw" => Action::Withdraw,
        "start_appraisal" => Action::StartAppraisal,
        "return" => Action::Return { reason: reason.to_string() },
        "refuse" => Action::Refuse { reason: reason.to_string() },
        "pass" => Action::PassToCouncil,
        "end_posting" => Action::EndPosting,
        "forward" => Action::Forward,
        _ => return None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(sq): Query<ShowQuery>,
) -> AppResult<Response> {
    let d = load(&state, &ctx, id).await?;
    let nominees = store::nominees(&state.db.conn, id).await?;
    let documents = store::documents(&state.db.conn, id).await?;
    let council = tdkt_store::council::results_of_dossier(&state.db.conn, id).await?;
    let (facts, proposes) = facts(&d, &nominees, &documents, &council)?;
    let attached: Vec<DocKind> = documents.iter().filter_map(Document::doc_kind).collect();
    let required = flow::required_documents(proposes)
        .into_iter()
        .map(|(k, basis)| RequiredDoc { label: k.label(), basis, present: attached.contains(&k) })
        .collect();
    let mut actions = vec![];
    let mut submit_blocked = None;
    for (code, needs_reason, danger) in OFFERED {
        let Some(action) = action_of(code, "lý do") else { continue };
        match decide(&ctx, &d, &action, &facts) {
            Ok(_) => {
                actions.push(ActionView { code, label: action.label(), needs_reason: *needs_reason, danger: *danger })
            }
            Err(e)
                if *code == "submit"
                    && d.status.unit_may_edit()
                    && ctx.subject.can(Permission::Propose, &d.unit_path) =>
            {
                submit_blocked = Some(e.0)
            }
            Err(_) => {}
        }
    }
    let can_edit = d.status.unit_may_edit() && ctx.subject.can(Permission::Propose, &d.unit_path);
    let is_office = ctx.subject.can(Permission::Appraise, &d.unit_path);
    let mut views = Vec::with_capacity(nominees.len());
    for n in nominees {
        let then = serde_json::from_str::<Verdict>(&n.verdict_json).ok();
        let (now, now_error, open) = if d.status == Status::Draft {
            (None, None, vec![])
        } else {
            let j = verdict_for(&state, n.holder(), &n.award_code, n.year).await?;
            match j.verdict {
                Ok(v) => (Some(v), None, j.open),
                Err(e) => (None, Some(e), j.open),
            }
        };
        let others = store::other_nominations(&state.db, &n, &ctx.scope(Permission::ViewDossiers)).await?;
        let passed = council.iter().rev().find(|(id, _)| *id == n.id).map(|(_, p)| *p);
        views.push(NomineeView { n, then, now, now_error, others, open, passed });
    }
    let authority = views
        .first()
        .and_then(|v| crate::eligibility::base().ok()?.catalogue.get(&v.n.award_code).map(|a| a.authority.clone()))
        .unwrap_or_default();
    let checklist = if is_office && matches!(d.status, Status::Submitted | Status::Appraising) {
        appraisal_checklist(&facts, &views)
    } else {
        vec![]
    };
    let catalogue = &crate::eligibility::base()?.catalogue;
    let timeline = store::timeline(&state.db, id)
        .await?
        .into_iter()
        .map(|s| {
            let detail: serde_json::Value = serde_json::from_str(&s.detail).unwrap_or_default();
            let (text, reason) = step_text(catalogue, &s.action, &detail);
            StepView { at: at_text(&s.at), actor: s.actor_name, text, reason }
        })
        .collect();
    let years: Vec<i32> = (d.round.year - 5..=d.round.year).rev().collect();
    let find = sq.find.unwrap_or_default();
    let candidates = if can_edit && !text::fold(&find).is_empty() {
        let filter = PersonFilter {
            q: Some(find.clone()),
            unit_path: Some(d.unit_path.clone()),
            scope: ctx.scope(Permission::ViewOrg),
            ..PersonFilter::default()
        };
        org::search_people(&state.db, &filter, 1, 20).await?.items
    } else {
        vec![]
    };
    let collectives =
        if can_edit { org::all_units(&state.db, std::slice::from_ref(&d.unit_path), false).await? } else { vec![] };
    let awards_of = |kind: SubjectKind| -> Vec<(String, String)> {
        catalogue
            .all()
            .iter()
            .filter(|a| a.subjects.contains(&kind))
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect()
    };
    let province_reader = crate::pages::province_wide(&state, &ctx, Permission::ViewDossiers).await?;
    let comments = if is_office || province_reader {
        tdkt_store::portal::comments(&state.db.conn, id, !is_office).await?
    } else {
        vec![]
    };
    let today = tdkt_store::db::today();
    let page = DossierPage {
        comments,
        can_moderate: is_office,
        chrome: Chrome::new(&state, &ctx, "/dossiers", d.title.clone()),
        overdue: d.overdue(today),
        nominees: views,
        documents,
        required,
        actions,
        submit_blocked,
        can_edit,
        can_record_outcome: d.status == Status::Forwarded && is_office,
        authority,
        posting: posting(&state, &d).await?,
        checklist,
        timeline,
        versions: store::versions(&state.db.conn, id).await?,
        individual_awards: awards_of(SubjectKind::Individual),
        collective_awards: awards_of(SubjectKind::Collective),
        default_year: d.round.year - 1,
        years,
        find,
        candidates,
        collectives,
        doc_kinds: &DocKind::ALL,
        accept: files::accept_attribute(),
        accepted_labels: files::accepted_labels(),
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
        d,
    };
    Ok(render(&page)?.into_response())
}

/// What the office checks before passing a dossier on: documents, eligibility on today's data
/// (and whether it changed since the unit proposed), open complaints (G4), and the same nominee
/// proposed in another dossier.
fn appraisal_checklist(facts: &Facts, views: &[NomineeView]) -> Vec<(bool, String)> {
    let mut out = vec![];
    out.push(if facts.missing.is_empty() {
        (true, "Đủ thành phần hồ sơ theo quy định".to_string())
    } else {
        let names: Vec<&str> = facts.missing.iter().map(|d| d.label()).collect();
        (false, format!("Còn thiếu: {}", names.join("; ")))
    });
    let eligible = views.iter().filter(|v| v.now.as_ref().is_some_and(Verdict::eligible)).count();
    let unknown = views.iter().filter(|v| v.now.is_none()).count();
    let mut text = format!("{eligible}/{} người, tập thể đủ điều kiện theo dữ liệu hôm nay", views.len());
    if unknown > 0 {
        text.push_str(&format!(" ({unknown} hình thức chưa có quy tắc xét tự động: cần xem xét)"));
    }
    out.push((eligible == views.len(), text));
    let changed: Vec<&str> = views.iter().filter(|v| v.changed()).map(|v| v.n.name.as_str()).collect();
    out.push(if changed.is_empty() {
        (true, "Kết quả xét điều kiện không thay đổi so với lúc đơn vị đề nghị".to_string())
    } else {
        (false, format!("Kết quả xét đã thay đổi so với lúc đề nghị: {}", changed.join(", ")))
    });
    let open: Vec<String> =
        views.iter().filter(|v| !v.open.is_empty()).map(|v| format!("{} ({})", v.n.name, v.open.join("; "))).collect();
    out.push(if open.is_empty() {
        (true, "Không ai đang bị xem xét kỷ luật, thanh tra, khiếu nại, tố cáo".to_string())
    } else {
        (false, format!("Đang có vụ việc chưa kết thúc: {}", open.join(", ")))
    });
    let twice: Vec<&str> = views.iter().filter(|v| !v.others.is_empty()).map(|v| v.n.name.as_str()).collect();
    out.push(if twice.is_empty() {
        (true, "Không trùng với hồ sơ khác".to_string())
    } else {
        (false, format!("Cũng được đề nghị ở hồ sơ khác: {}", twice.join(", ")))
    });
    out
}

/// Loads a dossier the user may prepare now (their unit's, still with the unit).
async fn editable(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Dossier> {
    let d = load(state, ctx, id).await?;
    ctx.require(Permission::Propose, &d.unit_path)?;
    if !d.status.unit_may_edit() {
        return Err(AppError::Invalid(Invalid::one(
            "status",
            format!("Hồ sơ đang ở trạng thái “{}”: đơn vị không sửa được nữa", d.status.label()),
        )));
    }
    Ok(d)
}

#[derive(Deserialize)]
pub struct NomineeForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    collective: String,
    award: String,
    year: String,
}

pub async fn add_nominee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<NomineeForm>,
) -> AppResult<Response> {
    let d = editable(&state, &ctx, id).await?;
    let holder = match (parse_id("person", Some(&f.person))?, parse_id("collective", Some(&f.collective))?) {
        (Some(p), None) => Holder::Person(p),
        (None, Some(u)) => Holder::Unit(u),
        _ => return Err(AppError::Invalid(Invalid::one("person", "hãy chọn một người hoặc một tập thể"))),
    };
    // Someone outside the user's units is refused before anything about them is said.
    let path = match holder {
        Holder::Person(p) => org::get_person(&state.db.conn, p).await?.unit_path,
        Holder::Unit(u) => org::get_unit(&state.db.conn, u).await?.path,
    };
    ctx.require(Permission::Propose, &path)?;
    let catalogue = &crate::eligibility::base()?.catalogue;
    let award = catalogue
        .get(f.award.trim())
        .ok_or_else(|| AppError::Invalid(Invalid::one("award", format!("không có hình thức “{}”", f.award.trim()))))?;
    let kind = if matches!(holder, Holder::Person(_)) { SubjectKind::Individual } else { SubjectKind::Collective };
    if !award.subjects.contains(&kind) {
        return Err(AppError::Invalid(Invalid::one(
            "award",
            format!("“{}” không xét tặng cho {}", award.name, kind.label().to_lowercase()),
        )));
    }
    let year =
        f.year.trim().parse::<i32>().ok().filter(|y| (d.round.year - 30..=d.round.year).contains(y)).ok_or_else(
            || AppError::Invalid(Invalid::one("year", format!("năm thành tích “{}” không hợp lệ", f.year.trim()))),
        )?;
    let (verdict, json) = match verdict_for(&state, holder, &award.code, year).await?.verdict {
        Ok(v) => {
            let label = if v.eligible() { "eligible" } else { "not_eligible" };
            (label.to_string(), serde_json::to_string(&v).map_err(|e| AppError::Internal(e.to_string()))?)
        }
        Err(msg) => ("unknown".to_string(), serde_json::json!({"message": msg}).to_string()),
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    let n = store::NewNominee { holder, award_code: award.code.clone(), year, verdict, verdict_json: json };
    store::add_nominee(&mut w, &d, &n).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}#nominees")).into_response())
}

pub async fn remove_nominee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, nominee)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let d = editable(&state, &ctx, id).await?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    store::remove_nominee(&mut w, &d, nominee).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}#nominees")).into_response())
}

/// Reads the `kind` and the `file` of a document upload, in either order.
async fn read_document(mut mp: Multipart) -> AppResult<(String, String, Vec<u8>)> {
    let (mut kind, mut file) = (None, None);
    let broken = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("Tải tệp lên không thành công (tệp quá lớn hoặc bị ngắt giữa chừng): {e}"))
    };
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("kind") => kind = Some(field.text().await.map_err(broken)?),
            Some("file") => {
                let name = text::clean(field.file_name().unwrap_or("tep"));
                file = Some((name, field.bytes().await.map_err(broken)?.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind.unwrap_or_default();
    let Some((name, bytes)) = file.filter(|(n, b)| !(n.is_empty() && b.is_empty())) else {
        return Err(AppError::Invalid(Invalid::one("file", "chưa chọn tệp để đính kèm")));
    };
    Ok((kind, name, bytes))
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> AppResult<Response> {
    let d = editable(&state, &ctx, id).await?;
    let (kind, name, bytes) = read_document(mp).await?;
    let kind = DocKind::parse(&kind).ok_or_else(|| {
        AppError::Invalid(Invalid::one("kind", "hãy chọn loại tài liệu (tờ trình, báo cáo thành tích...)"))
    })?;
    let t = files::check("file", &name, &bytes, state.config.max_upload_bytes).map_err(AppError::Invalid)?;
    let sha = state.config.files.put(&bytes).await?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    let doc = store::NewDocument {
        kind,
        file_name: name,
        media_type: t.media_type.to_string(),
        size: bytes.len() as i64,
        sha256: sha,
    };
    store::add_document(&mut w, &d, &doc).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}#documents")).into_response())
}

pub async fn remove_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let d = editable(&state, &ctx, id).await?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    store::remove_document(&mut w, &d, doc).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}#documents")).into_response())
}

/// `filename*` of Content-Disposition (RFC 6266 / RFC 5987): UTF-8, percent-encoded.
pub(crate) fn disposition(name: &str) -> String {
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    // A plain ASCII name for old clients: the stem without diacritics, words joined by dashes.
    let path = std::path::Path::new(name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("tep");
    let ext: String = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let words: Vec<String> = text::fold(stem)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let plain = if words.is_empty() { "tep".to_string() } else { words.join("-") };
    format!("attachment; filename=\"{plain}.{ext}\"; filename*=UTF-8''{enc}")
}

pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let d = load(&state, &ctx, id).await?;
    let doc = store::document(&state.db.conn, d.id, doc).await?;
    let bytes = state.config.files.get(&doc.sha256).await?;
    Ok((
        [
            (header::CONTENT_TYPE, doc.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition(&doc.file_name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ActForm {
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ActForm>,
) -> AppResult<Response> {
    let d = load(&state, &ctx, id).await?;
    let action = action_of(f.action.trim(), &text::clean(&f.reason))
        .ok_or_else(|| AppError::Invalid(Invalid::one("action", format!("không có thao tác “{}”", f.action.trim()))))?;
    if whos(&ctx, &d).is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    // The facts are read inside the transaction: a document removed a moment ago counts.
    let d = store::get(&w.tx, id).await?;
    let nominees = store::nominees(&w.tx, id).await?;
    let documents = store::documents(&w.tx, id).await?;
    let council = tdkt_store::council::results_of_dossier(&w.tx, id).await?;
    let (facts, _) = facts(&d, &nominees, &documents, &council)?;
    let to = decide(&ctx, &d, &action, &facts).map_err(|r| AppError::Invalid(Invalid::one("action", r.0)))?;
    if action == Action::EndPosting
        && let Some(Posting { days: Some(n), end: Some(end), .. }) = posting(&state, &d).await?
        && tdkt_store::db::today() <= end
    {
        return Err(AppError::Invalid(Invalid::one(
            "action",
            format!(
                "Chưa đủ {n} ngày làm việc công khai (không tính ngày đăng, thứ Bảy, Chủ nhật và ngày nghỉ lễ, tết): được kết thúc sau ngày {}",
                text::format_date(end)
            ),
        )));
    }
    store::move_to(&mut w, &d, &action, to).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    outcome: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    signed_on: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    signer: String,
    #[serde(default)]
    reason: String,
}

/// The office records what the Prime Minister or the President decided on a forwarded dossier.
pub async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<OutcomeForm>,
) -> AppResult<Response> {
    let d = load(&state, &ctx, id).await?;
    if whos(&ctx, &d).is_empty() {
        return Err(AppError::Forbidden);
    }
    let awarded = match f.outcome.as_str() {
        "awarded" => true,
        "not_awarded" => false,
        other => return Err(AppError::Invalid(Invalid::one("outcome", format!("kết quả “{other}” không hợp lệ")))),
    };
    let mut first = None;
    let mut to = None;
    for who in whos(&ctx, &d) {
        match flow::forwarded_outcome(d.status, awarded, who) {
            Ok(s) => {
                to = Some(s);
                break;
            }
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    let Some(to) = to else {
        let why = first.map(|e| e.0).unwrap_or_default();
        return Err(AppError::Invalid(Invalid::one("outcome", why)));
    };
    let mut bad = Invalid::default();
    let decision = if awarded {
        let number = text::clean(&f.number);
        let issuer = text::clean(&f.issuer);
        let signed_on = text::parse_date(&f.signed_on);
        if number.is_empty() {
            bad.push("number", "cần ghi số quyết định của cấp trên (ví dụ 1234/QĐ-CTN)");
        }
        if issuer.is_empty() {
            bad.push("issuer", "cần ghi cơ quan, người quyết định");
        }
        if signed_on.is_none() {
            bad.push("signed_on", format!("ngày quyết định “{}” không phải dạng dd/mm/yyyy", f.signed_on.trim()));
        }
        signed_on.map(|signed_on| tdkt_store::registry::NewDecision {
            number,
            signed_on,
            issuer,
            signer: text::clean(&f.signer),
            unit_id: None,
        })
    } else {
        if text::clean(&f.reason).is_empty() {
            bad.push("reason", "cần ghi lý do cấp trên không khen thưởng");
        }
        None
    };
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    let catalogue = &crate::eligibility::base()?.catalogue;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    store::record_outcome(&mut w, catalogue, &d, to, decision.as_ref(), &f.reason).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_vietnamese_in_downloads() {
        let h = disposition("Tờ trình số 12.pdf");
        assert!(h.starts_with("attachment; filename=\"to-trinh-so-12.pdf\""), "{h}");
        assert!(h.contains("filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%20s%E1%BB%91%2012.pdf"), "{h}");
    }

    #[test]
    fn times_show_as_vietnamese_dates() {
        assert_eq!(at_text("2026-03-02T08:15:00.000Z"), "02/03/2026 15:15");
        assert_eq!(at_text("2026-12-31T20:00:00.000Z"), "01/01/2027 03:00");
    }

    #[test]
    fn every_offered_action_is_understood() {
        for (code, ..) in OFFERED {
            assert!(action_of(code, "x").is_some(), "{code}");
        }
    }
}

#[derive(Deserialize)]
pub struct ModerateForm {
    decision: String,
    #[serde(default)]
    note: String,
}

/// The office accepts a comment from the public for the council, or rejects it with a note.
pub async fn moderate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, comment)): Path<(i64, i64)>,
    Form(form): Form<ModerateForm>,
) -> AppResult<Response> {
    let d = load(&state, &ctx, id).await?;
    ctx.require(Permission::Appraise, &d.unit_path)?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        other => return Err(AppError::Invalid(Invalid::one("decision", format!("“{other}” không hợp lệ")))),
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    tdkt_store::portal::moderate(&mut w, id, comment, accept, &form.note, Some(ctx.user.id)).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/dossiers/{id}#comments")).into_response())
}

/// The list with its filters as a spreadsheet (.xlsx or .csv), every page.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewDossiers)?;
    let today = tdkt_store::db::today();
    let filter = filter_of(&state, &ctx, &q, today).await?;
    let mut rows = vec![];
    let mut page = 1;
    loop {
        let r = store::list(&state.db, &filter, page, 1000).await?;
        let last = page >= r.pages();
        for l in r.items {
            let d = l.dossier;
            rows.push(vec![
                d.id.to_string(),
                d.title.clone(),
                d.unit_name.clone(),
                d.round.name.clone(),
                text::format_date(d.round.submit_by),
                d.kind.label().to_string(),
                d.status.label().to_string(),
                l.nominees.to_string(),
                d.submitted_at.as_deref().map(at_text).unwrap_or_default(),
                if d.overdue(today) { "Quá hạn".into() } else { String::new() },
            ]);
        }
        if last {
            break;
        }
        page += 1;
    }
    let headers = [
        "Mã hồ sơ",
        "Tên hồ sơ",
        "Đơn vị đề nghị",
        "Đợt",
        "Hạn gửi",
        "Loại hồ sơ",
        "Trạng thái",
        "Số người, tập thể",
        "Gửi lúc",
        "Quá hạn",
    ];
    let title = format!("Hồ sơ đề nghị khen thưởng, lập ngày {}", text::format_date(today));
    let bytes = crate::pages::exchange::write(&format, "Hồ sơ", &title, &headers, &rows)?;
    let (media, name) = match format.as_str() {
        "csv" => ("text/csv; charset=utf-8", "ho-so-de-nghi-khen-thuong.csv"),
        _ => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ho-so-de-nghi-khen-thuong.xlsx"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
