//! Plans and their key tasks (module 8): reading a plan's text (`parse`), when a task is due
//! (`due`), matching the units a task names to the registry (`Parties`), and the plan check
//! that lists slips for a person to confirm (`check`).

pub mod due;
pub mod parse;

use chrono::NaiveDate;
use serde::Serialize;

pub use due::Due;
pub use parse::{ParsedPlan, ParsedTask, Warning, parse, split_parties};

use crate::text;

/// Who a task names, once matched to the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Party {
    /// One unit of the registry.
    Unit { id: i64 },
    /// "Các cơ quan, đơn vị, địa phương": every unit.
    AllUnits,
    /// "… tham gia cụm, khối thi đua của tỉnh": every member of a cluster or block of the year.
    GroupMembers,
    /// "Thành viên Hội đồng TĐKT tỉnh": the council's members.
    Council,
    /// A name tdkt could not match; kept as written and flagged by the plan check.
    Unmatched,
}

impl Party {
    pub fn kind(&self) -> &'static str {
        match self {
            Party::Unit { .. } => "unit",
            Party::AllUnits => "all_units",
            Party::GroupMembers => "group_members",
            Party::Council => "council",
            Party::Unmatched => "unmatched",
        }
    }

    pub fn unit_id(&self) -> Option<i64> {
        match self {
            Party::Unit { id } => Some(*id),
            _ => None,
        }
    }
}

/// The units of the registry by their names, for matching the names a plan writes.
pub struct Parties {
    names: Vec<(String, i64)>,
}

/// Abbreviations plans use for the bodies they name, expanded before comparing.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("ubnd", "uy ban nhan dan"),
    ("hdnd", "hoi dong nhan dan"),
    ("tdkt", "thi dua khen thuong"),
    ("vp", "van phong"),
    ("mttq", "mat tran to quoc"),
    ("ubmttq", "uy ban mat tran to quoc"),
    ("tw", "trung uong"),
];

fn normal(name: &str) -> String {
    let folded = text::fold(name);
    let words: Vec<&str> =
        folded.split(' ').map(|w| ABBREVIATIONS.iter().find(|(a, _)| *a == w).map_or(w, |(_, full)| *full)).collect();
    words.join(" ")
}

impl Parties {
    /// `units`: each unit's id and name (active units; a dissolved unit no longer takes tasks).
    pub fn new<'a>(units: impl IntoIterator<Item = (i64, &'a str)>) -> Parties {
        Parties { names: units.into_iter().map(|(id, name)| (normal(name), id)).collect() }
    }

    /// Matches one name as a plan writes it. A name that several units bear ("Phòng Nội vụ" of
    /// many communes) matches none of them: a person says which.
    pub fn resolve(&self, name: &str) -> Party {
        let n = normal(name);
        let one = |found: Vec<i64>| match found.as_slice() {
            [id] => Some(Party::Unit { id: *id }),
            [] => None,
            _ => Some(Party::Unmatched),
        };
        if let Some(p) = one(self.names.iter().filter(|(u, _)| *u == n).map(|(_, id)| *id).collect()) {
            return p;
        }
        // "Sở Nội vụ tỉnh", "Văn phòng UBND tỉnh Sơn La": the same unit with the province named.
        let trimmed = n.trim_end_matches(" tinh").trim_end_matches(" son la").trim_end_matches(" tinh");
        let found = self
            .names
            .iter()
            .filter(|(u, _)| {
                u.trim_end_matches(" tinh") == trimmed
                    || u.trim_end_matches(" tinh") == n.trim_end_matches(" tinh son la")
            })
            .map(|(_, id)| *id)
            .collect();
        if let Some(p) = one(found) {
            return p;
        }
        if n.starts_with("thanh vien hoi dong") || n.starts_with("hoi dong thi dua khen thuong") {
            return Party::Council;
        }
        let collective = n.starts_with("cac co quan") || n.starts_with("cac don vi") || n.starts_with("cac so");
        if collective && (n.contains(" cum") || n.contains(" khoi")) {
            return Party::GroupMembers;
        }
        if collective {
            return Party::AllUnits;
        }
        Party::Unmatched
    }

    /// Matches a list of names; a name that matches nothing but whose parts separated by commas
    /// are all units ("Sở Tư pháp, Sở Tài chính") becomes those units.
    pub fn resolve_all(&self, names: &[String]) -> Vec<(String, Party)> {
        let mut out = Vec::new();
        for name in names {
            let party = self.resolve(name);
            if party == Party::Unmatched && name.contains(',') {
                let parts: Vec<(String, Party)> = name
                    .split(',')
                    .map(text::clean)
                    .filter(|p| !p.is_empty())
                    .map(|p| (p.clone(), self.resolve(&p)))
                    .collect();
                if parts.iter().all(|(_, p)| matches!(p, Party::Unit { .. })) {
                    out.extend(parts);
                    continue;
                }
            }
            out.push((name.clone(), party));
        }
        out
    }
}

