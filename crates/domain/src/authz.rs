//! Who may do what, where: roles, permissions and the one decision function every request uses.
//!
//! A user holds grants; each grant is a role scoped to a unit, and (for most roles) to the
//! units below it. The web layer resolves a user's grants once per request into a [`Subject`]
//! and asks [`Subject::can`] before every read or write of a unit's data.

use serde::{Deserialize, Serialize};

use crate::text;

/// Roles of product.md. Each is granted on a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống.
    Admin,
    /// Chuyên viên Ban TĐKT / Sở Nội vụ.
    Officer,
    /// Lãnh đạo Sở Nội vụ / Ban TĐKT.
    DeptLeader,
    /// Thành viên Hội đồng TĐKT.
    CouncilMember,
    /// Chủ tịch / Phó Chủ tịch UBND tỉnh: signs decisions.
    Signer,
    /// Cán bộ TĐKT của đơn vị.
    UnitOfficer,
    /// Trưởng khối / Phó trưởng khối: an officer whose unit leads a cluster or block this year.
    BlockHead,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Officer,
        Role::DeptLeader,
        Role::CouncilMember,
        Role::Signer,
        Role::UnitOfficer,
        Role::BlockHead,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "quan_tri",
            Role::Officer => "chuyen_vien",
            Role::DeptLeader => "lanh_dao",
            Role::CouncilMember => "hoi_dong",
            Role::Signer => "nguoi_ky",
            Role::UnitOfficer => "can_bo_don_vi",
            Role::BlockHead => "truong_khoi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Officer => "Chuyên viên thi đua, khen thưởng",
            Role::DeptLeader => "Lãnh đạo Sở Nội vụ",
            Role::CouncilMember => "Thành viên Hội đồng TĐKT",
            Role::Signer => "Người ký quyết định",
            Role::UnitOfficer => "Cán bộ TĐKT đơn vị",
            Role::BlockHead => "Trưởng/Phó khối thi đua",
        }
    }

    pub fn parse(input: &str) -> Option<Role> {
        let key = text::fold(input).replace(' ', "_");
        Role::ALL.iter().copied().find(|r| r.code() == key || text::fold(r.label()).replace(' ', "_") == key)
    }

    /// Whether the grant also covers the units below the granted unit.
    pub fn covers_subunits(self) -> bool {
        // Every role reaches down the tree: a commune officer keeps the commune's schools,
        // the department's officer keeps the whole province. Kept as a function so a role
        // limited to one unit can be added without touching the callers.
        true
    }

    /// What the role allows within its scope.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            // Administrators run the system; they take no part in the procedure and do not read
            // dossiers.
            Role::Admin => {
                &[ViewOrg, EditPeople, EditUnits, ManageGroups, Import, Export, ManageUsers, ViewAudit, ManageRules]
            }
            Role::Officer => &[
                ViewOrg,
                EditPeople,
                EditUnits,
                ManageGroups,
                Import,
                Export,
                ManageRules,
                ViewDossiers,
                Appraise,
                ManagePlans,
                ReportProgress,
                ManageEmulation,
                UnitEmulation,
            ],
            Role::DeptLeader => &[ViewOrg, Export, ViewDossiers, Appraise],
            Role::CouncilMember => &[ViewOrg, ViewDossiers, Vote],
            Role::Signer => &[ViewOrg, ViewDossiers, Sign],
            Role::UnitOfficer => &[
                ViewOrg,
                EditPeople,
                Import,
                Export,
                ViewDossiers,
                Propose,
                ManagePlans,
                ReportProgress,
                ManageEmulation,
                UnitEmulation,
            ],
            // The block head's own unit comes from the unit officer grant it goes with; this
            // grant adds reading the member units of the blocks it leads (see `Subject`).
            Role::BlockHead => &[ViewOrg],
        }
    }
}

