//! Rule sets: the criteria of each award as data (`data/rulesets/*.toml`), keyed by legal basis and
//! effective date. A later text is a new rule set that `extends` the one before and replaces the
//! rules it changes; nothing is edited in place.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::history::{AwardKind, Level, Organiser, Rating, SubjectKind};

/// A member figure of a collective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberField {
    Completed,
    Ldtt,
    CstdCs,
}

impl MemberField {
    pub fn label(self) -> &'static str {
        match self {
            MemberField::Completed => "cá nhân hoàn thành nhiệm vụ được giao",
            MemberField::Ldtt => "cá nhân đạt danh hiệu “Lao động tiên tiến”",
            MemberField::CstdCs => "cá nhân đạt danh hiệu “Chiến sĩ thi đua cơ sở”",
        }
    }
}

/// The predicates rules are written with. Each reads the history of one subject for the year
/// considered; those marked "window" also fix the years that later conditions of the route count in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Window: `years` or more consecutive years up to the year considered, each rated `min` or better.
    Rating {
        min: Rating,
        #[serde(default = "one")]
        years: u32,
    },
    /// At least `count` years of the window rated `min` or better.
    RatingCount { min: Rating, count: u32 },
    /// Window: `count` consecutive awards of a title up to the year considered.
    TitleChain { award: String, count: u32 },
    /// At least `count` awards of a title in the window.
    TitleCount { award: String, count: u32 },
    /// The subject already holds `award`; achievements count from the year after it.
    PriorAward { award: String },
    /// At least `count` initiatives or science works recognised at `min_level` or above, in the
    /// window (or in the year considered). With `same_kind`, `count` of one kind.
    Initiatives {
        min_level: Level,
        count: u32,
        #[serde(default)]
        same_kind: bool,
    },
    /// Recruited long enough before the end of the year (months from a parameter).
    ServiceMonths { param: String },
    /// A share or count of the collective's members in the year considered.
    Members {
        field: MemberField,
        #[serde(default)]
        min_ratio: Option<f64>,
        /// The share comes from this parameter (unset: a human judgement).
        #[serde(default)]
        ratio_param: Option<String>,
        /// The share must be exceeded, not only reached.
        #[serde(default)]
        strict: bool,
        #[serde(default)]
        min_count: Option<u32>,
    },
    /// No member disciplined at "cảnh cáo" or above, when the parameter says the rule applies.
    NoDisciplinedMembers { param: String },
    /// Acclaimed leader of its cluster or block in the year considered.
    LedBlock {
        #[serde(default)]
        organiser: Option<Organiser>,
    },
    /// A judgement no data can make; its wording is the condition's `text`.
    Review,
    /// Law G4: no open complaint, denunciation, inspection, investigation or discipline case.
    NotPending,
    /// Law G5: not under discipline on the date considered.
    NoDiscipline,
    /// Law G9: not a body dissolved in the 2025 restructuring.
    NotDissolved,
    /// Law G1: not already awarded the same title for the same year.
    NotAlreadyAwarded,
}

fn one() -> u32 {
    1
}

impl Check {
    /// Conditions that come from the award's own standard (not cross-cutting, not a judgement).
    pub fn is_standard(&self) -> bool {
        !matches!(
            self,
            Check::Review | Check::NotPending | Check::NoDiscipline | Check::NotDissolved | Check::NotAlreadyAwarded
        )
    }
}

// No `deny_unknown_fields` here: serde cannot combine it with `flatten`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Condition {
    #[serde(flatten)]
    pub check: Check,
    /// The article the condition comes from, as shown to people.
    pub basis: String,
    /// Wording to show instead of the generated one.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: String,
    /// Take the conditions of the first route of this award's rule first (e.g. "meets the LĐTT standard").
    #[serde(default)]
    pub include: Option<String>,
    #[serde(default, rename = "condition")]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub award: String,
    pub subject: SubjectKind,
    /// Achievements count only after the latest award of these codes (law G6).
    #[serde(default)]
    pub fresh_after: Vec<String>,
    #[serde(rename = "route")]
    pub routes: Vec<Route>,
}

/// A cap on how many of a unit's people may receive an award in a year: at most `param` (a
/// share) of those who hold `base_award` for the year.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub award: String,
    pub param: String,
    pub base_award: String,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: String,
    name: String,
    effective_from: NaiveDate,
    #[serde(default)]
    effective_to: Option<NaiveDate>,
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    excluded_prerequisite_kinds: Option<Vec<AwardKind>>,
    #[serde(default)]
    excluded_basis: Option<String>,
    #[serde(default)]
    common: Option<Vec<Condition>>,
    #[serde(default)]
    quota: Option<Vec<Quota>>,
    #[serde(default)]
    rule: Vec<Rule>,
}

