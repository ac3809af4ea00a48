//! Pages, one module per feature. Each handler: authorise through `Ctx`, call the store,
//! render a typed askama template.

pub mod admin;
pub mod awards;
pub mod dashboard;
pub mod dossiers;
pub mod duplicates;
pub mod eligible;
pub mod exchange;
pub mod groups;
pub mod people;
pub mod rules;
pub mod session;
pub mod sessions;
pub mod units;

use axum::response::Html;

use crate::error::AppResult;

/// Renders a template into an HTML response.
pub fn render(t: &impl askama::Template) -> AppResult<Html<String>> {
    Ok(Html(t.render()?))
}

/// Whether the request came from htmx (then a fragment may be enough).
pub fn is_htmx(headers: &axum::http::HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

/// `1` when missing or invalid.
pub fn page_number(p: Option<u64>) -> u64 {
    p.filter(|&p| p >= 1).unwrap_or(1)
}
