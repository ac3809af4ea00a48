//! Clusters and blocks (cụm, khối thi đua) by year, and the council (Hội đồng TĐKT).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::org::GroupRole;
use tdkt_store::Actor;
use tdkt_store::org::{self, Council, CouncilMember, Group, GroupMember};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::render;
use crate::view::Chrome;

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    groups: Vec<Group>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let year = q.year.unwrap_or(state.config.current_year);
    let groups = org::list_groups(&state.db, year).await?;
    let mut years = org::group_years(&state.db).await?;
    if !years.contains(&year) {
        years.insert(0, year);
    }
    let chrome = Chrome::new(&state, &ctx, "/groups", "Cụm, khối thi đua");
    Ok(render(&GroupsPage { chrome, year, years, groups })?.into_response())
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    chrome: Chrome,
    group: Group,
    members: Vec<(GroupMember, bool)>,
    can_manage: bool,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let group = org::get_group(&state.db, id).await?;
    // The list of member units is public within the province; a member's page is opened
    // only where the user may read it.
    let members = org::group_members(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let can = ctx.subject.can(Permission::ViewOrg, &m.unit_path);
            (m, can)
        })
        .collect();
    let chrome = Chrome::new(&state, &ctx, "/groups", group.name.clone());
    let can_manage = ctx.subject.can_anywhere(Permission::ManageGroups);
    Ok(render(&GroupPage { chrome, group, members, can_manage })?.into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    unit_id: i64,
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> AppResult<Response> {
    let unit = org::get_unit(&state.db.conn, f.unit_id).await?;
    ctx.require(Permission::ManageGroups, &unit.path)?;
    let role = GroupRole::parse(&f.role).ok_or_else(|| AppError::BadRequest("Vai trò không hợp lệ".into()))?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    org::set_group_role(&mut w, id, f.unit_id, role).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/groups/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    chrome: Chrome,
    councils: Vec<Council>,
    current: Option<Council>,
    members: Vec<CouncilMember>,
    can_manage: bool,
}

pub async fn council(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let councils = org::list_councils(&state.db).await?;
    let current = councils.first().cloned();
    let members = match &current {
        Some(c) => org::council_members(&state.db, c.id).await?,
        None => vec![],
    };
    let chrome = Chrome::new(&state, &ctx, "/council", "Hội đồng Thi đua - Khen thưởng");
    let can_manage = ctx.subject.can_anywhere(Permission::ManageGroups);
    Ok(render(&CouncilPage { chrome, councils, current, members, can_manage })?.into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    member_id: i64,
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageGroups)?;
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    org::remove_council_member(&mut w, id, f.member_id).await?;
    w.commit().await?;
    Ok(Redirect::to("/council").into_response())
}
