//! Properties of the demo province that the rest of tdkt relies on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{Months, NaiveDate};
use tdkt_demo::{KNOWN_PERSON, PersonSeed, Province, people, province};
use tdkt_domain::org::{CouncilRole, Gender, GroupKind, Leadership, LineageKind, UnitKind, parse_unit_code};
use tdkt_domain::text::{clean, fold};

const SEED: u64 = 2026;

/// The 20 000-people demo, built once for all tests of this file.
fn demo() -> &'static Province {
    static DEMO: OnceLock<Province> = OnceLock::new();
    DEMO.get_or_init(|| province(20_000, SEED))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn units_by_code(p: &Province) -> HashMap<&str, &tdkt_demo::UnitSeed> {
    p.units.iter().map(|u| (u.code.as_str(), u)).collect()
}

#[test]
fn deterministic() {
    let again = province(20_000, SEED);
    assert_eq!(demo(), &again);
    let other = province(20_000, SEED + 1);
    assert_eq!(demo().units, other.units);
    assert_eq!(demo().groups, other.groups);
    assert_ne!(demo().people, other.people);
}

#[test]
fn total_people_near_request() {
    let n = demo().people.len();
    assert!((19_000..=21_000).contains(&n), "{n} people");
    let small = province(1_000, SEED).people.len();
    assert!((950..=1_050).contains(&small), "{small} people");
    // A tiny request still yields every head the council needs.
    let tiny = province(10, SEED);
    assert_eq!(tiny.people.len(), 411);
    assert_eq!(tiny.council, province(10, SEED).council);
    assert_eq!(tiny.council.members.len(), demo().council.members.len());
}

#[test]
fn codes_valid_and_parents_first() {
    let p = demo();
    let mut seen = HashSet::new();
    for (i, u) in p.units.iter().enumerate() {
        assert_eq!(parse_unit_code(&u.code).as_deref(), Ok(u.code.as_str()), "{}", u.code);
        match &u.parent_code {
            None => assert_eq!(i, 0, "only the root has no parent"),
            Some(parent) => assert!(seen.contains(parent.as_str()), "{} before its parent {parent}", u.code),
        }
        assert!(seen.insert(u.code.as_str()), "duplicate code {}", u.code);
    }
    assert_eq!(p.units[0].code, "UBND");
    assert_eq!(p.units[0].kind, UnitKind::PeoplesCommittee);
    for person in &p.people {
        assert!(seen.contains(person.unit_code.as_str()), "{}", person.unit_code);
    }
    for g in &p.groups {
        assert_eq!(parse_unit_code(&g.code).as_deref(), Ok(g.code.as_str()));
        for m in &g.members {
            assert!(seen.contains(m.as_str()), "{m}");
        }
    }
    for l in &p.lineage {
        assert!(seen.contains(l.predecessor_code.as_str()) && seen.contains(l.successor_code.as_str()));
    }
}

#[test]
fn all_text_is_nfc_and_clean() {
    let p = demo();
    let mut texts: Vec<&str> = Vec::new();
    for u in &p.units {
        texts.push(&u.name);
    }
    for person in &p.people {
        texts.extend([person.full_name.as_str(), &person.ethnicity, &person.position]);
    }
    for g in &p.groups {
        texts.push(&g.name);
    }
    for l in &p.lineage {
        texts.push(&l.note);
    }
    texts.push(&p.council.name);
    for m in &p.council.members {
        texts.push(&m.title);
    }
    for t in texts {
        assert!(!t.is_empty());
        assert_eq!(clean(t), t, "{t:?}");
    }
    for person in people(10_000, SEED, &["SNV".to_string()], 0) {
        assert_eq!(clean(&person.full_name), person.full_name);
    }
}

