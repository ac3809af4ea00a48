//! The law as the system holds it: the catalogue of titles and forms of commendation, the rule
//! sets in force, and the parameters with their dated values, where the province's officers set
//! the province's own values (quotas, thresholds the current texts leave open).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::text;
use tdkt_rules::params::{Override, Param};
use tdkt_rules::{AwardType, RuleSet};
use tdkt_store::Actor;

use super::render;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::view::Chrome;

/// One parameter as shown: the shipped values, the province's, and the value in force today.
pub struct ParamLine {
    pub param: Param,
    pub overrides: Vec<Override>,
    pub today: Option<f64>,
    pub province_today: bool,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    chrome: Chrome,
    awards: Vec<AwardType>,
    sets: Vec<RuleSet>,
    params: Vec<ParamLine>,
    can_edit: bool,
    error: Option<String>,
    form: ParamForm,
    /// Fixed holidays shipped with the rules (name, dd/mm) and their basis.
    fixed_holidays: Vec<(String, String)>,
    holiday_basis: String,
    /// Days the province entered.
    holidays: Vec<tdkt_store::dossier::Holiday>,
}

impl RulesPage {
    fn d(&self, v: &NaiveDate) -> String {
        text::format_date(*v)
    }

    fn value(&self, unit: &str, v: &Option<f64>) -> String {
        show_value(unit, *v)
    }

    fn set_to(&self, s: &RuleSet) -> String {
        s.effective_to.map(text::format_date).unwrap_or_else(|| "nay".into())
    }

    fn rule_codes(&self, s: &RuleSet) -> String {
        let mut codes: Vec<String> = s
            .rules
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    r.award,
                    if r.subject == tdkt_rules::SubjectKind::Individual { "cá nhân" } else { "tập thể" }
                )
            })
            .collect();
        codes.dedup();
        codes.join(", ")
    }

    fn multiplier(&self, a: &AwardType) -> String {
        a.multiplier.map(|m| format!("{m} lần lương cơ sở").replace('.', ",")).unwrap_or_default()
    }
}

fn show_value(unit: &str, v: Option<f64>) -> String {
    match v {
        None => "chưa đặt".into(),
        Some(x) if unit == "tỷ lệ" => format!("{}%", (x * 1000.0).round() / 10.0).replace('.', ","),
        Some(x) if unit.starts_with("đồng") => format!("{} {unit}", crate::view::num(&(x.round() as u64))),
        Some(x) if unit == "có/không" => {
            if x >= 1.0 {
                "có".into()
            } else {
                "không".into()
            }
        }
        Some(x) => format!("{x} {unit}").replace('.', ","),
    }
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct ParamForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    note: String,
}

/// Whether the user holds `ManageRules` on every root unit: the values apply province-wide.
async fn may_set(state: &AppState, ctx: &Ctx) -> AppResult<bool> {
    let roots: Vec<tdkt_store::org::Unit> = tdkt_store::org::all_units(&state.db, &["/".to_string()], true)
        .await?
        .into_iter()
        .filter(|u| u.parent_id.is_none())
        .collect();
    Ok(!roots.is_empty() && roots.iter().all(|r| ctx.subject.can(Permission::ManageRules, &r.path)))
}

async fn page(state: &AppState, ctx: &Ctx, form: ParamForm, error: Option<String>) -> AppResult<RulesPage> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let engine = crate::eligibility::engine(&state.db).await?;
    let today = chrono::Utc::now().date_naive();
    let params = engine
        .params
        .all()
        .iter()
        .map(|p| {
            let r = engine.params.resolve(&p.key, today);
            ParamLine {
                param: p.clone(),
                overrides: engine.params.overrides().iter().filter(|o| o.key == p.key).cloned().collect(),
                today: r.as_ref().and_then(|r| r.value),
                province_today: r.is_some_and(|r| r.province),
            }
        })
        .collect();
    Ok(RulesPage {
        chrome: Chrome::new(state, ctx, "/rules", "Danh mục, quy tắc và tham số"),
        awards: engine.catalogue.all().to_vec(),
        sets: engine.rule_sets.clone(),
        params,
        can_edit: may_set(state, ctx).await?,
        error,
        form,
        fixed_holidays: tdkt_rules::holidays::builtin()
            .fixed
            .iter()
            .map(|f| (f.name.clone(), format!("{:02}/{:02}", f.day, f.month)))
            .collect(),
        holiday_basis: tdkt_rules::holidays::builtin().basis.clone(),
        holidays: tdkt_store::dossier::holidays(&state.db.conn).await?,
    })
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    Ok(render(&page(&state, &ctx, ParamForm::default(), None).await?)?.into_response())
}

