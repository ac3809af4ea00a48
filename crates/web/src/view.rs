//! What every page shares: the layout's context (`Chrome`), formatting helpers, the error page.

use askama::Template;
use tdkt_domain::authz::Permission;

use crate::AppState;
use crate::auth::Ctx;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub section: &'static str,
    pub active: bool,
}

/// The layout's context: who is logged in, the CSRF token, the navigation they may use.
pub struct Chrome {
    pub province: String,
    pub user_name: String,
    pub roles: String,
    pub unit_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub title: String,
}

impl Chrome {
    pub fn new(state: &AppState, ctx: &Ctx, path: &str, title: impl Into<String>) -> Chrome {
        let s = &ctx.subject;
        let mut nav = vec![];
        let mut add = |href: &'static str, label: &'static str, section: &'static str, show: bool| {
            if show {
                let active = if href == "/" { path == "/" } else { path.starts_with(href) };
                nav.push(NavItem { href, label, section, active });
            }
        };
        add("/", "Bảng điều khiển", "Tổng quan", true);
        let view = s.can_anywhere(Permission::ViewOrg);
        add("/units", "Đơn vị", "Tổ chức", view);
        add("/people", "Cán bộ, người lao động", "Tổ chức", view);
        add("/groups", "Cụm, khối thi đua", "Tổ chức", view);
        add("/council", "Hội đồng TĐKT", "Tổ chức", view);
        add("/plans", "Kế hoạch, nhiệm vụ trọng tâm", "Thi đua", view);
        add("/tasks", "Nhiệm vụ của đơn vị", "Thi đua", s.can_anywhere(Permission::ReportProgress));
        add("/movements", "Phong trào, đăng ký thi đua", "Thi đua", view);
        let emulates = s.can_anywhere(Permission::UnitEmulation) || s.can_anywhere(Permission::ManageEmulation);
        add("/blocks", "Khối thi đua: giao ước, chấm điểm", "Thi đua", emulates);
        add("/dossiers", "Hồ sơ đề nghị khen thưởng", "Khen thưởng", s.can_anywhere(Permission::ViewDossiers));
        let province_reader = s
            .grants
            .iter()
            .any(|g| g.role.permissions().contains(&Permission::ViewDossiers) && g.unit_path.matches('/').count() == 2);
        add("/council/sessions", "Phiên họp Hội đồng", "Khen thưởng", province_reader);
        let decides = s.grants.iter().any(|g| {
            let p = g.role.permissions();
            (p.contains(&Permission::Appraise) || p.contains(&Permission::Sign))
                && g.unit_path.matches('/').count() == 2
        });
        add("/decisions", "Quyết định khen thưởng", "Khen thưởng", decides);
        add("/eligible", "Xét điều kiện hàng loạt", "Khen thưởng", view);
        add("/duplicates", "Kiểm tra trùng lặp", "Khen thưởng", view);
        add("/rules", "Danh mục, quy tắc, tham số", "Khen thưởng", view);
        add(
            "/import",
            "Nhập, xuất Excel",
            "Dữ liệu",
            s.can_anywhere(Permission::Import) || s.can_anywhere(Permission::Export),
        );
        add("/admin/users", "Tài khoản, phân quyền", "Quản trị", s.can_anywhere(Permission::ManageUsers));
        add("/audit", "Nhật ký hệ thống", "Quản trị", s.can_anywhere(Permission::ViewAudit));
        add("/account/password", "Đổi mật khẩu", "Cá nhân", true);
        // Only the most specific entry is active (/council/sessions, not also /council).
        let best = nav.iter().filter(|n| n.active).map(|n| n.href.len()).max().unwrap_or(0);
        for n in &mut nav {
            n.active = n.active && n.href.len() == best;
        }
        let roles = ctx.roles().iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
        Chrome {
            province: state.config.province.clone(),
            user_name: ctx.user.display_name.clone(),
            roles,
            unit_name: ctx.user.unit_name.clone(),
            csrf: ctx.csrf.clone(),
            nav,
            title: title.into(),
        }
    }

    /// Whether the nav item starts a new section.
    pub fn section_starts(&self, i: &usize) -> bool {
        *i == 0 || self.nav.get(*i - 1).map(|p| p.section) != self.nav.get(*i).map(|n| n.section)
    }
}

/// `dd/mm/yyyy`, or an empty string.
pub fn date(d: &Option<chrono::NaiveDate>) -> String {
    d.map(tdkt_domain::text::format_date).unwrap_or_default()
}

/// A number with Vietnamese thousands separators: 20.145.
pub fn num(n: &u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Query string for paging links that keeps the other filters.
pub fn with_page(query: &str, page: u64) -> String {
    let mut kv: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    kv.retain(|(k, _)| k != "page");
    kv.push(("page".into(), page.to_string()));
    serde_urlencoded::to_string(kv).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_dots() {
        assert_eq!(num(&0), "0");
        assert_eq!(num(&999), "999");
        assert_eq!(num(&20145), "20.145");
        assert_eq!(num(&1000000), "1.000.000");
    }

    #[test]
    fn page_links_keep_filters() {
        assert_eq!(with_page("q=huong&page=2", 3), "q=huong&page=3");
    }
}