#[test]
fn known_person_exactly_once() {
    let p = demo();
    let found: Vec<&PersonSeed> = p.people.iter().filter(|x| x.full_name == KNOWN_PERSON).collect();
    assert_eq!(found.len(), 1);
    let h = found[0];
    assert_eq!(h.unit_code, "SNV");
    assert_eq!(h.position, "Chuyên viên");
    assert_eq!(h.gender, Gender::Female);
    assert_eq!(h.ethnicity, "Kinh");
    assert_eq!(h.leadership, Leadership::Worker);
    for seed in 0..5 {
        let q = province(3_000, seed);
        assert_eq!(q.people.iter().filter(|x| x.full_name == KNOWN_PERSON).count(), 1, "seed {seed}");
    }
    let codes = vec!["SNV".to_string(), "STP".to_string()];
    assert!(people(200_000, 1, &codes, 0).all(|x| x.full_name != KNOWN_PERSON));
}

#[test]
fn communes_and_units() {
    let p = demo();
    let communes: Vec<_> = p.units.iter().filter(|u| u.kind == UnitKind::Commune).collect();
    assert_eq!(communes.len(), 75);
    assert_eq!(communes.iter().filter(|u| u.name.starts_with("Phường ")).count(), 8);
    assert_eq!(communes.iter().filter(|u| u.name.starts_with("Xã ")).count(), 67);
    let by_code = units_by_code(p);
    assert_eq!(by_code["XA-03646"].name, "Phường Tô Hiệu");
    assert_eq!(by_code["XA-03847"].name, "Xã Mường Bú");
    assert_eq!(by_code["SNV"].name, "Sở Nội vụ");
    assert_eq!(by_code["STP"].name, "Sở Tư pháp");
    assert_eq!(by_code["STC"].name, "Sở Tài chính");
    assert_eq!(by_code["VP-UBND"].kind, UnitKind::Department);

    let active = p.units.iter().filter(|u| u.active_to.is_none()).count();
    let former = p.units.len() - active;
    assert!((300..=400).contains(&active), "{active} active units");
    assert_eq!(former, 19);
    assert!(p.units.iter().any(|u| fold(&u.name).contains("dien bien")));

    let staffed: HashSet<&str> = p.people.iter().map(|x| x.unit_code.as_str()).collect();
    for u in &p.units {
        if u.active_to.is_some() {
            assert_eq!(u.parent_code.as_deref(), Some("UBND"));
            assert!(!staffed.contains(u.code.as_str()), "{} is former but has people", u.code);
        } else {
            assert!(staffed.contains(u.code.as_str()), "{} has nobody", u.code);
        }
    }
}

#[test]
fn lineage_of_2025() {
    let p = demo();
    let by_code = units_by_code(p);
    let merges: Vec<_> = p.lineage.iter().filter(|l| l.kind == LineageKind::Merge).collect();
    let dissolutions: Vec<_> = p.lineage.iter().filter(|l| l.kind == LineageKind::Dissolve).collect();
    assert_eq!(merges.len(), 7);
    assert_eq!(dissolutions.len(), 12);
    for l in &merges {
        assert_eq!(l.on, date(2025, 3, 1));
        assert_eq!(by_code[l.predecessor_code.as_str()].active_to, Some(date(2025, 2, 28)));
        assert!(by_code[l.successor_code.as_str()].active_to.is_none());
        assert!(l.note.contains("minh hoạ"));
    }
    assert_eq!(by_code["SNNMT"].active_from, Some(date(2025, 3, 1)));
    assert_eq!(by_code["SDTTG"].active_from, Some(date(2025, 3, 1)));
    assert_eq!(by_code["SNV"].active_from, None);
    for l in &dissolutions {
        assert_eq!(l.on, date(2025, 7, 1));
        let old = by_code[l.predecessor_code.as_str()];
        assert_eq!(old.active_to, Some(date(2025, 6, 30)));
        assert_eq!(old.kind, UnitKind::PeoplesCommittee);
        assert_eq!(by_code[l.successor_code.as_str()].kind, UnitKind::Commune);
    }
    let mai_son = p.lineage.iter().find(|l| l.predecessor_code == "UBND-H-MAI-SON").expect("Mai Sơn");
    assert_eq!(by_code[mai_son.successor_code.as_str()].name, "Xã Mai Sơn");
}