/// What the plan check needs to know of one task.
#[derive(Debug, Clone)]
pub struct TaskFacts<'a> {
    /// How the task is named to a person: "I.9" (group and number).
    pub label: String,
    pub content: &'a str,
    pub due_text: &'a str,
    pub due: Due,
    /// The lead as written and whether it matched; `None` when the plan names none (the plan's
    /// issuer leads).
    pub lead: Option<(&'a str, bool)>,
    pub unmatched: Vec<&'a str>,
}

/// One slip of a plan, for a person to confirm or correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slip {
    pub task: String,
    /// `due_outside_year` | `no_time` | `unclear_time` | `unknown_lead` | `unknown_party` | `duplicate`
    pub kind: &'static str,
    pub message: String,
}

/// Lists the slips of a plan: a time outside the plan's year, a task without a time or with a
/// time tdkt cannot read, a lead or cooperating unit that is not in the registry, and the same
/// task twice.
pub fn check(year: i32, tasks: &[TaskFacts<'_>]) -> Vec<Slip> {
    let mut slips = Vec::new();
    let keys: Vec<String> = tasks.iter().map(|t| text::fold(t.content)).collect();
    for (i, t) in tasks.iter().enumerate() {
        let mut slip = |kind: &'static str, message: String| slips.push(Slip { task: t.label.clone(), kind, message });
        match t.due {
            Due::Missing => slip("no_time", format!("Nhiệm vụ {} không ghi thời gian thực hiện", t.label)),
            Due::Unclear => slip(
                "unclear_time",
                format!("Nhiệm vụ {}: không hiểu thời gian “{}”, xin ghi rõ tháng, quý hoặc ngày", t.label, t.due_text),
            ),
            d => {
                if let Some(y) = d.year().filter(|y| *y != year) {
                    slip(
                        "due_outside_year",
                        format!(
                            "Nhiệm vụ {}: thời gian “{}” thuộc năm {y}, ngoài năm {year} của kế hoạch; có thể ghi nhầm",
                            t.label, t.due_text
                        ),
                    );
                }
            }
        }
        if let Some((lead, false)) = t.lead {
            slip(
                "unknown_lead",
                format!("Nhiệm vụ {}: đơn vị chủ trì “{lead}” không có trong danh sách đơn vị", t.label),
            );
        }
        for name in &t.unmatched {
            slip(
                "unknown_party",
                format!("Nhiệm vụ {}: đơn vị phối hợp “{name}” không có trong danh sách đơn vị", t.label),
            );
        }
        let key = &keys[i];
        if !key.is_empty()
            && let Some(first) = keys[..i].iter().position(|o| o == key)
        {
            slip("duplicate", format!("Nhiệm vụ {} trùng nội dung với nhiệm vụ {}", t.label, tasks[first].label));
        }
    }
    slips
}

/// Progress of a task as its lead reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    NotStarted,
    InProgress,
    Done,
    /// Past its last day and not done.
    Overdue,
    /// A regular task has no last day.
    Ongoing,
}

