//! Bulk eligibility: who in the province (or a unit) qualifies for an award in a year, by unit,
//! with quota checks, the list of people, and an Excel export. The JSON API uses [`report`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_rules::SubjectKind;
use tdkt_store::org::{self, Person, Unit};

use super::render;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::view::Chrome;

/// `?award=BK_TINH&year=2025&unit=12`
#[derive(Debug, Deserialize, Default, Clone)]
pub struct EligibleQuery {
    pub award: Option<String>,
    pub year: Option<String>,
    pub unit: Option<String>,
    /// `1`: only those who qualify and have not been proposed in a dossier yet.
    pub not_nominated: Option<String>,
}

impl EligibleQuery {
    fn only_not_nominated(&self) -> bool {
        self.not_nominated.as_deref().is_some_and(|v| !v.trim().is_empty() && v != "0")
    }
}

/// One unit's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitLine {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub eligible: u64,
    /// Of those, already proposed in a dossier.
    pub nominated: u64,
    /// Already awarded for the year.
    pub held: u64,
    /// Holders of the quota's base award, when the award has a quota.
    pub base: Option<u64>,
    /// The most the unit may receive, when the quota's share is set.
    pub max: Option<u64>,
}

impl UnitLine {
    /// More already awarded than the quota allows.
    pub fn over(&self) -> bool {
        self.max.is_some_and(|m| self.held > m)
    }

    /// More qualify than the quota leaves room for: the unit has to choose.
    pub fn must_choose(&self) -> bool {
        self.max.is_some_and(|m| self.held + self.eligible > m)
    }
}

/// A person who qualifies.
#[derive(Debug, Clone)]
pub struct PersonLine {
    pub person: Person,
    pub routes: Vec<String>,
}

/// The quota that applies, as shown.
#[derive(Debug, Clone)]
pub struct QuotaInfo {
    pub base_name: String,
    pub param: String,
    pub ratio: Option<f64>,
    pub basis: String,
}

impl QuotaInfo {
    pub fn ratio_text(&self) -> String {
        match self.ratio {
            Some(r) => format!("{}%", (r * 1000.0).round() / 10.0),
            None => "chưa đặt".into(),
        }
    }
}

/// Everything the page, the export and the API show.
pub struct Report {
    pub awards: Vec<(String, String)>,
    pub years: Vec<i32>,
    pub units: Vec<Unit>,
    pub award: String,
    pub year: i32,
    pub unit: Option<Unit>,
    pub run: Option<tdkt_store::eligible::BulkRun>,
    /// People judged in the scope.
    pub people: u64,
    pub eligible: u64,
    /// Of those, already proposed in a dossier (under way or decided) for this award and year.
    pub nominated: u64,
    /// The list holds only those not proposed yet.
    pub only_not_nominated: bool,
    pub held: u64,
    /// Per route: name, people, and whether data can decide it (false: for people to judge).
    pub route_counts: Vec<(String, u64, bool)>,
    pub lines: Vec<UnitLine>,
    pub quota: Option<QuotaInfo>,
    /// Ids of the qualifying people in the scope, by unit order.
    pub ids: Vec<(i64, u8)>,
}

