//! The eligibility engine as the web sees it: the shipped rules with the province's own
//! parameter values from the database.

use std::sync::OnceLock;

use tdkt_rules::Engine;
use tdkt_store::Db;

use crate::error::{AppError, AppResult};

/// The shipped catalogue and rules, read once.
pub fn base() -> AppResult<&'static Engine> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Internal(format!("bộ quy tắc: {e}")))
}

/// The engine with the province's parameter values as stored now (for a verdict).
pub async fn engine(db: &Db) -> AppResult<Engine> {
    Ok(tdkt_store::registry::engine_with_overrides(db, base()?).await?)
}

/// The achievement years a form offers (newest first, from the first year the shipped rule
/// sets cover to `current`) and the one chosen: `asked` when valid, last year when empty.
pub fn years(current: i32, asked: Option<&str>) -> AppResult<(Vec<i32>, i32)> {
    let first = base()?.rule_sets.first().map(|s| chrono::Datelike::year(&s.effective_from)).unwrap_or(current);
    let years: Vec<i32> = (first..=current).rev().collect();
    let chosen = match asked.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y.parse::<i32>().ok().filter(|y| years.contains(y)).ok_or_else(|| {
            AppError::Invalid(tdkt_domain::error::Invalid::one(
                "year",
                format!("năm xét “{y}” không hợp lệ (từ {first} đến {current})"),
            ))
        })?,
        None => current - 1,
    };
    Ok((years, chosen))
}

/// The awards the rules in force at the end of `year` can judge for `subject`, as (code, name).
pub fn awards_for(subject: tdkt_rules::SubjectKind, year: i32) -> AppResult<Vec<(String, String)>> {
    let rules = base()?;
    let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    Ok(rules
        .rule_set_on(end)
        .map(|set| {
            set.rules
                .iter()
                .filter(|r| r.subject == subject)
                .filter_map(|r| rules.catalogue.get(&r.award).map(|a| (a.code.clone(), a.name.clone())))
                .collect()
        })
        .unwrap_or_default())
}

/// The CSS class of a condition's status.
pub fn status_class(s: &tdkt_rules::Status) -> &'static str {
    match s {
        tdkt_rules::Status::Met => "ok",
        tdkt_rules::Status::NotMet => "bad",
        tdkt_rules::Status::Review => "warn",
    }
}