/// A complete rule set, with what it inherits already merged in.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub id: String,
    pub name: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// Kinds of award that never count as a prerequisite (law G3).
    pub excluded_prerequisite_kinds: Vec<AwardKind>,
    pub excluded_basis: String,
    /// Conditions added to every route of every rule.
    pub common: Vec<Condition>,
    /// Per-unit caps (a later set restates the whole list or inherits it).
    pub quotas: Vec<Quota>,
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn rule(&self, award: &str, subject: SubjectKind) -> Option<&Rule> {
        self.rules.iter().find(|r| r.award == award && r.subject == subject)
    }

    pub fn quota(&self, award: &str) -> Option<&Quota> {
        self.quotas.iter().find(|q| q.award == award)
    }

    pub fn covers(&self, on: NaiveDate) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|to| on <= to)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RuleSetError {
    #[error("bộ quy tắc {file}: {source}")]
    Parse { file: String, source: toml::de::Error },
    #[error("bộ quy tắc {0} kế thừa bộ {1} chưa được nạp trước")]
    MissingParent(String, String),
    #[error("bộ quy tắc {0}: {1}")]
    Invalid(String, String),
}

/// The rule sets shipped with this version, oldest first.
pub const BUILTIN: &[(&str, &str)] = &[
    ("nd-98-2023.toml", include_str!("../data/rulesets/nd-98-2023.toml")),
    ("nd-152-2025.toml", include_str!("../data/rulesets/nd-152-2025.toml")),
];

/// Reads rule sets in order; a set may extend one read before it.
pub fn load(files: &[(&str, &str)], catalogue: &Catalogue) -> Result<Vec<RuleSet>, RuleSetError> {
    let mut out: Vec<RuleSet> = Vec::new();
    for (name, text) in files {
        let f: File =
            toml::from_str(text).map_err(|source| RuleSetError::Parse { file: (*name).to_string(), source })?;
        let parent = match &f.extends {
            Some(p) => Some(
                out.iter()
                    .find(|s| &s.id == p)
                    .cloned()
                    .ok_or_else(|| RuleSetError::MissingParent(f.id.clone(), p.clone()))?,
            ),
            None => None,
        };
        let mut rules = parent.as_ref().map(|p| p.rules.clone()).unwrap_or_default();
        for r in f.rule {
            match rules.iter_mut().find(|x| x.award == r.award && x.subject == r.subject) {
                Some(x) => *x = r,
                None => rules.push(r),
            }
        }
        let set = RuleSet {
            id: f.id,
            name: f.name,
            effective_from: f.effective_from,
            effective_to: f.effective_to,
            excluded_prerequisite_kinds: f
                .excluded_prerequisite_kinds
                .or_else(|| parent.as_ref().map(|p| p.excluded_prerequisite_kinds.clone()))
                .unwrap_or_default(),
            excluded_basis: f
                .excluded_basis
                .or_else(|| parent.as_ref().map(|p| p.excluded_basis.clone()))
                .unwrap_or_default(),
            common: f.common.or_else(|| parent.as_ref().map(|p| p.common.clone())).unwrap_or_default(),
            quotas: f.quota.or_else(|| parent.as_ref().map(|p| p.quotas.clone())).unwrap_or_default(),
            rules,
        };
        check(&set, catalogue)?;
        out.push(set);
    }
    Ok(out)
}

/// Every code a rule set names must be in the catalogue (by its primary code), every `include`
/// must name a rule of the same subject, and every rule must have a route.
fn check(set: &RuleSet, catalogue: &Catalogue) -> Result<(), RuleSetError> {
    let bad = |m: String| Err(RuleSetError::Invalid(set.id.clone(), m));
    let known = |code: &str| catalogue.get(code).is_some_and(|a| a.code == code);
    for q in &set.quotas {
        if !known(&q.award) || !known(&q.base_award) {
            return bad(format!("hạn mức {} / {}: mã không có trong danh mục", q.award, q.base_award));
        }
    }
    for r in &set.rules {
        if !known(&r.award) {
            return bad(format!("mã {} không phải mã chính trong danh mục", r.award));
        }
        if r.routes.is_empty() {
            return bad(format!("{} không có cách xét nào", r.award));
        }
        for code in &r.fresh_after {
            if !known(code) {
                return bad(format!("{}: fresh_after {code} không có trong danh mục", r.award));
            }
        }
        for route in &r.routes {
            if let Some(inc) = &route.include
                && set.rule(inc, r.subject).is_none()
            {
                return bad(format!("{}: include {inc} không có quy tắc cho cùng đối tượng", r.award));
            }
            for c in &route.conditions {
                if c.check == Check::Review && c.text.as_deref().is_none_or(str::is_empty) {
                    return bad(format!("{}: điều kiện cần xem xét phải có text", r.award));
                }
                let code = match &c.check {
                    Check::TitleChain { award, .. } | Check::TitleCount { award, .. } | Check::PriorAward { award } => {
                        Some(award)
                    }
                    _ => None,
                };
                if let Some(code) = code
                    && !known(code)
                {
                    return bad(format!("{}: mã {code} không có trong danh mục", r.award));
                }
            }
        }
    }
    Ok(())
}