/// Runs the bulk judgement for the query, limited to the units `permission` reaches.
pub async fn report(state: &AppState, ctx: &Ctx, q: &EligibleQuery, permission: Permission) -> AppResult<Report> {
    ctx.require_anywhere(permission)?;
    let scope = ctx.scope(permission);
    let units = org::all_units(&state.db, &scope, true).await?;
    let (years, year) = crate::eligibility::years(state.config.current_year, q.year.as_deref())?;
    let awards = crate::eligibility::awards_for(SubjectKind::Individual, year)?;
    let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let id: i64 = u.parse().map_err(|_| AppError::Invalid(Invalid::one("unit", "đơn vị không hợp lệ")))?;
            let u = org::get_unit(&state.db.conn, id).await?;
            ctx.require(permission, &u.path)?;
            Some(u)
        }
        None => None,
    };
    let award = q.award.clone().map(|a| a.trim().to_string()).unwrap_or_default();
    let mut r = Report {
        awards,
        years,
        units,
        award,
        year,
        unit,
        run: None,
        people: 0,
        eligible: 0,
        nominated: 0,
        only_not_nominated: q.only_not_nominated(),
        held: 0,
        route_counts: vec![],
        lines: vec![],
        quota: None,
        ids: vec![],
    };
    if r.award.is_empty() {
        return Ok(r);
    }
    let engine = crate::eligibility::engine(&state.db).await?;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let run =
        tdkt_store::eligible::bulk(&state.db, &engine, &r.award, year, None, threads).await.map_err(|e| match e {
            tdkt_store::StoreError::Invalid(inv) => AppError::Invalid(inv),
            other => other.into(),
        })?;
    // Only the units in the caller's reach, and under the chosen unit.
    let within: HashMap<i64, &Unit> = r
        .units
        .iter()
        .filter(|u| r.unit.as_ref().is_none_or(|c| u.path.starts_with(&c.path)))
        .map(|u| (u.id, u))
        .collect();
    let quota = engine.rule_set_on(run.on).and_then(|s| s.quota(&run.award)).cloned();
    let base = match &quota {
        Some(q) => {
            Some(tdkt_store::eligible::holders_by_unit(&state.db, &engine.catalogue, &q.base_award, year).await?)
        }
        None => None,
    };
    let ratio = quota.as_ref().and_then(|q| engine.params.value(&q.param, run.on));
    r.quota = quota.map(|q| QuotaInfo {
        base_name: engine.catalogue.get(&q.base_award).map(|a| a.name.clone()).unwrap_or(q.base_award.clone()),
        param: q.param,
        ratio,
        basis: q.basis,
    });
    let nominated = tdkt_store::dossier::nominated_people(&state.db.conn, &run.award, year).await?;
    let mut by_unit: HashMap<i64, (u64, u64, u64)> = HashMap::new();
    let mut route_counts = vec![0u64; run.route_names.len()];
    for row in run.rows.iter().filter(|x| within.contains_key(&x.unit)) {
        let e = by_unit.entry(row.unit).or_default();
        if row.routes != 0 {
            e.0 += 1;
            let proposed = nominated.contains(&row.id);
            e.2 += u64::from(proposed);
            if !(proposed && r.only_not_nominated) {
                r.ids.push((row.id, row.routes));
            }
            for (i, c) in route_counts.iter_mut().enumerate() {
                *c += u64::from(row.routes >> i & 1);
            }
        }
        e.1 += u64::from(row.held);
    }
    r.people = run.people_in(|u| within.contains_key(&u));
    r.eligible = by_unit.values().map(|v| v.0).sum();
    r.held = by_unit.values().map(|v| v.1).sum();
    r.nominated = by_unit.values().map(|v| v.2).sum();
    r.route_counts = run
        .route_names
        .iter()
        .zip(route_counts)
        .zip(&run.route_checkable)
        .map(|((n, c), k)| (n.clone(), c, *k))
        .collect();
    r.lines = r
        .units
        .iter()
        .filter_map(|u| {
            let (eligible, held, nominated) = by_unit.get(&u.id).copied()?;
            let b = base.as_ref().map(|m| m.get(&u.id).copied().unwrap_or(0));
            let max = match (b, ratio) {
                (Some(b), Some(ratio)) => Some((b as f64 * ratio + 1e-9).floor() as u64),
                _ => None,
            };
            Some(UnitLine {
                unit_id: u.id,
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                eligible,
                nominated,
                held,
                base: b,
                max,
            })
        })
        .collect();
    r.run = Some(run);
    Ok(r)
}

impl Report {
    /// The qualifying people with names, in unit then Vietnamese name order.
    pub async fn people_lines(&self, state: &AppState, limit: usize) -> AppResult<Vec<PersonLine>> {
        let Some(run) = &self.run else { return Ok(vec![]) };
        let routes: HashMap<i64, u8> = self.ids.iter().copied().collect();
        let ids: Vec<i64> = self.ids.iter().take(limit).map(|x| x.0).collect();
        let mut out: Vec<PersonLine> = org::people_by_ids(&state.db, &ids)
            .await?
            .into_iter()
            .map(|person| {
                let routes = run.routes_of(routes.get(&person.id).copied().unwrap_or(0));
                PersonLine { person, routes }
            })
            .collect();
        out.sort_by_cached_key(|l| (l.person.unit_path.clone(), text::person_sort_key(&l.person.full_name)));
        Ok(out)
    }

