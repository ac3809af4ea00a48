//! Clusters and blocks (cụm, khối thi đua) by year, and the council (Hội đồng TĐKT).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::org::{CouncilRole, GroupKind, GroupRole};
use tdkt_domain::text;
use tdkt_store::Actor;
use tdkt_store::org::{self, Council, CouncilMember, Group, GroupInput, GroupMember};

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
    can_manage: bool,
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
    let can_manage = ctx.subject.can_anywhere(Permission::ManageGroups);
    Ok(render(&GroupsPage { chrome, year, years, groups, can_manage })?.into_response())
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
    roles: &'static [CouncilRole],
    error: Option<String>,
}

pub async fn council(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    council_page(&state, &ctx, None).await
}

async fn council_page(state: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let councils = org::list_councils(&state.db).await?;
    let current = councils.first().cloned();
    let members = match &current {
        Some(c) => org::council_members(&state.db, c.id).await?,
        None => vec![],
    };
    let chrome = Chrome::new(state, ctx, "/council", "Hội đồng Thi đua - Khen thưởng");
    let can_manage = ctx.subject.can_anywhere(Permission::ManageGroups);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = CouncilPage { chrome, councils, current, members, can_manage, roles: CouncilRole::ALL, error };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
pub struct AddMemberForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    title: String,
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AddMemberForm>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageGroups)?;
    let Ok(person_id) = f.person_id.trim().parse::<i64>() else {
        return council_page(
            &state,
            &ctx,
            Some("Mã hệ thống của người phải là số (xem trên trang của người đó)".into()),
        )
        .await;
    };
    let person = match org::get_person(&state.db.conn, person_id).await {
        Ok(p) => p,
        Err(tdkt_store::StoreError::NotFound(_)) => {
            return council_page(&state, &ctx, Some(format!("Không có người mã hệ thống {person_id}"))).await;
        }
        Err(e) => return Err(e.into()),
    };
    ctx.require(Permission::ManageGroups, &person.unit_path)?;
    let Some(role) = CouncilRole::parse(&f.role) else {
        return council_page(&state, &ctx, Some("Chọn vai trò trong Hội đồng".into())).await;
    };
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::add_council_member(&mut w, id, person_id, role, &f.title).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to("/council").into_response())
        }
        Err(tdkt_store::StoreError::Invalid(i)) => {
            w.rollback().await?;
            council_page(&state, &ctx, Some(i.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "group_form.html")]
struct GroupForm {
    chrome: Chrome,
    f: GroupFields,
    errors: Invalid,
}

impl GroupForm {
    fn err(&self, field: &str) -> String {
        self.errors.message_for(field).unwrap_or_default().to_string()
    }
}

/// The fields of a new cluster or block: members as unit codes, one per line.
#[derive(Deserialize, Default)]
pub struct GroupFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    members: String,
    #[serde(default)]
    head: String,
    #[serde(default)]
    deputy: String,
}

impl GroupFields {
    fn parse(&self) -> Result<GroupInput, Invalid> {
        let mut errors = Invalid::default();
        let code = tdkt_domain::org::parse_unit_code(&self.code).unwrap_or_else(|m| {
            errors.push("code", m.replace("Mã đơn vị", "Mã cụm, khối"));
            String::new()
        });
        let name = tdkt_domain::org::parse_name("name", &self.name, 250, &mut errors);
        let kind = GroupKind::parse(&self.kind).unwrap_or_else(|| {
            errors.push("kind", "Chọn cụm hoặc khối");
            GroupKind::Block
        });
        let year = self.year.trim().parse::<i32>().unwrap_or_else(|_| {
            errors.push("year", "Năm phải là số, ví dụ 2026");
            0
        });
        let head = text::clean(&self.head).to_uppercase();
        let deputy = text::clean(&self.deputy).to_uppercase();
        let mut codes: Vec<String> = self
            .members
            .split(['\n', ',', ';'])
            .map(|c| text::clean(c).to_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        for c in [&head, &deputy] {
            if !c.is_empty() && !codes.contains(c) {
                codes.push(c.clone());
            }
        }
        codes.dedup();
        if head.is_empty() {
            errors.push("head", "Cần mã đơn vị Trưởng");
        }
        if !deputy.is_empty() && deputy == head {
            errors.push("deputy", "Đơn vị Phó phải khác đơn vị Trưởng");
        }
        if codes.len() < 2 {
            errors.push("members", "Cụm, khối cần ít nhất hai đơn vị");
        }
        let members = codes
            .into_iter()
            .map(|c| {
                let role = if c == head {
                    GroupRole::Head
                } else if c == deputy {
                    GroupRole::Deputy
                } else {
                    GroupRole::Member
                };
                (c, role)
            })
            .collect();
        errors.into_result(GroupInput { code, name, kind, year, members })
    }
}

async fn group_form(state: &AppState, ctx: &Ctx, f: GroupFields, errors: Invalid) -> AppResult<Response> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let chrome = Chrome::new(state, ctx, "/groups", "Thêm cụm, khối thi đua");
    Ok((status, render(&GroupForm { chrome, f, errors })?).into_response())
}

pub async fn new_group(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageGroups)?;
    let f = GroupFields { year: state.config.current_year.to_string(), kind: "khoi".into(), ..Default::default() };
    group_form(&state, &ctx, f, Invalid::default()).await
}

pub async fn create_group(State(state): State<AppState>, ctx: Ctx, Form(f): Form<GroupFields>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManageGroups)?;
    let input = match f.parse() {
        Ok(i) => i,
        Err(errors) => return group_form(&state, &ctx, f, errors).await,
    };
    for (code, _) in &input.members {
        if let Some(u) = org::find_unit_by_code(&state.db.conn, code).await? {
            ctx.require(Permission::ManageGroups, &u.path)?;
        }
    }
    let mut w = state.db.write(&Actor::user(ctx.user.id, &ctx.user.username)).await?;
    match org::create_group(&mut w, &input).await {
        Ok(id) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/groups/{id}")).into_response())
        }
        Err(tdkt_store::StoreError::Invalid(i)) => {
            w.rollback().await?;
            group_form(&state, &ctx, f, i).await
        }
        Err(e) => Err(e.into()),
    }
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
