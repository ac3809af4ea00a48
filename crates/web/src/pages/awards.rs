//! Revoking an award (law.md G10): the office records that the decision was annulled, with the
//! reason; the registry keeps the award, marked, and eligibility stops counting it.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::text;
use tdkt_store::Actor;
use tdkt_store::registry::{self, Holder};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> AppResult<Response> {
    let (holder, path) = registry::award_holder(&state.db, id).await?;
    ctx.require(Permission::Appraise, &path)?;
    let on = text::parse_date(&f.on).ok_or_else(|| {
        AppError::Invalid(Invalid::one("on", format!("ngày hủy “{}” không phải dạng dd/mm/yyyy", f.on.trim())))
    })?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.display_name)).await?;
    registry::revoke_award(&mut w, id, on, &f.reason).await?;
    w.commit().await?;
    let back = match holder {
        Holder::Person(p) => format!("/people/{p}#history"),
        Holder::Unit(u) => format!("/units/{u}#history"),
    };
    Ok(Redirect::to(&back).into_response())
}
