//! Administration: accounts and role grants, the audit log.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::{Grant, Permission, Role};
use tdkt_store::audit::{self, AuditFilter, AuditRow};
use tdkt_store::users::{self, NewUser, User};
use tdkt_store::{Actor, Page};

use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{page_number, render};
use crate::view::Chrome;
use crate::{AppState, password};

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<(User, Vec<Grant>)>,
    roles: &'static [Role],
    error: Option<String>,
    f: NewUserForm,
}

#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    role: String,
}

async fn users_page(state: &AppState, ctx: &Ctx, f: NewUserForm, error: Option<String>) -> AppResult<Response> {
    let mut list = vec![];
    for u in users::list_users(&state.db).await? {
        let g = users::grants(&state.db, u.id).await?;
        list.push((u, g));
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let chrome = Chrome::new(state, ctx, "/admin/users", "Tài khoản, phân quyền");
    Ok((status, render(&UsersPage { chrome, users: list, roles: Role::ALL, error, f })?).into_response())
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageUsers)?;
    users_page(&state, &ctx, NewUserForm { role: "can_bo_don_vi".into(), ..Default::default() }, None).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<NewUserForm>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageUsers)?;
    let Some(role) = Role::parse(&f.role) else {
        return users_page(&state, &ctx, f, Some("Chọn vai trò".into())).await;
    };
    let Some(unit) = tdkt_store::org::find_unit_by_code(&state.db.conn, f.unit_code.trim()).await? else {
        let msg = format!("Không có đơn vị mã “{}”", f.unit_code.trim());
        return users_page(&state, &ctx, f, Some(msg)).await;
    };
    ctx.require(Permission::ManageUsers, &unit.path)?;
    if let Err(m) = password::check_strength(&f.password, &f.username) {
        return users_page(&state, &ctx, f, Some(m.into())).await;
    }
    let pw = f.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    let display = if f.display_name.trim().is_empty() { f.username.clone() } else { f.display_name.clone() };
    let created = users::create_user(
        &mut w,
        &NewUser {
            username: &f.username,
            display_name: &display,
            password_hash: &hash,
            unit_id: unit.id,
            person_id: None,
        },
    )
    .await;
    match created {
        Ok(id) => {
            users::grant_role(&mut w, id, role, unit.id).await?;
            w.commit().await?;
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(tdkt_store::StoreError::Invalid(i)) => {
            w.rollback().await?;
            users_page(&state, &ctx, f, Some(i.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct GrantForm {
    role: String,
    unit_code: String,
    #[serde(default)]
    revoke: Option<String>,
}

pub async fn grant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageUsers)?;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::BadRequest("Vai trò không hợp lệ".into()))?;
    let unit = tdkt_store::org::find_unit_by_code(&state.db.conn, f.unit_code.trim())
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("Không có đơn vị mã “{}”", f.unit_code.trim())))?;
    ctx.require(Permission::ManageUsers, &unit.path)?;
    users::get_user(&state.db, id).await?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    if f.revoke.is_some() {
        users::revoke_role(&mut w, id, role, unit.id).await?;
    } else {
        users::grant_role(&mut w, id, role, unit.id).await?;
    }
    w.commit().await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

/// Locks or unlocks an account; locking ends its sessions.
pub async fn set_active(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageUsers)?;
    let user = users::get_user(&state.db, id).await?;
    let unit = tdkt_store::org::get_unit(&state.db.conn, user.unit_id).await?;
    ctx.require(Permission::ManageUsers, &unit.path)?;
    let active = f.active == "1";
    if !active && id == ctx.user.id {
        return Err(AppError::BadRequest("Không thể tự khoá tài khoản đang dùng".into()));
    }
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    users::set_active(&mut w, id, active).await?;
    w.commit().await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Page<AuditRow>,
    action: String,
    actor: String,
    verified: Option<Result<u64, String>>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    page: Option<u64>,
    verify: Option<String>,
}

pub async fn audit_log(State(state): State<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewAudit)?;
    let filter = AuditFilter {
        action_prefix: q.action.clone(),
        actor_name: q.actor.clone(),
        object_type: q.object_type.clone(),
        object_id: q.object_id.clone(),
    };
    let entries = audit::list(&state.db, &filter, page_number(q.page), 100).await?;
    let verified = match q.verify {
        Some(_) => Some(match audit::verify(&state.db).await? {
            Ok(v) => Ok(v.entries),
            Err(b) => Err(format!("Chuỗi bị gãy tại bản ghi số {}: {}", b.seq, b.reason)),
        }),
        None => None,
    };
    let chrome = Chrome::new(&state, &ctx, "/audit", "Nhật ký hệ thống");
    Ok(render(&AuditPage {
        chrome,
        entries,
        action: q.action.unwrap_or_default(),
        actor: q.actor.unwrap_or_default(),
        verified,
    })?
    .into_response())
}