impl Progress {
    pub fn of(percent: i64, due: Due, today: NaiveDate) -> Progress {
        if percent >= 100 {
            return Progress::Done;
        }
        if let Some(deadline) = due.deadline()
            && deadline < today
        {
            return Progress::Overdue;
        }
        match (due, percent) {
            (Due::Regular, _) => Progress::Ongoing,
            (_, 0) => Progress::NotStarted,
            _ => Progress::InProgress,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Progress::NotStarted => "Chưa thực hiện",
            Progress::InProgress => "Đang thực hiện",
            Progress::Done => "Đã hoàn thành",
            Progress::Overdue => "Quá hạn",
            Progress::Ongoing => "Thường xuyên",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Progress::NotStarted => "not_started",
            Progress::InProgress => "in_progress",
            Progress::Done => "done",
            Progress::Overdue => "overdue",
            Progress::Ongoing => "ongoing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parties() -> Parties {
        Parties::new([(1, "Sở Nội vụ"), (2, "Văn phòng Ủy ban nhân dân tỉnh"), (3, "Sở Tư pháp"), (4, "Sở Tài chính")])
    }

    #[test]
    fn matches_names_as_plans_write_them() {
        let p = parties();
        assert_eq!(p.resolve("Sở Nội vụ"), Party::Unit { id: 1 });
        assert_eq!(p.resolve("Văn phòng UBND tỉnh"), Party::Unit { id: 2 });
        assert_eq!(p.resolve("VP UBND tỉnh Sơn La"), Party::Unit { id: 2 });
        assert_eq!(p.resolve("SỞ NỘI VỤ"), Party::Unit { id: 1 });
        assert_eq!(p.resolve("Thành viên Hội đồng TĐKT tỉnh"), Party::Council);
        assert_eq!(
            p.resolve("Các cơ quan, đơn vị, địa phương tham gia cụm, khối thi đua của tỉnh"),
            Party::GroupMembers
        );
        assert_eq!(p.resolve("Các cơ quan, đơn vị, địa phương"), Party::AllUnits);
        assert_eq!(p.resolve("Lãnh đạo tỉnh"), Party::Unmatched);
        let twins = Parties::new([(7, "Phòng Nội vụ"), (8, "Phòng Nội vụ")]);
        assert_eq!(twins.resolve("Phòng Nội vụ"), Party::Unmatched, "a name two units bear matches neither");
        let all = p.resolve_all(&["Sở Tư pháp, Sở Tài chính".to_owned()]);
        assert_eq!(all.iter().map(|(_, p)| p.unit_id()).collect::<Vec<_>>(), vec![Some(3), Some(4)]);
    }

    #[test]
    fn the_check_finds_each_kind_of_slip() {
        let facts = |label: &str, content: &'static str, due_text: &'static str, lead, unmatched| TaskFacts {
            label: label.into(),
            content,
            due_text,
            due: Due::parse(due_text, Some(2026)),
            lead,
            unmatched,
        };
        let tasks = vec![
            facts("I.1", "Ban hành kế hoạch", "01/2026", Some(("Sở Nội vụ", true)), vec![]),
            facts("I.9", "Trình khen cấp Nhà nước", "03/2025", Some(("Sở Nội vụ", true)), vec![]),
            facts("V.2", "Thẩm định hồ sơ", "", Some(("Sở Nội vụ", true)), vec!["Lãnh đạo tỉnh"]),
            facts("V.3", "Ban hành  KẾ HOẠCH", "khi có chỉ đạo", Some(("Sở Ngoại vụ", false)), vec![]),
        ];
        let kinds: Vec<(String, &str)> = check(2026, &tasks).into_iter().map(|s| (s.task, s.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("I.9".to_owned(), "due_outside_year"),
                ("V.2".to_owned(), "no_time"),
                ("V.2".to_owned(), "unknown_party"),
                ("V.3".to_owned(), "unclear_time"),
                ("V.3".to_owned(), "unknown_lead"),
                ("V.3".to_owned(), "duplicate"),
            ]
        );
    }

    #[test]
    fn progress_of_a_task() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let oct = Due::Month { year: 2026, month: 10 };
        let dec = Due::Month { year: 2026, month: 12 };
        assert_eq!(Progress::of(100, oct, today), Progress::Done);
        assert_eq!(Progress::of(60, oct, today), Progress::Overdue);
        assert_eq!(Progress::of(0, dec, today), Progress::NotStarted);
        assert_eq!(Progress::of(40, dec, today), Progress::InProgress);
        assert_eq!(Progress::of(0, Due::Regular, today), Progress::Ongoing);
    }
}
