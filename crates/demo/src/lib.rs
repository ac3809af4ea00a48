//! The demo province: Sơn La after the 2025 reform, generated deterministically.
//!
//! [`province`] builds the whole demo (units with their 2025 lineage, people, the 2026 clusters
//! and blocks, and the emulation and commendation council) as plain data, without any I/O.
//! [`people`] generates only people, quickly, for benchmarks of 100 000 to 1 000 000 staff.
//!
//! Everything is a pure function of its arguments: the crate uses its own SplitMix64 generator
//! and integer arithmetic, so the output is the same on every machine and with every version
//! of its dependencies. Units, lineage, groups and the council posts do not depend on the seed;
//! the seed only changes who the people are.
//!
//! The 75 communes and wards and the 2025 mergers of departments follow the research note
//! `shared/domain/sonla-units.md`. Sub-units, enterprises, staff numbers, people and the 2026
//! clusters and blocks are invented demo data.

pub mod history;
mod names;
mod rng;
mod units;

use std::collections::HashSet;
use std::iter::repeat_n;

use chrono::{Datelike, Months, NaiveDate};
use tdkt_domain::org::{CouncilRole, Gender, GroupKind, Leadership, LineageKind};

use names::{ETHNIC, Mix, OVERALL_MIX};
use rng::{Rng, hash_str};
use units::{COMMUNES, Plan, ROOT, Staff, commune_code, ymd};

/// The whole demo province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// All units, every parent before its children; former units (with `active_to`) come last.
    pub units: Vec<UnitSeed>,
    /// How former units lead to current ones (the 2025 mergers and dissolutions).
    pub lineage: Vec<LineageSeed>,
    /// All staff, grouped by unit in the order of `units`.
    pub people: Vec<PersonSeed>,
    /// The clusters (cụm) and blocks (khối) of 2026.
    pub groups: Vec<GroupSeed>,
    /// The province's emulation and commendation council.
    pub council: CouncilSeed,
}

/// One unit of the organisation tree: exactly what the store takes to create a unit (codes are
/// valid for [`tdkt_domain::org::parse_unit_code`]; `parent_code` is `None` only for the root,
/// `"UBND"`; `active_from` is set for units created in the 2025 reform, `active_to` for former ones).
pub type UnitSeed = tdkt_domain::org::UnitInput;

/// A link from a former unit to the unit that took over its work and history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageSeed {
    pub predecessor_code: String,
    pub successor_code: String,
    pub kind: LineageKind,
    /// The first day of the successor's responsibility.
    pub on: NaiveDate,
    /// A short Vietnamese note that says the link is demo data.
    pub note: String,
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSeed {
    /// Family, middle and given name, NFC.
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    /// The ethnic group as written in personnel files ("Kinh", "Thái", "Mông", ...).
    pub ethnicity: String,
    pub unit_code: String,
    pub position: String,
    pub leadership: Leadership,
    /// At least 18 years after the birth date and not after 1 January 2026.
    pub recruited_on: NaiveDate,
}

/// A cluster (cụm, of communes and wards) or a block (khối, of provincial bodies) for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSeed {
    pub code: String,
    pub name: String,
    pub kind: GroupKind,
    pub year: i32,
    /// Unit codes of all members, the head and the deputy included.
    pub members: Vec<String>,
    /// Unit code of the head (trưởng cụm/khối).
    pub head: String,
    /// Unit code of the deputy (phó trưởng cụm/khối), never the head.
    pub deputy: String,
}

/// The emulation and commendation council (Hội đồng Thi đua - Khen thưởng) for a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilSeed {
    pub name: String,
    pub term_start: i32,
    pub term_end: i32,
    pub members: Vec<CouncilMemberSeed>,
}

/// A seat on the council, held by one of the generated people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouncilMemberSeed {
    /// Index into [`Province::people`] of the person who holds the post named by `title`.
    pub person_index: usize,
    pub role: CouncilRole,
    /// The post that gives the seat, e.g. "Chủ tịch UBND tỉnh".
    pub title: String,
}