    pub fn query(&self) -> String {
        let mut q = format!("award={}&year={}", self.award, self.year);
        if let Some(u) = &self.unit {
            q.push_str(&format!("&unit={}", u.id));
        }
        if self.only_not_nominated {
            q.push_str("&not_nominated=1");
        }
        q
    }
}

/// People shown on the page before asking to narrow down or export.
const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "eligible.html")]
struct EligiblePage {
    chrome: Chrome,
    r: Report,
    people: Vec<PersonLine>,
    more: usize,
    error: Option<String>,
    can_export: bool,
}

impl EligiblePage {
    fn on_text(&self) -> String {
        self.r.run.as_ref().map(|r| text::format_date(r.on)).unwrap_or_default()
    }

    fn n(&self, v: &u64) -> String {
        crate::view::num(v)
    }

    fn not_nominated(&self) -> String {
        crate::view::num(&(self.r.eligible - self.r.nominated))
    }

    fn sel_unit(&self, id: &i64) -> bool {
        self.r.unit.as_ref().is_some_and(|u| u.id == *id)
    }
}

pub async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<EligibleQuery>) -> AppResult<Response> {
    let (r, error) = match report(&state, &ctx, &q, Permission::ViewOrg).await {
        Ok(r) => (r, None),
        // A bad award or year is shown on the form, with the choices still there.
        Err(AppError::Invalid(inv)) => {
            let mut fallback = q.clone();
            fallback.award = None;
            fallback.year = None;
            let r = report(&state, &ctx, &fallback, Permission::ViewOrg).await?;
            let msg = inv.0.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ");
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page_html(&state, &ctx, r, Some(msg)).await?)
                .into_response());
        }
        Err(e) => return Err(e),
    };
    Ok(page_html(&state, &ctx, r, error).await?.into_response())
}

async fn page_html(
    state: &AppState,
    ctx: &Ctx,
    r: Report,
    error: Option<String>,
) -> AppResult<axum::response::Html<String>> {
    let people = r.people_lines(state, SHOWN).await?;
    let more = r.ids.len().saturating_sub(people.len());
    let chrome = Chrome::new(state, ctx, "/eligible", "Xét điều kiện hàng loạt");
    let can_export = ctx.subject.can_anywhere(Permission::Export);
    render(&EligiblePage { chrome, r, people, more, error, can_export })
}

/// `/eligible.xlsx?award=...&year=...&unit=...`: every qualifying person in the caller's reach.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    Query(q): Query<EligibleQuery>,
) -> AppResult<Response> {
    let r = report(&state, &ctx, &q, Permission::Export).await?;
    let Some(run) = &r.run else {
        return Err(AppError::Invalid(Invalid::one("award", "chọn danh hiệu, hình thức khen thưởng để xuất")));
    };
    let people = r.people_lines(&state, usize::MAX).await?;
    let headers = ["STT", "Họ và tên", "Ngày sinh", "Chức vụ", "Đơn vị", "Mã đơn vị", "Đạt theo"];
    let rows: Vec<Vec<String>> = people
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.person.full_name.clone(),
                crate::view::date(&l.person.birth_date),
                l.person.position.clone(),
                l.person.unit_name.clone(),
                l.person.unit_code.clone(),
                l.routes.join("; "),
            ]
        })
        .collect();
    let scope = r.unit.as_ref().map(|u| format!(" — {}", u.name)).unwrap_or_default();
    let title = format!("Danh sách đủ điều kiện “{}” năm {}{scope} ({})", run.award_name, run.year, run.rule_set_name);
    let name = format!("du-dieu-kien-{}-{}", text::fold(&run.award).replace(' ', "-").to_lowercase(), run.year);
    let bytes = super::exchange::write(&format, "Đủ điều kiện", &title, &headers, &rows)?;
    Ok(super::exchange::file_response(&name, &format, bytes))
}
