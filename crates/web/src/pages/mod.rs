//! Pages, one module per feature. Each handler: authorise through `Ctx`, call the store,
//! render a typed askama template.

pub mod admin;
pub mod awards;
pub mod blocks;
pub mod dashboard;
pub mod decisions;
pub mod dossiers;
pub mod duplicates;
pub mod eligible;
pub mod exchange;
pub mod groups;
pub mod movements;
pub mod people;
pub mod plans;
pub mod portal;
pub mod rules;
pub mod session;
pub mod sessions;
pub mod units;

use axum::response::Html;

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};

/// The root units (the province).
async fn roots(state: &AppState) -> AppResult<Vec<tdkt_store::org::Unit>> {
    Ok(tdkt_store::org::all_units(&state.db, &["/".to_string()], true)
        .await?
        .into_iter()
        .filter(|u| u.parent_id.is_none())
        .collect())
}

/// The province's unit, which issues its decisions and whose officers are the office.
pub async fn province_root(state: &AppState) -> AppResult<tdkt_store::org::Unit> {
    roots(state).await?.into_iter().next().ok_or_else(|| AppError::NotFound("Chưa có đơn vị cấp tỉnh".into()))
}

/// Whether the user holds `permission` over every root unit (the council and the province's
/// decisions work for the whole province).
pub async fn province_wide(state: &AppState, ctx: &Ctx, permission: tdkt_domain::authz::Permission) -> AppResult<bool> {
    let roots = roots(state).await?;
    Ok(!roots.is_empty() && roots.iter().all(|r| ctx.subject.can(permission, &r.path)))
}

/// The units the user works for: their own unit and the units of their grants.
pub fn own_units(ctx: &Ctx) -> Vec<i64> {
    let mut ids = vec![ctx.user.unit_id];
    ids.extend(ctx.subject.grants.iter().map(|g| g.unit_id));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The audit log's actor for the user of a request.
pub fn actor(ctx: &Ctx) -> tdkt_store::Actor {
    tdkt_store::Actor::user(ctx.user.id, &ctx.user.display_name)
}

/// The blocks and clusters the user heads or deputises, through an account that holds
/// `permission` on the unit holding the post (a grant elsewhere does not make its home unit's
/// post the user's).
pub async fn led_groups(
    state: &AppState,
    ctx: &Ctx,
    permission: tdkt_domain::authz::Permission,
) -> AppResult<Vec<tdkt_store::plans::LedGroup>> {
    Ok(tdkt_store::plans::led_groups(&state.db, &own_units(ctx))
        .await?
        .into_iter()
        .filter(|g| ctx.subject.can(permission, &g.via_path))
        .collect())
}

/// Keeps an upload whose type was checked in the file store.
pub async fn keep_upload(
    state: &AppState,
    name: &str,
    media_type: &str,
    bytes: &[u8],
) -> AppResult<tdkt_store::files::StoredFile> {
    let sha256 = state.config.files.put(bytes).await?;
    Ok(tdkt_store::files::StoredFile {
        name: name.to_owned(),
        media_type: media_type.to_owned(),
        size: bytes.len() as i64,
        sha256,
    })
}

/// A stored file as a download, under its own name.
pub async fn send_file(
    state: &AppState,
    sha256: &str,
    media_type: &str,
    name: &str,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let bytes = state.config.files.get(sha256).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, dossiers::disposition(name)),
        ],
        bytes,
    )
        .into_response())
}

/// An upload that could not be read to its end.
pub fn upload_failed(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!("Tải lên không thành công (tệp quá lớn hoặc bị ngắt giữa chừng): {e}"))
}

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