/// A person the docs and tests rely on: a Chuyên viên (specialist) of Sở Nội vụ (`"SNV"`),
/// female, Kinh. She exists exactly once in every [`province`], whatever the seed, and
/// [`people`] never generates the same name.
pub const KNOWN_PERSON: &str = "Nguyễn Thị Hường";

/// The unit code of [`KNOWN_PERSON`].
const KNOWN_PERSON_UNIT: &str = "SNV";

/// The latest recruitment date the demo generates.
fn recruit_max() -> NaiveDate {
    ymd(2026, 1, 1)
}

/// The demo province with about `people` staff (20 000 for `tdkt demo`), deterministic for a
/// given seed.
///
/// Staff are spread over the active units in proportion to a fixed size for each unit. Every
/// active unit gets at least its head (departments their director and two deputies, the root
/// its chair and three vice-chairs), so any request below 411 people returns 411 people.
/// For requests of about 2 000 and more the total is exact.
pub fn province(people: usize, seed: u64) -> Province {
    let plans = units::plans();
    let counts = allocate(&plans, people);

    let mut persons: Vec<PersonSeed> = Vec::with_capacity(counts.iter().sum());
    let mut ranges: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    for (plan, &n) in plans.iter().zip(&counts) {
        let Some(staff) = plan.staff else { continue };
        let start = persons.len();
        staff_unit(&mut persons, plan, staff, n, seed);
        ranges.push((plan.unit.code.as_str(), start..persons.len()));
    }
    place_known_person(&mut persons, &ranges);
    let council = council(&persons, &ranges);

    Province {
        units: plans.into_iter().map(|p| p.unit).collect(),
        lineage: units::lineage(),
        people: persons,
        groups: groups(),
        council,
    }
}

/// Only people, for benchmarks at 100 000 or 1 000 000: `count` people spread at random over
/// `unit_codes`, deterministic for a given seed.
///
/// Person number `first_index + k` depends only on the seed, that index and `unit_codes`, so a
/// large set can be generated in chunks (`first_index` 0, then 100 000, ...) with the same
/// result as in one go. Names and dates follow the same rules as in [`province`], with the
/// ethnic mix of the whole province and a generic list of posts. Yields nothing when
/// `unit_codes` is empty.
pub fn people(count: usize, seed: u64, unit_codes: &[String], first_index: usize) -> impl Iterator<Item = PersonSeed> {
    let count = if unit_codes.is_empty() { 0 } else { count };
    (0..count).map(move |k| {
        let index = first_index.wrapping_add(k) as u64;
        let mut rng = Rng::stream(seed, index);
        let unit = &unit_codes[rng.below(unit_codes.len() as u64) as usize];
        let post = rng.weighted(GENERIC_POSTS);
        let mut person = new_person(&mut rng, &OVERALL_MIX, unit, post, None);
        person.full_name = names::full_name(&mut rng, eth_index(&person.ethnicity), person.gender);
        person
    })
}

// ---------------------------------------------------------------------------------------------
// Staffing

/// Which birth years a post draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Age {
    /// Heads of bodies: born 1966–1978.
    Head,
    /// Other leaders: born 1966–1988.
    Leader,
    /// Everybody else: born 1966–2003, most around 1985.
    Any,
}

