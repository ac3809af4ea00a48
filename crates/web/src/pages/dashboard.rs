//! The first page after login: what this user's role needs, within their scope.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use tdkt_domain::authz::{Permission, Role};
use tdkt_store::org::{self, Group, OrgFigures};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppResult;
use crate::pages::render;
use crate::view::{Chrome, num};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    figures: OrgFigures,
    scope_label: String,
    groups: Vec<(Group, String)>,
    year: i32,
    tasks: Vec<(&'static str, &'static str, &'static str)>,
    /// Reminders the background jobs left for the units this user works for.
    reminders: Vec<tdkt_store::jobs::Reminder>,
    /// Launched movements the user's units take part in: id, name, registration deadline.
    movements: Vec<(i64, String, String)>,
}

impl Dashboard {
    fn pct(&self, part: &u64) -> String {
        if self.figures.people == 0 {
            return "0".into();
        }
        format!("{:.1}", *part as f64 * 100.0 / self.figures.people as f64).replace('.', ",")
    }
    fn n(&self, v: &u64) -> String {
        num(v)
    }
}

pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let scope = ctx.scope(Permission::ViewOrg);
    let figures = org::figures(&state.db, &scope).await?;
    let s = &ctx.subject;
    let province_wide = scope.iter().any(|p| p.matches('/').count() == 2);
    let scope_label =
        if province_wide { format!("Toàn tỉnh {}", state.config.province) } else { ctx.user.unit_name.clone() };
    let groups = org::groups_of_unit(&state.db, ctx.user.unit_id)
        .await?
        .into_iter()
        .filter(|(g, _)| g.year == state.config.current_year)
        .collect();
    // What each role comes here to do (the modules after the foundation add their queues).
    let mut tasks = vec![];
    if s.can_anywhere(Permission::EditPeople) {
        tasks.push(("/people/new", "Thêm cán bộ, người lao động", "Cập nhật danh sách nhân sự của đơn vị"));
    }
    if s.can_anywhere(Permission::Import) {
        tasks.push(("/import", "Nhập danh sách từ Excel", "Tải lên tệp .xlsx hoặc .csv; lỗi được báo theo từng dòng"));
    }
    if s.can_anywhere(Permission::EditUnits) {
        tasks.push(("/units/new", "Thêm đơn vị", "Cơ quan, xã, phường, trường học, bệnh viện..."));
    }
    if s.has_role(Role::BlockHead) {
        tasks.push(("/groups", "Cụm, khối do đơn vị phụ trách", "Xem các đơn vị thành viên của khối"));
    }
    if s.has_role(Role::CouncilMember) || s.has_role(Role::Signer) || s.has_role(Role::DeptLeader) {
        tasks.push(("/council", "Hội đồng Thi đua - Khen thưởng", "Thành phần hội đồng nhiệm kỳ hiện tại"));
    }
    if s.can_anywhere(Permission::ManageUsers) {
        tasks.push(("/admin/users", "Tài khoản, phân quyền", "Tạo tài khoản, giao vai trò theo đơn vị"));
    }
    if s.can_anywhere(Permission::ViewAudit) {
        tasks.push(("/audit", "Nhật ký hệ thống", "Ai đã làm gì, khi nào; kiểm tra chuỗi băm"));
    }
    tasks.push(("/people", "Tra cứu cán bộ", "Gõ tên không dấu cũng tìm được"));
    if s.can_anywhere(Permission::Appraise) || s.can_anywhere(Permission::Sign) {
        tasks.push(("/decisions", "Quyết định khen thưởng", "Soạn, trình ký quyết định; in Bằng khen có mã QR"));
    }
    // A unit's reminders are for its own officers; the office's are on the province's unit.
    let mut units: Vec<i64> = s
        .grants
        .iter()
        .filter(|g| matches!(g.role, Role::UnitOfficer | Role::Officer | Role::DeptLeader))
        .map(|g| g.unit_id)
        .collect();
    units.dedup();
    let reminders = tdkt_store::jobs::reminders(&state.db, &units, 10).await?;
    let chrome = Chrome::new(&state, &ctx, "/", "Bảng điều khiển");
    let movements = crate::pages::movements::launched_for(&state, &ctx).await?;
    render(&Dashboard {
        chrome,
        figures,
        scope_label,
        groups,
        year: state.config.current_year,
        tasks,
        reminders,
        movements,
    })
}
