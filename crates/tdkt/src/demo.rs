//! Loads the demo province (Sơn La, crate `tdkt-demo`) into an empty database, with demo
//! accounts for every role. Demo accounts exist only in a database made here.

use std::collections::HashMap;

use anyhow::{Context, bail};
use tdkt_demo::{PersonSeed, Province, UnitSeed};
use tdkt_domain::authz::Role;
use tdkt_domain::org::{GroupRole, PersonInput};
use tdkt_store::org::{self, GroupInput};
use tdkt_store::users::{self, NewUser};
use tdkt_store::{Actor, Db, WriteTx};

/// The one password of every demo account.
pub const DEMO_PASSWORD: &str = "tdkt-demo-2026";

/// A demo account: username, display name, home unit code, roles (each granted on a unit code).
pub type DemoUser = (&'static str, &'static str, &'static str, &'static [(Role, &'static str)]);

/// The demo accounts, one or more per role.
pub const DEMO_USERS: &[DemoUser] = &[
    ("quantri", "Quản trị hệ thống", "SNV", &[(Role::Admin, "UBND")]),
    ("chuyenvien", "Chuyên viên Ban TĐKT (Sở Nội vụ)", "SNV", &[(Role::Officer, "UBND")]),
    ("lanhdao", "Lãnh đạo Sở Nội vụ", "SNV", &[(Role::DeptLeader, "UBND")]),
    ("hoidong", "Thành viên Hội đồng TĐKT", "UBND", &[(Role::CouncilMember, "UBND")]),
    ("chutich", "Chủ tịch UBND tỉnh", "UBND", &[(Role::Signer, "UBND")]),
    ("canbo.so", "Cán bộ TĐKT Sở Y tế", "SYT", &[(Role::UnitOfficer, "SYT")]),
    ("canbo.xa", "Cán bộ TĐKT xã Mường Bú", "XA-03847", &[(Role::UnitOfficer, "XA-03847")]),
    ("truongkhoi", "Trưởng khối (Sở Tư pháp)", "STP", &[(Role::UnitOfficer, "STP"), (Role::BlockHead, "STP")]),
];

pub struct Summary {
    pub units: usize,
    pub people: u64,
    pub groups: usize,
    pub council_members: usize,
}

/// Builds the demo province with about `people` staff. Refuses a database that holds data.
pub async fn load(db: &Db, people: usize, progress: &dyn Fn(&str)) -> anyhow::Result<Summary> {
    if !org::is_empty(db).await? {
        bail!("Cơ sở dữ liệu đã có dữ liệu: `tdkt demo` chỉ nạp vào cơ sở dữ liệu trống");
    }
    let p: Province = tdkt_demo::province(people, 2026);
    let mut w = db.write(&Actor::system("tdkt demo")).await?;
    progress("đơn vị");
    let ids = create_units(&mut w, &p.units).await?;
    for l in &p.lineage {
        org::add_lineage(&mut w, ids[&l.predecessor_code], ids[&l.successor_code], l.kind, l.on, &l.note).await?;
    }
    progress("cán bộ");
    let rows: Vec<(PersonInput, i64)> = p.people.iter().map(|s| (person_input(s.clone()), ids[&s.unit_code])).collect();
    let inserted = org::insert_people_batch(&w, &rows).await?;
    w.record("person.demo_load", "person", None, None, serde_json::json!({"people": inserted})).await?;
    progress("cụm, khối, hội đồng");
    for g in &p.groups {
        let members = g
            .members
            .iter()
            .map(|c| {
                let role = if *c == g.head {
                    GroupRole::Head
                } else if *c == g.deputy {
                    GroupRole::Deputy
                } else {
                    GroupRole::Member
                };
                (c.clone(), role)
            })
            .collect();
        org::create_group(
            &mut w,
            &GroupInput { code: g.code.clone(), name: g.name.clone(), kind: g.kind, year: g.year, members },
        )
        .await?;
    }
    let person_ids = org::person_ids(&w.tx).await?;
    let council_id = org::create_council(&mut w, &p.council.name, p.council.term_start, p.council.term_end).await?;
    for m in &p.council.members {
        org::add_council_member(&mut w, council_id, person_ids[m.person_index], m.role, &m.title).await?;
    }
    progress("tài khoản");
    for (username, display, home, grants) in DEMO_USERS {
        let hash = tdkt_web::password::hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
        let id = users::create_user(
            &mut w,
            &NewUser { username, display_name: display, password_hash: &hash, unit_id: ids[*home], person_id: None },
        )
        .await?;
        for (role, unit) in *grants {
            users::grant_role(&mut w, id, *role, ids[*unit]).await?;
        }
    }
    org::meta_set(&w, "demo", "Sơn La").await?;
    w.commit().await?;
    Ok(Summary {
        units: p.units.len(),
        people: inserted,
        groups: p.groups.len(),
        council_members: p.council.members.len(),
    })
}

/// Creates units in the given order (parents first) and returns their ids by code.
pub async fn create_units(w: &mut WriteTx, units: &[UnitSeed]) -> anyhow::Result<HashMap<String, i64>> {
    let mut ids = HashMap::with_capacity(units.len());
    for u in units {
        let id = org::create_unit(w, u).await.with_context(|| format!("đơn vị {}", u.code))?;
        ids.insert(u.code.clone(), id);
    }
    Ok(ids)
}

/// A generated person as the store takes it.
pub fn person_input(s: PersonSeed) -> PersonInput {
    PersonInput {
        full_name: s.full_name,
        gender: s.gender,
        birth_date: Some(s.birth_date),
        ethnicity: s.ethnicity,
        unit_code: s.unit_code,
        position: s.position,
        leadership: s.leadership,
        recruited_on: Some(s.recruited_on),
    }
}