#[test]
fn groups_cover_units_once() {
    let p = demo();
    let by_code = units_by_code(p);
    let mut in_cluster: HashMap<&str, usize> = HashMap::new();
    let mut in_block: HashMap<&str, usize> = HashMap::new();
    for g in &p.groups {
        assert_eq!(g.year, 2026);
        assert_ne!(g.head, g.deputy);
        assert!(g.members.contains(&g.head) && g.members.contains(&g.deputy), "{}", g.code);
        let tally = if g.kind == GroupKind::Cluster { &mut in_cluster } else { &mut in_block };
        for m in &g.members {
            *tally.entry(m.as_str()).or_default() += 1;
            let kind = by_code[m.as_str()].kind;
            if g.kind == GroupKind::Cluster {
                assert_eq!(kind, UnitKind::Commune);
            } else {
                assert!(matches!(kind, UnitKind::Department | UnitKind::Association | UnitKind::Enterprise));
            }
        }
    }
    let clusters = p.groups.iter().filter(|g| g.kind == GroupKind::Cluster).count();
    let blocks = p.groups.len() - clusters;
    assert!((8..=12).contains(&clusters) && (4..=6).contains(&blocks));
    for u in p.units.iter().filter(|u| u.active_to.is_none()) {
        match u.kind {
            UnitKind::Commune => {
                assert_eq!(in_cluster.get(u.code.as_str()), Some(&1), "{}", u.code)
            }
            UnitKind::Department | UnitKind::Association | UnitKind::Enterprise => {
                assert_eq!(in_block.get(u.code.as_str()), Some(&1), "{}", u.code)
            }
            _ => {}
        }
    }
    let stp = p.groups.iter().find(|g| g.members.iter().any(|m| m == "STP")).expect("STP block");
    assert_eq!(stp.head, "STP");
    assert!(stp.members.iter().any(|m| m == "SNV") && stp.deputy != "SNV");
    let mb = p.groups.iter().find(|g| g.members.iter().any(|m| m == "XA-03847")).expect("Mường Bú");
    assert_eq!(mb.head, "XA-03847");
    assert_eq!(p.groups.iter().find(|g| g.code == "CUM-01-2026").map(|g| g.members.len()), Some(4));
}

#[test]
fn council_posts() {
    let p = demo();
    let c = &p.council;
    assert_eq!(c.name, "Hội đồng Thi đua - Khen thưởng tỉnh Sơn La");
    assert_eq!((c.term_start, c.term_end), (2026, 2031));
    let count = |r: CouncilRole| c.members.iter().filter(|m| m.role == r).count();
    assert_eq!(count(CouncilRole::Chair), 1);
    assert_eq!(count(CouncilRole::StandingViceChair), 1);
    assert_eq!(count(CouncilRole::Secretary), 1);
    assert!(count(CouncilRole::ViceChair) >= 1);
    assert!((8..=14).contains(&count(CouncilRole::Member)));
    let mut indices = HashSet::new();
    for m in &c.members {
        assert!(m.person_index < p.people.len());
        assert!(indices.insert(m.person_index), "one seat per person");
        assert_eq!(p.people[m.person_index].leadership, Leadership::Leader);
    }
    let holder = |r: CouncilRole| {
        let m = c.members.iter().find(|m| m.role == r).expect("role");
        &p.people[m.person_index]
    };
    let chair = holder(CouncilRole::Chair);
    assert_eq!((chair.unit_code.as_str(), chair.position.as_str()), ("UBND", "Chủ tịch UBND tỉnh"));
    let standing = holder(CouncilRole::StandingViceChair);
    assert_eq!((standing.unit_code.as_str(), standing.position.as_str()), ("SNV", "Giám đốc"));
    assert_eq!(holder(CouncilRole::Secretary).unit_code, "SNV");
}

