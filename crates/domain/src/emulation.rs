//! Emulation work of units and blocks (modules 5 and 6): movements, registration and its steps,
//! score sheets with their criteria, points at each stage, totals and ranking, and the vote that
//! acclaims a block's leading units.

use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::org::coded_enum;
use crate::text;

coded_enum!(
    /// A movement is regular (the yearly one) or thematic (a subject, a period, an anniversary).
    MovementKind {
        Regular = "thuong_xuyen", "Thường xuyên";
        Thematic = "chuyen_de", "Chuyên đề";
    }
);

coded_enum!(
    MovementStatus {
        Draft = "draft", "Đang soạn";
        Launched = "launched", "Đã phát động";
        Closed = "closed", "Đã tổng kết";
    }
);

coded_enum!(
    ReviewKind {
        MidTerm = "mid_term", "Sơ kết";
        Final = "final", "Tổng kết";
    }
);

coded_enum!(
    /// Where a unit's registration is.
    RegStatus {
        Draft = "draft", "Đang soạn";
        Submitted = "submitted", "Đã gửi";
        Consolidated = "consolidated", "Khối đã tổng hợp";
        Accepted = "accepted", "Đã tiếp nhận";
        Returned = "returned", "Bị trả lại";
    }
);

/// Who acts on a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegActor {
    /// The unit's own officer.
    Unit,
    /// The head (or deputy) of the unit's block.
    BlockHead,
    /// The department (the province's office).
    Office,
}

/// A step on a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegAction {
    Submit,
    Consolidate,
    Accept,
    Return,
}

/// The status a step leads to, or why it is refused.
pub fn reg_transition(from: RegStatus, action: RegAction, by: RegActor) -> Result<RegStatus, String> {
    use RegAction::*;
    use RegStatus::*;
    match (from, action, by) {
        (Draft | Returned, Submit, RegActor::Unit) => Ok(Submitted),
        (Submitted, Consolidate, RegActor::BlockHead) => Ok(Consolidated),
        (Submitted, Return, RegActor::BlockHead) => Ok(Returned),
        (Submitted | Consolidated, Accept | Return, RegActor::Office) => {
            Ok(if action == Accept { Accepted } else { Returned })
        }
        (s, a, _) => Err(format!(
            "không thể {} đăng ký đang ở trạng thái “{}”",
            match a {
                Submit => "gửi",
                Consolidate => "tổng hợp",
                Accept => "tiếp nhận",
                Return => "trả lại",
            },
            s.label()
        )),
    }
}

coded_enum!(
    /// How a criterion counts in the total: points earned, a bonus, or a deduction.
    CriterionKind {
        Normal = "normal", "Tiêu chí";
        Bonus = "bonus", "Điểm thưởng";
        Penalty = "penalty", "Điểm trừ";
    }
);

coded_enum!(
    /// Where a block's score sheet is.
    SheetStatus {
        Open = "open", "Đơn vị đang tự chấm";
        Review = "review", "Khối đang thẩm định";
        Final = "final", "Sở Nội vụ chấm điểm cuối cùng";
        Closed = "closed", "Đã công bố kết quả";
    }
);

/// Reads points as officers write them (`9`, `9,5`, `9.5`) into thousandths.
pub fn parse_points(input: &str) -> Result<i64, String> {
    let s = text::clean(input).replace(',', ".");
    if s.is_empty() {
        return Err("chưa ghi điểm".into());
    }
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let ok = !whole.is_empty() && whole.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit());
    if !ok || frac.len() > 3 || whole.len() > 6 {
        return Err(format!("“{}” không phải số điểm (ví dụ 9 hoặc 9,5)", text::clean(input)));
    }
    let whole: i64 = whole.parse().map_err(|_| "số điểm quá lớn".to_string())?;
    let frac: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
    Ok(whole * 1000 + frac)
}

/// Writes thousandths of a point as Vietnamese do: `9,5`.
pub fn format_points(thousandths: i64) -> String {
    text::format_thousandths(thousandths)
}

/// Points given on one criterion must lie between 0 and its maximum.
pub fn check_points(points: i64, max: i64) -> Result<(), String> {
    if points < 0 || points > max {
        return Err(format!("điểm phải từ 0 đến {}", format_points(max)));
    }
    Ok(())
}