/// Parses a value typed by an officer: `0,15`, `0.15`, `15%` (a share), `2.340.000` (money).
fn parse_value(unit: &str, v: &str) -> Result<Option<f64>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if unit == "có/không" {
        return match text::fold(v).as_str() {
            "co" | "1" => Ok(Some(1.0)),
            "khong" | "0" => Ok(Some(0.0)),
            _ => Err(format!("“{v}”: ghi “có” hoặc “không”")),
        };
    }
    let (num, percent) = match v.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (v, false),
    };
    let cleaned = if unit.starts_with("đồng") { num.replace(['.', ' '], "") } else { num.replace(',', ".") };
    let x: f64 = cleaned.parse().map_err(|_| format!("“{v}” không phải là số"))?;
    let x = if percent { x / 100.0 } else { x };
    if !x.is_finite() || x < 0.0 {
        return Err(format!("“{v}” phải là số không âm"));
    }
    if unit == "tỷ lệ" && x > 1.0 {
        return Err(format!("tỷ lệ “{v}” phải từ 0 đến 100%"));
    }
    Ok(Some(x))
}

pub async fn set(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ParamForm>) -> AppResult<Response> {
    if !may_set(&state, &ctx).await? {
        return Err(AppError::Forbidden);
    }
    let base = crate::eligibility::base()?;
    let refuse = |msg: String| async {
        let p = page(&state, &ctx, f.clone(), Some(msg)).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
    };
    let Some(param) = base.params.all().iter().find(|p| p.key == f.key.trim()) else {
        return refuse(format!("Không có tham số “{}”", f.key.trim())).await;
    };
    let Some(from) = text::parse_date(&f.from) else {
        return refuse(format!("Ngày áp dụng “{}” không hợp lệ (dd/mm/yyyy)", f.from.trim())).await;
    };
    let value = match parse_value(&param.unit, &f.value) {
        Ok(v) => v,
        Err(m) => return refuse(format!("Giá trị: {m}")).await,
    };
    if text::clean(&f.note).is_empty() {
        return refuse("Ghi căn cứ (số, ngày văn bản của tỉnh) để người sau biết giá trị này từ đâu".into()).await;
    }
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    tdkt_store::registry::set_param_override(&mut w, &param.key, from, value, &f.note).await?;
    w.commit().await?;
    Ok(Redirect::to("/rules#params").into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    key: String,
    from: String,
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Form(f): Form<DeleteForm>) -> AppResult<Response> {
    if !may_set(&state, &ctx).await? {
        return Err(AppError::Forbidden);
    }
    let from = text::parse_date(&f.from).ok_or_else(|| AppError::BadRequest("Ngày không hợp lệ".into()))?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    tdkt_store::registry::delete_param_override(&mut w, f.key.trim(), from).await?;
    w.commit().await?;
    Ok(Redirect::to("/rules#params").into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_value;

    #[test]
    fn officers_write_values_their_way() {
        assert_eq!(parse_value("tỷ lệ", "15%"), Ok(Some(0.15)));
        assert_eq!(parse_value("tỷ lệ", "0,15"), Ok(Some(0.15)));
        assert_eq!(parse_value("tỷ lệ", ""), Ok(None));
        assert!(parse_value("tỷ lệ", "150%").is_err());
        assert!(parse_value("tỷ lệ", "abc").is_err());
        assert_eq!(parse_value("đồng/tháng", "2.340.000"), Ok(Some(2_340_000.0)));
        assert_eq!(parse_value("có/không", "Có"), Ok(Some(1.0)));
        assert_eq!(parse_value("tháng", "6"), Ok(Some(6.0)));
    }
}

#[derive(Deserialize)]
pub struct HolidayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    name: String,
}

/// Adds a public holiday the Government announced for the year (the lunar New Year...).
pub async fn add_holiday(State(state): State<AppState>, ctx: Ctx, Form(f): Form<HolidayForm>) -> AppResult<Response> {
    if !may_set(&state, &ctx).await? {
        return Err(AppError::Forbidden);
    }
    let refuse = |msg: String| async {
        let p = page(&state, &ctx, ParamForm::default(), Some(msg)).await?;
        Ok::<Response, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
    };
    let Some(day) = text::parse_date(&f.day) else {
        return refuse(format!("Ngày nghỉ “{}” không hợp lệ (dd/mm/yyyy)", f.day.trim())).await;
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match tdkt_store::dossier::add_holiday(&mut w, day, &f.name).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to("/rules#holidays").into_response())
        }
        Err(tdkt_store::StoreError::Invalid(i)) => refuse(AppError::Invalid(i).message()).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_holiday(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<HolidayForm>,
) -> AppResult<Response> {
    if !may_set(&state, &ctx).await? {
        return Err(AppError::Forbidden);
    }
    let day = text::parse_date(&f.day).ok_or_else(|| {
        AppError::Invalid(tdkt_domain::error::Invalid::one("day", format!("ngày “{}” không hợp lệ", f.day)))
    })?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    tdkt_store::dossier::delete_holiday(&mut w, day).await?;
    w.commit().await?;
    Ok(Redirect::to("/rules#holidays").into_response())
}