/// One thing a request may need to do. Unit-scoped permissions are checked against the unit
/// whose data is read or changed; the others against the user's grants alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read units and their staff.
    ViewOrg,
    /// Create and change people of a unit.
    EditPeople,
    /// Create, change, merge or dissolve units.
    EditUnits,
    /// Clusters, blocks and the council.
    ManageGroups,
    /// Import spreadsheets.
    Import,
    /// Export spreadsheets.
    Export,
    /// Accounts and role grants.
    ManageUsers,
    /// The audit log.
    ViewAudit,
    /// The province's own values of the rules' parameters (quotas, thresholds); they apply to the
    /// whole province, so the grant must be on the province's root unit.
    ManageRules,
    /// Read nomination dossiers of a unit, with their documents.
    ViewDossiers,
    /// Prepare, send and withdraw the unit's own dossiers (what each step allows is the dossier
    /// state machine's decision, `dossier::transition`).
    Propose,
    /// Receive, appraise, return and pass on dossiers; open nomination rounds and council
    /// sessions, record who is present.
    Appraise,
    /// Cast a council member's ballot (only as the member the account belongs to).
    Vote,
    /// Sign award decisions as the issuing authority (on the issuing unit).
    Sign,
    /// Import, correct and delete the plans the unit issues (a block's plan: its head unit's).
    ManagePlans,
    /// Report the unit's progress on the key tasks it leads or joins.
    ReportProgress,
    /// Launch and review movements for the units below (on the launching unit); on the
    /// province's root unit: open score sheets, set the final scores, accept registrations.
    ManageEmulation,
    /// The unit's own emulation work: register for movements, score itself, sign its block's
    /// covenant, cast its ballot in its block's vote.
    UnitEmulation,
}

impl Permission {
    /// Whether the permission is about one unit's data (checked against its place in the tree).
    pub fn is_unit_scoped(self) -> bool {
        !matches!(self, Permission::ManageUsers | Permission::ViewAudit)
    }
}

/// A role held on a unit; `unit_path` is the materialised path of that unit (`/1/5/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
    pub unit_path: String,
}

/// The user behind a request, with what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: i64,
    pub grants: Vec<Grant>,
    /// Paths of the units that are members of a block or cluster that one of the user's
    /// `BlockHead` grants leads this year (read access only).
    pub led_group_member_paths: Vec<String>,
}

impl Subject {
    /// Whether any grant gives `permission` over the unit at `unit_path`.
    pub fn can(&self, permission: Permission, unit_path: &str) -> bool {
        let by_grant = self.grants.iter().any(|g| {
            g.role.permissions().contains(&permission)
                && (g.unit_path == unit_path || (g.role.covers_subunits() && unit_path.starts_with(&g.unit_path)))
        });
        if by_grant {
            return true;
        }
        permission == Permission::ViewOrg
            && self.grants.iter().any(|g| g.role == Role::BlockHead)
            && self.led_group_member_paths.iter().any(|p| unit_path.starts_with(p.as_str()))
    }