/// One criterion as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    pub section: String,
    pub code: String,
    pub content: String,
    pub max_points: i64,
    pub kind: CriterionKind,
    pub evidence_required: bool,
}

/// Reads a score sheet's criteria, one per line, fields separated by tabs or `|`:
/// `code | content | max points [| kind [| minh chứng]]`, where kind is "tiêu chí" (the default),
/// "điểm thưởng" or "điểm trừ", and "minh chứng" (or "có") asks for evidence. A line that starts
/// with a Roman number ("I. Thực hiện nhiệm vụ chính trị") starts a section. Every bad line is
/// named.
pub fn parse_criteria(input: &str) -> Result<Vec<CriterionInput>, Invalid> {
    let mut out = Vec::new();
    let mut errors = Invalid::default();
    let mut section = String::new();
    for (i, raw) in input.lines().enumerate() {
        let line = text::clean(&raw.replace('\t', " | "));
        if line.is_empty() {
            continue;
        }
        let cells: Vec<String> = line.split('|').map(text::clean).collect();
        if cells.len() == 1 {
            let first = line.split(['.', ' ']).next().unwrap_or("");
            if !first.is_empty() && first.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
                section = line.clone();
                continue;
            }
        }
        let field = format!("dòng {}", i + 1);
        if cells.len() < 3 {
            errors.push(field, "cần ít nhất mã, nội dung và điểm tối đa, cách nhau bằng dấu | hoặc Tab");
            continue;
        }
        let max = match parse_points(&cells[2]) {
            Ok(0) => {
                errors.push(field, "điểm tối đa phải lớn hơn 0");
                continue;
            }
            Ok(m) => m,
            Err(e) => {
                errors.push(field, format!("điểm tối đa: {e}"));
                continue;
            }
        };
        let kind = match cells.get(3).filter(|k| !k.is_empty()) {
            None => CriterionKind::Normal,
            Some(k) => match CriterionKind::parse(k) {
                Some(k) => k,
                None => {
                    errors.push(field, format!("loại “{k}” không rõ: ghi tiêu chí, điểm thưởng hoặc điểm trừ"));
                    continue;
                }
            },
        };
        let evidence = cells.get(4).map(|e| text::fold(e)).is_some_and(|e| e.contains("minh chung") || e == "co");
        if cells[1].is_empty() {
            errors.push(field, "thiếu nội dung tiêu chí");
            continue;
        }
        out.push(CriterionInput {
            section: section.clone(),
            code: cells[0].clone(),
            content: cells[1].clone(),
            max_points: max,
            kind,
            evidence_required: evidence,
        });
    }
    if out.is_empty() && errors.is_empty() {
        errors.push("criteria", "chưa có tiêu chí nào");
    }
    errors.into_result(out)
}

/// A unit's total: the points of the criteria and bonuses, less the deductions.
pub fn total(points: impl IntoIterator<Item = (CriterionKind, i64)>) -> i64 {
    points
        .into_iter()
        .map(|(k, p)| match k {
            CriterionKind::Normal | CriterionKind::Bonus => p,
            CriterionKind::Penalty => -p,
        })
        .sum()
}

/// Ranks by total, highest first; equal totals share a rank (1, 1, 3).
pub fn rank<K: Clone>(totals: &[(K, i64)]) -> Vec<(K, i64, usize)> {
    let mut sorted: Vec<(K, i64)> = totals.to_vec();
    sorted.sort_by_key(|k| std::cmp::Reverse(k.1));
    let mut out = Vec::with_capacity(sorted.len());
    for (i, (k, t)) in sorted.iter().enumerate() {
        let r = match out.last() {
            Some((_, prev, r)) if *prev == *t => *r,
            _ => i + 1,
        };
        out.push((k.clone(), *t, r));
    }
    out
}

/// An adjustment by the block or the department needs a reason when it changes the points.
pub fn check_adjustment(previous: Option<i64>, points: i64, reason: &str) -> Result<(), String> {
    if previous.is_some_and(|p| p != points) && text::clean(reason).is_empty() {
        return Err("điểm khác điểm đơn vị tự chấm (hoặc khối đã thẩm định): cần ghi lý do".into());
    }
    Ok(())
}