#[test]
fn people_plausible() {
    let p = demo();
    let root: Vec<_> = p.people.iter().filter(|x| x.unit_code == "UBND").collect();
    assert_eq!(root.len(), 4);
    assert_eq!(root.iter().filter(|x| x.position == "Chủ tịch UBND tỉnh").count(), 1);
    assert_eq!(root.iter().filter(|x| x.position == "Phó Chủ tịch UBND tỉnh").count(), 3);
    for x in &p.people {
        assert!((1966..=2003).contains(&chrono::Datelike::year(&x.birth_date)), "{x:?}");
        let adult = x.birth_date.checked_add_months(Months::new(216)).expect("date");
        assert!(x.recruited_on >= adult && x.recruited_on <= date(2026, 1, 1), "{x:?}");
        assert_eq!(x.full_name.split(' ').count(), 3, "{}", x.full_name);
    }
    let heads = |code: &str, post: &str| p.people.iter().filter(|x| x.unit_code == code && x.position == post).count();
    assert_eq!(heads("SNV", "Giám đốc"), 1);
    assert_eq!(heads("VP-UBND", "Chánh Văn phòng"), 1);
    assert_eq!(heads("XA-03847", "Chủ tịch UBND xã"), 1);
    assert_eq!(heads("XA-03646", "Chủ tịch UBND phường"), 1);
    let snv = p.people.iter().filter(|x| x.unit_code == "SNV").count();
    let vp = p.people.iter().filter(|x| x.unit_code == "VP-UBND").count();
    assert!((130..=170).contains(&snv), "SNV {snv}");
    assert!((100..=140).contains(&vp), "VP-UBND {vp}");

    let mut dup: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for x in &p.people {
        *dup.entry((x.unit_code.as_str(), x.full_name.as_str())).or_default() += 1;
    }
    let repeated: usize = dup.values().filter(|&&n| n > 1).map(|n| n - 1).sum();
    assert!(repeated * 200 < p.people.len(), "{repeated} duplicate names within units");
}

#[test]
fn ethnic_and_gender_mix() {
    let p = demo();
    let n = p.people.len() as f64;
    let share = |e: &str| p.people.iter().filter(|x| x.ethnicity == e).count() as f64 / n;
    let mut shares: Vec<(String, f64)> = Vec::new();
    for e in ["Kinh", "Thái", "Mông", "Mường", "Dao", "Khơ Mú", "Xinh Mun", "Kháng", "Lào", "La Ha", "Tày"] {
        shares.push((e.to_string(), share(e)));
    }
    println!("{shares:.3?}");
    assert!((0.35..0.45).contains(&share("Kinh")));
    assert!((0.30..0.40).contains(&share("Thái")));
    assert!((0.07..0.13).contains(&share("Mông")));
    let women = p.people.iter().filter(|x| x.gender == Gender::Female).count() as f64 / n;
    println!("women {women:.3}");
    assert!((0.45..0.56).contains(&women));
    let leaders = p.people.iter().filter(|x| x.leadership == Leadership::Leader).count() as f64 / n;
    println!("leaders {leaders:.3}");
    assert!((0.05..0.25).contains(&leaders));
}

#[test]
fn bulk_people_deterministic_and_chunkable() {
    let codes: Vec<String> = demo().units.iter().filter(|u| u.active_to.is_none()).map(|u| u.code.clone()).collect();
    let a: Vec<PersonSeed> = people(200_000, 9, &codes, 0).collect();
    assert_eq!(a.len(), 200_000);
    let b: Vec<PersonSeed> = people(200_000, 9, &codes, 0).collect();
    assert_eq!(a, b);
    let tail: Vec<PersonSeed> = people(1_000, 9, &codes, 150_000).collect();
    assert_eq!(&a[150_000..151_000], &tail[..]);
    let code_set: HashSet<&str> = codes.iter().map(String::as_str).collect();
    assert!(a.iter().all(|x| code_set.contains(x.unit_code.as_str())));
    assert_eq!(people(10, 9, &[], 0).count(), 0);
}

/// Run with `cargo test -p tdkt-demo --release -- --ignored --nocapture timing`.
#[test]
#[ignore]
fn timing() {
    let t = std::time::Instant::now();
    let p = province(20_000, SEED);
    println!("province(20_000): {:?}, {} people", t.elapsed(), p.people.len());
    let codes: Vec<String> = p.units.iter().filter(|u| u.active_to.is_none()).map(|u| u.code.clone()).collect();
    let t = std::time::Instant::now();
    let n = people(1_000_000, SEED, &codes, 0).count();
    println!("people(1_000_000): {:?}, {n} people", t.elapsed());
}