/// A post to fill: its title, whether it is a leading post, and its age band.
type Post = (&'static str, Leadership, Age);

const W: Leadership = Leadership::Worker;
const L: Leadership = Leadership::Leader;

const DEPT_WORKERS: &[(&str, u32)] =
    &[("Chuyên viên chính", 18), ("Chuyên viên", 50), ("Kế toán", 6), ("Văn thư", 5), ("Nhân viên", 15)];
const OFFICE_WORKERS: &[(&str, u32)] =
    &[("Chuyên viên chính", 20), ("Chuyên viên", 48), ("Kế toán", 5), ("Văn thư", 7), ("Nhân viên", 12), ("Lái xe", 8)];
const INSPECTOR_WORKERS: &[(&str, u32)] =
    &[("Thanh tra viên chính", 28), ("Thanh tra viên", 45), ("Kế toán", 6), ("Văn thư", 6), ("Nhân viên", 15)];
const ASSOCIATION_WORKERS: &[(&str, u32)] = &[("Chuyên viên", 60), ("Kế toán", 8), ("Văn thư", 8), ("Nhân viên", 24)];
const ENTERPRISE_WORKERS: &[(&str, u32)] =
    &[("Công nhân", 55), ("Nhân viên", 25), ("Kỹ sư", 12), ("Kế toán", 5), ("Lái xe", 3)];
const COMMUNE_WORKERS: &[(&str, u32)] = &[
    ("Công chức Văn phòng - Thống kê", 18),
    ("Công chức Tư pháp - Hộ tịch", 14),
    ("Công chức Địa chính - Xây dựng", 16),
    ("Công chức Tài chính - Kế toán", 14),
    ("Công chức Văn hóa - Xã hội", 16),
    ("Chuyên viên", 12),
    ("Nhân viên", 10),
];
const SCHOOL_WORKERS: &[(&str, u32)] = &[("Giáo viên", 85), ("Nhân viên", 9), ("Kế toán", 3), ("Văn thư", 3)];
const COLLEGE_WORKERS: &[(&str, u32)] =
    &[("Giảng viên", 60), ("Giảng viên chính", 10), ("Chuyên viên", 12), ("Nhân viên", 13), ("Kế toán", 5)];
const HOSPITAL_WORKERS: &[(&str, u32)] = &[
    ("Bác sĩ", 24),
    ("Y sĩ", 6),
    ("Điều dưỡng", 38),
    ("Dược sĩ", 6),
    ("Hộ sinh", 6),
    ("Kỹ thuật viên", 8),
    ("Nhân viên", 9),
    ("Kế toán", 3),
];
const STATION_WORKERS: &[(&str, u32)] =
    &[("Bác sĩ", 15), ("Y sĩ", 30), ("Điều dưỡng", 25), ("Hộ sinh", 15), ("Dược sĩ", 15)];

/// Posts for [`people`]: about one in ten is a leading post.
const GENERIC_POSTS: &[(Post, u32)] = &[
    (("Chuyên viên", W, Age::Any), 24),
    (("Chuyên viên chính", W, Age::Any), 6),
    (("Giáo viên", W, Age::Any), 28),
    (("Nhân viên", W, Age::Any), 9),
    (("Điều dưỡng", W, Age::Any), 6),
    (("Bác sĩ", W, Age::Any), 4),
    (("Công chức Văn phòng - Thống kê", W, Age::Any), 3),
    (("Kế toán", W, Age::Any), 3),
    (("Công nhân", W, Age::Any), 4),
    (("Hiệu trưởng", L, Age::Head), 1),
    (("Phó Hiệu trưởng", L, Age::Leader), 2),
    (("Trưởng phòng", L, Age::Leader), 4),
    (("Phó Trưởng phòng", L, Age::Leader), 5),
];

/// The posts of a unit with `n` people: leading posts first (cut to `n`), then workers drawn
/// from the unit kind's table.
fn posts(staff: Staff, n: usize, rng: &mut Rng) -> Vec<Post> {
    let k = |div: usize, lo: usize, hi: usize| (n / div).clamp(lo, hi);
    let mut lead: Vec<(&'static str, Age)> = Vec::new();
    let workers: &[(&str, u32)] = match staff {
        Staff::Root => {
            lead.push(("Chủ tịch UBND tỉnh", Age::Head));
            lead.extend(repeat_n(("Phó Chủ tịch UBND tỉnh", Age::Head), 3));
            DEPT_WORKERS
        }
        Staff::Department { head, deputy } => {
            lead.push((head, Age::Head));
            lead.extend(repeat_n((deputy, Age::Leader), if n >= 100 { 3 } else { 2 }));
            if head != "Chánh Văn phòng" && n >= 10 {
                lead.push(("Chánh Văn phòng", Age::Leader));
                if n >= 60 {
                    lead.push(("Phó Chánh Văn phòng", Age::Leader));
                }
            }
            let rooms = k(25, 2, 9);
            lead.extend(repeat_n(("Trưởng phòng", Age::Leader), rooms));
            lead.extend(repeat_n(("Phó Trưởng phòng", Age::Leader), rooms));
            match head {
                "Chánh Thanh tra" => INSPECTOR_WORKERS,
                "Chánh Văn phòng" => OFFICE_WORKERS,
                _ => DEPT_WORKERS,
            }
        }
        Staff::Centre { head, deputy, workers } => {
            lead.push((head, Age::Leader));
            lead.extend(repeat_n((deputy, Age::Leader), if n >= 30 { 2 } else { 1 }));
            lead.extend(repeat_n(("Trưởng phòng", Age::Leader), k(15, 0, 4)));
            workers
        }
        Staff::Association { head, deputy } => {
            lead.push((head, Age::Head));
            lead.extend(repeat_n((deputy, Age::Leader), if n >= 30 { 3 } else { 2 }));
            if n >= 10 {
                lead.push(("Chánh Văn phòng", Age::Leader));
            }
            lead.extend(repeat_n(("Trưởng ban", Age::Leader), k(12, 1, 4)));
            lead.extend(repeat_n(("Phó Trưởng ban", Age::Leader), k(20, 0, 3)));
            ASSOCIATION_WORKERS
        }
        Staff::Enterprise => {
            lead.push(("Giám đốc", Age::Head));
            lead.extend(repeat_n(("Phó Giám đốc", Age::Leader), 2));
            lead.push(("Kế toán trưởng", Age::Leader));
            lead.extend(repeat_n(("Trưởng phòng", Age::Leader), k(40, 1, 5)));
            lead.extend(repeat_n(("Quản đốc", Age::Leader), k(80, 0, 3)));
            ENTERPRISE_WORKERS
        }
        Staff::Commune { ward } => {
            let (chair, vice) = if ward {
                ("Chủ tịch UBND phường", "Phó Chủ tịch UBND phường")
            } else {
                ("Chủ tịch UBND xã", "Phó Chủ tịch UBND xã")
            };
            lead.push((chair, Age::Head));
            lead.extend(repeat_n((vice, Age::Leader), 2));
            lead.push(("Chỉ huy trưởng Quân sự", Age::Leader));
            if n >= 15 {
                lead.push(("Chánh Văn phòng HĐND và UBND", Age::Leader));
                lead.push((
                    if ward {
                        "Trưởng phòng Kinh tế, Hạ tầng và Đô thị"
                    } else {
                        "Trưởng phòng Kinh tế"
                    },
                    Age::Leader,
                ));
                lead.push(("Trưởng phòng Văn hóa - Xã hội", Age::Leader));
            }
            COMMUNE_WORKERS
        }
        Staff::School { teacher } => {
            lead.push(("Hiệu trưởng", Age::Head));
            lead.extend(repeat_n(("Phó Hiệu trưởng", Age::Leader), k(35, 1, 3)));
            if teacher == "Giảng viên" {
                lead.extend(repeat_n(("Trưởng khoa", Age::Leader), k(25, 1, 8)));
                lead.extend(repeat_n(("Trưởng phòng", Age::Leader), k(50, 1, 5)));
                COLLEGE_WORKERS
            } else {
                lead.extend(repeat_n(("Tổ trưởng chuyên môn", Age::Leader), k(15, 0, 6)));
                SCHOOL_WORKERS
            }
        }
        Staff::Hospital => {
            lead.push(("Giám đốc", Age::Head));
            lead.extend(repeat_n(("Phó Giám đốc", Age::Leader), if n >= 300 { 3 } else { 2 }));
            lead.extend(repeat_n(("Trưởng phòng", Age::Leader), k(100, 1, 5)));
            lead.extend(repeat_n(("Trưởng khoa", Age::Leader), k(30, 1, 20)));
            lead.extend(repeat_n(("Phó Trưởng khoa", Age::Leader), k(60, 0, 10)));
            if n >= 100 {
                lead.push(("Điều dưỡng trưởng", Age::Leader));
            }
            HOSPITAL_WORKERS
        }
        Staff::Station => {
            lead.push(("Trưởng trạm", Age::Leader));
            if n >= 6 {
                lead.push(("Phó Trưởng trạm", Age::Leader));
            }
            STATION_WORKERS
        }
    };
    lead.truncate(n);
    let mut out: Vec<Post> = lead.into_iter().map(|(title, age)| (title, L, age)).collect();
    out.reserve(n - out.len());
    while out.len() < n {
        out.push((rng.weighted(workers), W, Age::Any));
    }
    out
}

/// Splits `total` people over the units in proportion to their weights (largest remainder),
/// then raises each unit to its minimum. The root always gets exactly its minimum.
fn allocate(plans: &[Plan], total: usize) -> Vec<usize> {
    let fixed: usize = plans.iter().filter(|p| p.staff.is_some() && p.weight == 0).map(|p| p.min).sum();
    let rest = total.saturating_sub(fixed) as u64;
    let weight: u64 = plans.iter().filter(|p| p.staff.is_some()).map(|p| p.weight).sum::<u64>().max(1);
    let mut counts: Vec<usize> = Vec::with_capacity(plans.len());
    let mut remainders: Vec<(u64, usize)> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if p.staff.is_none() {
            counts.push(0);
            continue;
        }
        let exact = u128::from(p.weight) * u128::from(rest);
        counts.push((exact / u128::from(weight)) as usize);
        remainders.push(((exact % u128::from(weight)) as u64, i));
    }
    let assigned: u64 = counts.iter().map(|&c| c as u64).sum();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(rest.saturating_sub(assigned) as usize) {
        counts[i] += 1;
    }
    for (c, p) in counts.iter_mut().zip(plans) {
        *c = (*c).max(p.min);
    }
    counts
}

/// Fills one unit with `n` people. Exact duplicate names within a unit are redrawn a few times,
/// so they stay rare (they do happen in real units).
fn staff_unit(persons: &mut Vec<PersonSeed>, plan: &Plan, staff: Staff, n: usize, seed: u64) {
    let code = plan.unit.code.as_str();
    let mut rng = Rng::stream(seed, hash_str(code));
    let posts = posts(staff, n, &mut rng);
    // The women's union is staffed almost only by women.
    let female = (code == "HLHPN").then_some(950);
    let mut seen: HashSet<String> = HashSet::with_capacity(n);
    for post in posts {
        let mut person = new_person(&mut rng, &plan.mix, code, post, female);
        let eth = eth_index(&person.ethnicity);
        for _ in 0..6 {
            let name = names::full_name(&mut rng, eth, person.gender);
            person.full_name = name;
            if !seen.contains(&person.full_name) {
                break;
            }
        }
        seen.insert(person.full_name.clone());
        persons.push(person);
    }
}

fn eth_index(name: &str) -> usize {
    ETHNIC.iter().position(|e| e.name == name).unwrap_or(0)
}

/// Per-mille chance that the holder of a post is a woman.
fn female_share(title: &str, age: Age) -> u32 {
    match title {
        "Hộ sinh" => 950,
        "Văn thư" | "Điều dưỡng" | "Điều dưỡng trưởng" => 720,
        "Kế toán" => 650,
        "Giáo viên" | "Giảng viên" | "Dược sĩ" => 580,
        "Y sĩ" | "Tổ trưởng chuyên môn" => 500,
        "Công nhân" | "Kỹ sư" => 280,
        "Lái xe" | "Chỉ huy trưởng Quân sự" => 20,
        _ => match age {
            Age::Head => 220,
            Age::Leader => 350,
            Age::Any => 420,
        },
    }
}

/// A person for a post, with an empty name (the caller draws it, so it can redraw it alone).
fn new_person(rng: &mut Rng, mix: &Mix, unit: &str, post: Post, female: Option<u32>) -> PersonSeed {
    let (title, leadership, age) = post;
    let eth = rng.weighted_index(mix);
    let gender =
        if rng.chance(female.unwrap_or_else(|| female_share(title, age))) { Gender::Female } else { Gender::Male };
    let year = match age {
        Age::Head => rng.range(1966, 1978),
        Age::Leader => rng.range(1966, 1988),
        Age::Any => (rng.range(1966, 2003) + rng.range(1966, 2003) + 1) / 2,
    } as i32;
    let birth_date = NaiveDate::from_yo_opt(year, 1 + rng.below(365) as u32).unwrap_or(NaiveDate::MIN);
    let adult = birth_date.checked_add_months(Months::new(18 * 12)).unwrap_or(birth_date);
    let mut recruited_on = adult + chrono::Duration::days(rng.range(400, 4500));
    if rng.chance(400) {
        // Many recruitment decisions take effect on the first of a month.
        recruited_on = recruited_on.with_day(1).unwrap_or(recruited_on);
    }
    PersonSeed {
        full_name: String::new(),
        gender,
        birth_date,
        ethnicity: ETHNIC[eth].name.to_string(),
        unit_code: unit.to_string(),
        position: title.to_string(),
        leadership,
        recruited_on: recruited_on.min(recruit_max()),
    }
}

/// Makes the first worker of Sở Nội vụ the well-known Chuyên viên [`KNOWN_PERSON`].
fn place_known_person(persons: &mut [PersonSeed], ranges: &[(&str, std::ops::Range<usize>)]) {
    let Some((_, range)) = ranges.iter().find(|(code, _)| *code == KNOWN_PERSON_UNIT) else {
        return;
    };
    let slot = range.clone().find(|&i| persons[i].leadership == Leadership::Worker).unwrap_or(range.end - 1);
    persons[slot] = PersonSeed {
        full_name: KNOWN_PERSON.to_string(),
        gender: Gender::Female,
        birth_date: ymd(1987, 8, 15),
        ethnicity: "Kinh".to_string(),
        unit_code: KNOWN_PERSON_UNIT.to_string(),
        position: "Chuyên viên".to_string(),
        leadership: Leadership::Worker,
        recruited_on: ymd(2011, 10, 1),
    };
}

// ---------------------------------------------------------------------------------------------
// The council

/// Council seats: unit code, post held in the unit, role, title on the council.
const COUNCIL: &[(&str, &str, CouncilRole, &str)] = &[
    (ROOT, "Chủ tịch UBND tỉnh", CouncilRole::Chair, "Chủ tịch UBND tỉnh"),
    ("SNV", "Giám đốc", CouncilRole::StandingViceChair, "Giám đốc Sở Nội vụ"),
    (ROOT, "Phó Chủ tịch UBND tỉnh", CouncilRole::ViceChair, "Phó Chủ tịch UBND tỉnh"),
    ("VP-UBND", "Chánh Văn phòng", CouncilRole::Member, "Chánh Văn phòng UBND tỉnh"),
    ("STC", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Tài chính"),
    ("STP", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Tư pháp"),
    ("SGDDT", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Giáo dục và Đào tạo"),
    ("SYT", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Y tế"),
    ("SVHTTDL", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Văn hóa, Thể thao và Du lịch"),
    ("SNNMT", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Nông nghiệp và Môi trường"),
    ("SDTTG", "Giám đốc", CouncilRole::Member, "Giám đốc Sở Dân tộc và Tôn giáo"),
    ("LDLD", "Chủ tịch", CouncilRole::Member, "Chủ tịch Liên đoàn Lao động tỉnh"),
    ("HLHPN", "Chủ tịch", CouncilRole::Member, "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"),
    ("TINH-DOAN", "Bí thư", CouncilRole::Member, "Bí thư Tỉnh đoàn"),
    ("SNV", "Phó Giám đốc", CouncilRole::Secretary, "Phó Giám đốc Sở Nội vụ"),
];

/// The council for 2026–2031; each seat goes to the first person holding the post in the unit.
fn council(persons: &[PersonSeed], ranges: &[(&str, std::ops::Range<usize>)]) -> CouncilSeed {
    let members = COUNCIL
        .iter()
        .filter_map(|&(unit, post, role, title)| {
            let (_, range) = ranges.iter().find(|(code, _)| *code == unit)?;
            let person_index = range.clone().find(|&i| persons[i].position == post)?;
            Some(CouncilMemberSeed { person_index, role, title: title.to_string() })
        })
        .collect();
    CouncilSeed {
        name: "Hội đồng Thi đua - Khen thưởng tỉnh Sơn La".to_string(),
        term_start: 2026,
        term_end: 2031,
        members,
    }
}

// ---------------------------------------------------------------------------------------------
// Clusters and blocks

/// The year of the demo arrangement.
const GROUP_YEAR: i32 = 2026;

/// Blocks (khối) of provincial bodies: code, name, members, head, deputy.
const BLOCKS: &[(&str, &str, &[&str], &str, &str)] = &[
    ("KHOI-TH-2026", "Khối các cơ quan tổng hợp", &["STP", "SNV", "VP-UBND", "STC", "TTR"], "STP", "STC"),
    ("KHOI-KT-2026", "Khối các cơ quan kinh tế - kỹ thuật", &["SXD", "SCT", "SNNMT", "SKHCN"], "SXD", "SNNMT"),
    ("KHOI-VX-2026", "Khối các cơ quan văn hóa - xã hội", &["SGDDT", "SYT", "SVHTTDL", "SDTTG"], "SGDDT", "SYT"),
    (
        "KHOI-DT-2026",
        "Khối các tổ chức chính trị - xã hội và các hội",
        &["HLHPN", "TINH-DOAN", "LDLD", "HND", "HCCB", "HCTD", "LMHTX"],
        "HLHPN",
        "TINH-DOAN",
    ),
    (
        "KHOI-DN-2026",
        "Khối doanh nghiệp nhà nước",
        &["DN-CAP-NUOC", "DN-XSKT", "DN-THUY-LOI", "DN-MT-DO-THI"],
        "DN-CAP-NUOC",
        "DN-XSKT",
    ),
];

/// Clusters (cụm) of communes and wards by former district: districts (indices into
/// [`DISTRICTS`]), area named in the cluster's name, head GSO code, deputy GSO code.
const CLUSTERS: &[(&[usize], &str, &str, &str)] = &[
    (&[0], "khu vực thành phố Sơn La cũ", "03646", "03679"),
    (&[1, 3], "khu vực các huyện Quỳnh Nhai, Mường La cũ", "03847", "03703"),
    (&[2], "khu vực huyện Thuận Châu cũ", "03721", "03754"),
    (&[4], "khu vực huyện Bắc Yên cũ", "03856", "03868"),
    (&[5], "khu vực huyện Phù Yên cũ", "03910", "03922"),
    (&[6, 7], "khu vực thị xã Mộc Châu và huyện Vân Hồ cũ", "03980", "04048"),
    (&[8], "khu vực huyện Yên Châu cũ", "04075", "04078"),
    (&[9], "khu vực huyện Mai Sơn cũ", "04105", "04132"),
    (&[10], "khu vực huyện Sông Mã cũ", "04168", "04222"),
    (&[11], "khu vực huyện Sốp Cộp cũ", "04231", "04246"),
];

/// The clusters and blocks of 2026.
///
/// This is a demo arrangement: the real 2026 list of Sơn La was not found (the only one found
/// is from 2024, before the reform, and gives totals only). Blocks group provincial bodies by
/// field; clusters group communes and wards by the former district they cover.
fn groups() -> Vec<GroupSeed> {
    let mut out = Vec::with_capacity(BLOCKS.len() + CLUSTERS.len());
    for &(code, name, members, head, deputy) in BLOCKS {
        out.push(GroupSeed {
            code: code.to_string(),
            name: name.to_string(),
            kind: GroupKind::Block,
            year: GROUP_YEAR,
            members: members.iter().map(|m| m.to_string()).collect(),
            head: head.to_string(),
            deputy: deputy.to_string(),
        });
    }
    for (i, &(districts, area, head, deputy)) in CLUSTERS.iter().enumerate() {
        let members = COMMUNES.iter().filter(|c| districts.contains(&c.2)).map(|c| commune_code(c.0)).collect();
        out.push(GroupSeed {
            code: format!("CUM-{:02}-{GROUP_YEAR}", i + 1),
            name: format!("Cụm thi đua số {} ({area})", i + 1),
            kind: GroupKind::Cluster,
            year: GROUP_YEAR,
            members,
            head: commune_code(head),
            deputy: commune_code(deputy),
        });
    }
    out
}