/// Whether a proposal passes the block's vote: at least `ratio` of all member units agree
/// (`ratio` is the province's `block_vote.pass_ratio`, in thousandths).
pub fn vote_passes(agree: i64, members: i64, ratio_thousandths: i64) -> bool {
    members > 0 && agree * 1000 >= ratio_thousandths * members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_as_officers_write_them() {
        assert_eq!(parse_points("9"), Ok(9000));
        assert_eq!(parse_points("9,5"), Ok(9500));
        assert_eq!(parse_points("0.25"), Ok(250));
        assert!(parse_points("chín").is_err());
        assert!(parse_points("-2").is_err());
        assert!(parse_points("1,2345").is_err());
        assert_eq!(format_points(9500), "9,5");
        assert!(check_points(10_500, 10_000).is_err());
        assert!(check_points(10_000, 10_000).is_ok());
    }

    #[test]
    fn criteria_with_sections_kinds_and_named_errors() {
        let text = "I. Thực hiện nhiệm vụ\n1.1 | Hoàn thành chỉ tiêu | 20 | | minh chứng\n1.2\tPhong trào\t10\nII. Thưởng, trừ\nT1 | Sáng kiến cấp tỉnh | 5 | điểm thưởng\nT2 | Vi phạm | 10 | điểm trừ\n";
        let c = parse_criteria(text).unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].section, "I. Thực hiện nhiệm vụ");
        assert!(c[0].evidence_required && !c[1].evidence_required);
        assert_eq!(c[1].max_points, 10_000);
        assert_eq!((c[2].kind, c[3].kind), (CriterionKind::Bonus, CriterionKind::Penalty));
        let bad = parse_criteria("1 | Nội dung | mười\n2 | x | 5 | lạ").unwrap_err();
        assert_eq!(bad.0.len(), 2);
        assert!(bad.0[0].field == "dòng 1" && bad.0[0].message.contains("điểm tối đa"));
    }

    #[test]
    fn totals_and_shared_ranks() {
        let t =
            total([(CriterionKind::Normal, 18_000), (CriterionKind::Bonus, 2_000), (CriterionKind::Penalty, 1_500)]);
        assert_eq!(t, 18_500);
        let r = rank(&[("a", 90), ("b", 95), ("c", 90), ("d", 80)]);
        assert_eq!(
            r.iter().map(|(k, _, r)| (*k, *r)).collect::<Vec<_>>(),
            vec![("b", 1), ("a", 2), ("c", 2), ("d", 4)]
        );
    }

    #[test]
    fn registration_steps_by_who_may_take_them() {
        use RegAction::*;
        assert_eq!(reg_transition(RegStatus::Draft, Submit, RegActor::Unit), Ok(RegStatus::Submitted));
        assert_eq!(reg_transition(RegStatus::Submitted, Consolidate, RegActor::BlockHead), Ok(RegStatus::Consolidated));
        assert_eq!(reg_transition(RegStatus::Consolidated, Accept, RegActor::Office), Ok(RegStatus::Accepted));
        assert_eq!(reg_transition(RegStatus::Submitted, Return, RegActor::Office), Ok(RegStatus::Returned));
        assert_eq!(reg_transition(RegStatus::Returned, Submit, RegActor::Unit), Ok(RegStatus::Submitted));
        assert!(reg_transition(RegStatus::Draft, Accept, RegActor::Office).is_err());
        assert!(reg_transition(RegStatus::Submitted, Accept, RegActor::BlockHead).is_err());
        assert!(reg_transition(RegStatus::Accepted, Submit, RegActor::Unit).is_err());
    }

    #[test]
    fn adjustments_need_reasons_and_votes_their_share() {
        assert!(check_adjustment(Some(9000), 8000, "").is_err());
        assert!(check_adjustment(Some(9000), 8000, "Thiếu minh chứng").is_ok());
        assert!(check_adjustment(Some(9000), 9000, "").is_ok());
        assert!(vote_passes(3, 5, 500));
        assert!(!vote_passes(2, 5, 500));
        assert!(vote_passes(2, 4, 500));
        assert!(!vote_passes(0, 0, 500));
    }
}