    /// Whether any grant gives a permission that is not about one unit (accounts, audit), or
    /// whether the user holds `permission` somewhere (to show a menu entry).
    pub fn can_anywhere(&self, permission: Permission) -> bool {
        self.grants.iter().any(|g| g.role.permissions().contains(&permission))
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The paths under which the user may use `permission`, for filtering lists in SQL
    /// (`path LIKE p || '%'`). Empty when nothing is reachable.
    pub fn scope_paths(&self, permission: Permission) -> Vec<String> {
        let mut paths: Vec<String> = self
            .grants
            .iter()
            .filter(|g| g.role.permissions().contains(&permission))
            .map(|g| g.unit_path.clone())
            .collect();
        if permission == Permission::ViewOrg && self.has_role(Role::BlockHead) {
            paths.extend(self.led_group_member_paths.iter().cloned());
        }
        paths.sort();
        paths.dedup();
        // Drop paths already covered by a shorter one.
        let mut out: Vec<String> = Vec::new();
        for p in paths {
            if !out.iter().any(|o| p.starts_with(o.as_str())) {
                out.push(p);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, path: &str) -> Grant {
        Grant { role, unit_id: 0, unit_path: path.into() }
    }

    #[test]
    fn a_commune_officer_reaches_its_commune_and_below_only() {
        let s =
            Subject { user_id: 1, grants: vec![grant(Role::UnitOfficer, "/1/40/")], led_group_member_paths: vec![] };
        assert!(s.can(Permission::EditPeople, "/1/40/"));
        assert!(s.can(Permission::ViewOrg, "/1/40/77/"));
        assert!(!s.can(Permission::ViewOrg, "/1/41/"));
        assert!(!s.can(Permission::ViewOrg, "/1/4/"));
        assert!(!s.can(Permission::ViewOrg, "/1/"));
        assert!(!s.can(Permission::EditUnits, "/1/40/"));
        assert!(!s.can_anywhere(Permission::ViewAudit));
        assert_eq!(s.scope_paths(Permission::ViewOrg), vec!["/1/40/".to_string()]);
    }

    #[test]
    fn a_path_prefix_must_end_on_a_segment() {
        // "/1/4/" must not reach "/1/40/": paths end with a slash, so the prefix test is exact.
        let s = Subject { user_id: 1, grants: vec![grant(Role::UnitOfficer, "/1/4/")], led_group_member_paths: vec![] };
        assert!(!s.can(Permission::ViewOrg, "/1/40/"));
    }

    #[test]
    fn a_block_head_reads_member_units_but_does_not_edit_them() {
        let s = Subject {
            user_id: 1,
            grants: vec![grant(Role::UnitOfficer, "/1/5/"), grant(Role::BlockHead, "/1/5/")],
            led_group_member_paths: vec!["/1/6/".into(), "/1/7/".into()],
        };
        assert!(s.can(Permission::ViewOrg, "/1/6/"));
        assert!(!s.can(Permission::EditPeople, "/1/6/"));
        assert!(!s.can(Permission::ViewOrg, "/1/8/"));
        assert_eq!(s.scope_paths(Permission::ViewOrg).len(), 3);
    }

    #[test]
    fn province_roles_see_everything_but_only_admin_manages_users() {
        let officer = Subject { user_id: 1, grants: vec![grant(Role::Officer, "/1/")], led_group_member_paths: vec![] };
        assert!(officer.can(Permission::EditUnits, "/1/99/"));
        assert!(!officer.can_anywhere(Permission::ManageUsers));
        let admin = Subject { user_id: 2, grants: vec![grant(Role::Admin, "/1/")], led_group_member_paths: vec![] };
        assert!(admin.can_anywhere(Permission::ManageUsers));
        let council =
            Subject { user_id: 3, grants: vec![grant(Role::CouncilMember, "/1/")], led_group_member_paths: vec![] };
        assert!(council.can(Permission::ViewOrg, "/1/99/"));
        assert!(!council.can(Permission::EditPeople, "/1/99/"));
    }

    #[test]
    fn dossiers_are_read_within_the_unit_and_never_by_the_administrator() {
        let unit =
            Subject { user_id: 1, grants: vec![grant(Role::UnitOfficer, "/1/40/")], led_group_member_paths: vec![] };
        assert!(unit.can(Permission::Propose, "/1/40/"));
        assert!(unit.can(Permission::ViewDossiers, "/1/40/"));
        assert!(!unit.can(Permission::ViewDossiers, "/1/41/"));
        assert!(!unit.can(Permission::Appraise, "/1/40/"));
        let admin = Subject { user_id: 2, grants: vec![grant(Role::Admin, "/1/")], led_group_member_paths: vec![] };
        assert!(!admin.can(Permission::ViewDossiers, "/1/40/"));
        let head = Subject {
            user_id: 3,
            grants: vec![grant(Role::UnitOfficer, "/1/5/"), grant(Role::BlockHead, "/1/5/")],
            led_group_member_paths: vec!["/1/6/".into()],
        };
        // Leading a block lets one read the member units, not their dossiers.
        assert!(!head.can(Permission::ViewDossiers, "/1/6/"));
        let officer = Subject { user_id: 4, grants: vec![grant(Role::Officer, "/1/")], led_group_member_paths: vec![] };
        assert!(officer.can(Permission::Appraise, "/1/40/"));
        assert!(!officer.can(Permission::Propose, "/1/40/"));
    }

    #[test]
    fn roles_parse_from_code_and_label() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(*r));
            assert_eq!(Role::parse(r.label()), Some(*r));
        }
    }
}
