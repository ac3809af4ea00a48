//! The province's award decisions (quyết định khen thưởng): a draft the office prepares from the
//! nominees the council passed, signed by the person with authority, which gives it its number in
//! the issuer's yearly sequence and puts the awards in the registry.
//!
//! Reward money is a multiple of the base salary in force on the decision date (NĐ 98/2023 Đ54,
//! law.md §2.7). Where the texts give no multiple (Bằng khen, Giấy khen: not found in the notes),
//! the office enters it on the draft, and the decision cannot be signed until it has.

use crate::authz::Role;
use crate::text;

/// Where a decision is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionStatus {
    /// Prepared by the office; no number yet, editable.
    Draft,
    /// Signed: numbered, dated, its awards in the registry.
    Signed,
}

impl DecisionStatus {
    pub const ALL: [DecisionStatus; 2] = [DecisionStatus::Draft, DecisionStatus::Signed];

    pub fn code(self) -> &'static str {
        match self {
            DecisionStatus::Draft => "draft",
            DecisionStatus::Signed => "signed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DecisionStatus::Draft => "Dự thảo",
            DecisionStatus::Signed => "Đã ký ban hành",
        }
    }

    pub fn parse(s: &str) -> Option<DecisionStatus> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A reward multiple of the base salary, kept in thousandths so that sums are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Multiple(pub i64);

impl Multiple {
    /// Reads "0,3", "0.3" or "3"; at most three decimals, more than zero, at most 100.
    pub fn parse(input: &str) -> Result<Multiple, String> {
        let t = text::clean(input).replace(',', ".");
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || !(frac.is_empty() || digits(frac)) || frac.len() > 3 {
            return Err(format!("“{input}” không phải là hệ số (ví dụ 0,3 hoặc 1,5)"));
        }
        let whole: i64 = whole.parse().map_err(|_| format!("hệ số “{input}” quá lớn"))?;
        let frac: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
        let m = whole.saturating_mul(1000).saturating_add(frac);
        if m <= 0 || m > 100_000 {
            return Err("hệ số phải lớn hơn 0 và không quá 100".into());
        }
        Ok(Multiple(m))
    }

    /// From a catalogue's decimal multiplier.
    pub fn from_f64(v: f64) -> Option<Multiple> {
        (v.is_finite() && v > 0.0).then(|| Multiple((v * 1000.0).round() as i64))
    }

    /// The reward for this multiple of `base_salary`, in whole đồng (rounded half up), then
    /// rounded up to a multiple of `round_up_to` when the province sets one (parameter
    /// `reward.round_up_to`).
    pub fn amount(self, base_salary: i64, round_up_to: Option<i64>) -> i64 {
        let exact = (self.0 * base_salary + 500) / 1000;
        match round_up_to.filter(|u| *u > 1) {
            Some(u) => (exact + u - 1) / u * u,
            None => exact,
        }
    }
}

impl std::fmt::Display for Multiple {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&text::format_thousandths(self.0))
    }
}

/// "125/QĐ-UBND".
pub fn number_text(seq: i64, symbol: &str) -> String {
    format!("{seq}/{symbol}")
}

/// What signing needs to know of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignFacts {
    pub items: usize,
    /// The draft lists people, and has a multiple for them.
    pub has_people: bool,
    pub people_multiple: bool,
    /// The draft lists collectives (or households), and has a multiple for them.
    pub has_collectives: bool,
    pub collective_multiple: bool,
    /// The base salary is known for the date of signing.
    pub base_salary: bool,
}

/// Whether `role` (held over the issuing unit) may sign a draft with these facts now.
pub fn may_sign(status: DecisionStatus, role: Role, f: &SignFacts) -> Result<(), String> {
    if status != DecisionStatus::Draft {
        return Err("Quyết định đã được ký ban hành".into());
    }
    if role != Role::Signer {
        return Err("Chỉ người có thẩm quyền ký mới ký quyết định khen thưởng".into());
    }
    if f.items == 0 {
        return Err("Dự thảo chưa có ai trong danh sách khen thưởng".into());
    }
    if f.has_people && !f.people_multiple {
        return Err("Chưa nhập hệ số tiền thưởng cho cá nhân".into());
    }
    if f.has_collectives && !f.collective_multiple {
        return Err("Chưa nhập hệ số tiền thưởng cho tập thể".into());
    }
    if !f.base_salary {
        return Err("Chưa có mức lương cơ sở áp dụng vào ngày ký (tham số base_salary)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiples_parse_and_pay_exactly() {
        assert_eq!(Multiple::parse("0,3"), Ok(Multiple(300)));
        assert_eq!(Multiple::parse("1.5"), Ok(Multiple(1500)));
        assert_eq!(Multiple::parse(" 12 "), Ok(Multiple(12000)));
        assert!(Multiple::parse("0").is_err());
        assert!(Multiple::parse("1,2345").is_err());
        assert!(Multiple::parse("một").is_err());
        assert!(Multiple::parse("-1").is_err());
        assert!(Multiple::parse("101").is_err());
        assert_eq!(Multiple(300).amount(2_340_000, None), 702_000);
        assert_eq!(Multiple(300).amount(2_340_000, Some(10_000)), 710_000);
        assert_eq!(Multiple(3000).amount(2_340_000, Some(10_000)), 7_020_000);
        assert_eq!(Multiple(1500).amount(1_800_001, None), 2_700_002);
        assert_eq!(Multiple(800).amount(2_340_000, Some(10_000)), 1_880_000);
        assert_eq!(Multiple(300).to_string(), "0,3");
        assert_eq!(Multiple::from_f64(4.5), Some(Multiple(4500)));
        assert_eq!(number_text(125, "QĐ-UBND"), "125/QĐ-UBND");
    }

    #[test]
    fn signing_needs_the_signer_and_every_amount() {
        let ok = SignFacts {
            items: 2,
            has_people: true,
            people_multiple: true,
            has_collectives: true,
            collective_multiple: true,
            base_salary: true,
        };
        assert!(may_sign(DecisionStatus::Draft, Role::Signer, &ok).is_ok());
        assert!(may_sign(DecisionStatus::Signed, Role::Signer, &ok).is_err());
        assert!(may_sign(DecisionStatus::Draft, Role::Officer, &ok).is_err());
        let no_collective = SignFacts { collective_multiple: false, ..ok.clone() };
        let e = may_sign(DecisionStatus::Draft, Role::Signer, &no_collective).unwrap_err();
        assert!(e.contains("tập thể"), "{e}");
        let people_only = SignFacts { has_collectives: false, collective_multiple: false, ..ok.clone() };
        assert!(may_sign(DecisionStatus::Draft, Role::Signer, &people_only).is_ok());
        let empty = SignFacts { items: 0, ..ok };
        assert!(may_sign(DecisionStatus::Draft, Role::Signer, &empty).is_err());
    }
}
