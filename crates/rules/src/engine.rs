//! The eligibility engine: one subject, one award, one year → a verdict that lists every condition
//! with its status and the article it comes from.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AwardType, Catalogue};
use crate::history::{History, HistoryError, Level, Rating, SubjectKind, pending_label};
use crate::params::Params;
use crate::ruleset::{self, Check, Condition, MemberField, Rule, RuleSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// Needs a human judgement.
    Review,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "Đạt",
            Status::NotMet => "Chưa đạt",
            Status::Review => "Cần xem xét",
        }
    }
}

/// Verdicts are also read back (a dossier keeps the verdict each nominee had when proposed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionResult {
    pub text: String,
    pub status: Status,
    pub basis: String,
    /// What was found in the history.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteResult {
    pub name: String,
    /// Every condition of the award's standard that data can check is met, and there is at least one.
    pub eligible: bool,
    pub conditions: Vec<ConditionResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Eligible,
    NotEligible,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub award: String,
    pub award_name: String,
    pub year: i32,
    /// The date the rules were taken at.
    pub on: NaiveDate,
    pub rule_set: String,
    pub rule_set_name: String,
    pub result: Outcome,
    pub routes: Vec<RouteResult>,
}

impl Verdict {
    pub fn eligible(&self) -> bool {
        self.result == Outcome::Eligible
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("không có mã khen thưởng “{0}” trong danh mục")]
    UnknownAward(String),
    #[error("“{name}” ({code}) không xét cho {subject}")]
    WrongSubject { code: String, name: String, subject: &'static str },
    #[error("bộ quy tắc {rule_set} chưa có tiêu chuẩn để máy xét “{name}” ({code}) cho {subject}")]
    NoRule { code: String, name: String, subject: &'static str, rule_set: String },
    #[error(
        "ngày {on} trước khi Luật Thi đua, khen thưởng 2022 có hiệu lực ({from}); năm {year} không xét được theo các bộ quy tắc hiện có"
    )]
    BeforeLaw { year: i32, on: String, from: String },
    #[error("năm {0} không hợp lệ")]
    BadYear(i32),
    #[error("ngày xét {on} trước năm thành tích {year}")]
    DateBeforeYear { year: i32, on: String },
    #[error("dữ liệu không hợp lệ: {0}")]
    History(#[from] HistoryError),
}

/// The catalogue, the rule sets and the parameters, ready to judge.
#[derive(Debug, Clone)]
pub struct Engine {
    pub catalogue: Catalogue,
    pub rule_sets: Vec<RuleSet>,
    pub params: Params,
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn years_list(years: &[i32]) -> String {
    if years.is_empty() {
        return "không có".into();
    }
    years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
}

fn n2(n: u32) -> String {
    format!("{n:02}")
}

fn percent(r: f64) -> String {
    let p = r * 100.0;
    if (p - p.round()).abs() < 1e-9 { format!("{}%", p.round()) } else { format!("{p:.1}%") }
}

impl Engine {
    /// The shipped catalogue, rule sets and parameters.
    pub fn builtin() -> Result<Engine, ruleset::RuleSetError> {
        let catalogue = Catalogue::builtin().clone();
        let rule_sets = ruleset::load(ruleset::BUILTIN, &catalogue)?;
        Ok(Engine { catalogue, rule_sets, params: Params::builtin().clone() })
    }

    pub fn with_params(mut self, params: Params) -> Engine {
        self.params = params;
        self
    }

    /// The rule set in force on a date.
    pub fn rule_set_on(&self, on: NaiveDate) -> Option<&RuleSet> {
        self.rule_sets.iter().rev().find(|s| s.covers(on))
    }

    /// Finds what a judgement of `award` for a subject of `subject` kind in `year` needs: the award,
    /// the date the rules are taken at (31/12 of `year` when not given), the rule set in force on
    /// it and the rule for the subject.
    pub fn prepare(
        &self,
        award: &str,
        subject: SubjectKind,
        year: i32,
        on: Option<NaiveDate>,
    ) -> Result<Prepared<'_>, EngineError> {
        if !crate::history::YEARS.contains(&year) {
            return Err(EngineError::BadYear(year));
        }
        let a = self.catalogue.get(award).ok_or_else(|| EngineError::UnknownAward(award.trim().to_string()))?;
        if !a.subjects.contains(&subject) {
            return Err(EngineError::WrongSubject {
                code: a.code.clone(),
                name: a.name.clone(),
                subject: subject.label(),
            });
        }
        let year_end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(EngineError::BadYear(year))?;
        let on = on.unwrap_or(year_end);
        if on.year() < year {
            return Err(EngineError::DateBeforeYear { year, on: fmt_date(on) });
        }
        let first = self.rule_sets.first().map(|s| s.effective_from).unwrap_or(on);
        let set = self.rule_set_on(on).ok_or_else(|| EngineError::BeforeLaw {
            year,
            on: fmt_date(on),
            from: fmt_date(first),
        })?;
        let rule = set.rule(&a.code, subject).ok_or_else(|| EngineError::NoRule {
            code: a.code.clone(),
            name: a.name.clone(),
            subject: subject.label(),
            rule_set: set.name.clone(),
        })?;
        Ok(Prepared { award: a, set, rule, subject, year, on })
    }

    /// Judges `history` for `award`, taking `year` as the last achievement year, with the rules in
    /// force on `on` (31/12 of `year` when not given).
    pub fn check(
        &self,
        history: &History,
        award: &str,
        year: i32,
        on: Option<NaiveDate>,
    ) -> Result<Verdict, EngineError> {
        let p = self.prepare(award, history.subject.kind, year, on)?;
        history.validate()?;
        self.judge(&p, history)
    }

    /// Judges a history already validated against a prepared rule.
    pub fn judge(&self, p: &Prepared<'_>, history: &History) -> Result<Verdict, EngineError> {
        let Prepared { award: a, set, rule, year, on, .. } = *p;
        let start = Ctx::new(self, set, rule, a, history, year, on);
        let mut routes = Vec::with_capacity(rule.routes.len());
        for (route, conds) in rule.routes.iter().zip(p.route_conditions()) {
            let mut ctx = start.clone();
            let mut results = Vec::new();
            let mut standard = 0;
            let mut failed = false;
            for c in conds {
                let r = ctx.eval(c);
                if c.check.is_standard() && r.status != Status::Review {
                    standard += 1;
                }
                failed |= r.status == Status::NotMet;
                results.push(r);
            }
            routes.push(RouteResult {
                name: route.name.clone(),
                eligible: standard > 0 && !failed,
                conditions: results,
            });
        }
        let result = if routes.iter().any(|r| r.eligible) { Outcome::Eligible } else { Outcome::NotEligible };
        Ok(Verdict {
            award: a.code.clone(),
            award_name: a.name.clone(),
            year,
            on,
            rule_set: set.id.clone(),
            rule_set_name: set.name.clone(),
            result,
            routes,
        })
    }
}

/// An award, a subject kind and a year matched with the rule set and rule that judge them.
#[derive(Debug, Clone, Copy)]
pub struct Prepared<'e> {
    pub award: &'e AwardType,
    pub set: &'e RuleSet,
    pub rule: &'e Rule,
    pub subject: SubjectKind,
    pub year: i32,
    pub on: NaiveDate,
}

impl<'e> Prepared<'e> {
    /// Each route's conditions in the order they are read: those of an included rule, the
    /// route's own, then the rule set's common conditions that apply to the subject.
    pub fn route_conditions(&self) -> Vec<Vec<&'e Condition>> {
        let set = self.set;
        self.rule
            .routes
            .iter()
            .map(|route| {
                let mut conds: Vec<&Condition> = Vec::new();
                if let Some(inc) = route.include.as_deref().and_then(|c| set.rule(c, self.subject)) {
                    conds.extend(inc.routes.first().map(|r| r.conditions.iter()).into_iter().flatten());
                }
                conds.extend(route.conditions.iter());
                conds.extend(
                    set.common
                        .iter()
                        .filter(|c| !matches!(c.check, Check::NotDissolved) || self.subject == SubjectKind::Collective),
                );
                conds
            })
            .collect()
    }
}

/// The state of one route while its conditions are read in order.
#[derive(Clone)]
struct Ctx<'a> {
    engine: &'a Engine,
    set: &'a RuleSet,
    award: &'a AwardType,
    h: &'a History,
    year: i32,
    on: NaiveDate,
    /// The first year whose achievements count (after discipline and after the last same award).
    start: i32,
    /// Why `start` is where it is, for the details.
    start_reason: Option<String>,
    /// The discipline period that moved `start`, if one did.
    discipline_reason: Option<String>,
    /// The years later conditions count in, set by a window condition.
    window: Option<(i32, i32)>,
}

impl<'a> Ctx<'a> {
    fn new(
        engine: &'a Engine,
        set: &'a RuleSet,
        rule: &'a Rule,
        award: &'a AwardType,
        h: &'a History,
        year: i32,
        on: NaiveDate,
    ) -> Ctx<'a> {
        let mut ctx = Ctx {
            engine,
            set,
            award,
            h,
            year,
            on,
            start: i32::MIN,
            start_reason: None,
            discipline_reason: None,
            window: None,
        };
        // Law G5: achievements count only from the end of a discipline period.
        // A year with any day under discipline does not count.
        for d in h.discipline.iter().filter(|d| d.from.year() <= year) {
            let after = d.to.map(|t| t.year() + 1).unwrap_or(i32::MAX / 2);
            if after > ctx.start {
                ctx.start = after;
                ctx.start_reason = Some(match d.to {
                    Some(t) => format!("tính từ năm {after} (hết thời hạn kỷ luật {})", fmt_date(t)),
                    None => "đang trong thời hạn kỷ luật".into(),
                });
                ctx.discipline_reason = ctx.start_reason.clone();
            }
        }
        // Law G6: after the last award of the same kind, counting starts again.
        for code in &rule.fresh_after {
            if let Some(y) = ctx.last_award(code, year, true)
                && y + 1 > ctx.start
            {
                let name = ctx.name_of(code);
                ctx.start = y + 1;
                ctx.start_reason = Some(format!("tính từ năm {} (sau “{name}” năm {y})", y + 1));
            }
        }
        ctx
    }

    fn name_of(&self, code: &str) -> String {
        self.engine.catalogue.get(code).map(|a| a.name.clone()).unwrap_or_else(|| code.to_string())
    }

    /// Whether an award record counts as `code` (revoked never; excluded kinds not as a prerequisite).
    fn counts(&self, rec: &crate::history::AwardRecord, code: &str, prerequisite: bool) -> bool {
        !rec.revoked
            && self.engine.catalogue.canonical(&rec.code) == Some(code)
            && (!prerequisite || !self.set.excluded_prerequisite_kinds.contains(&rec.kind))
    }

    /// The latest year up to `before` (exclusive when `strict`) with a counted award of `code`.
    fn last_award(&self, code: &str, year: i32, strict: bool) -> Option<i32> {
        self.h
            .awards
            .iter()
            .filter(|a| self.counts(a, code, true) && if strict { a.year < year } else { a.year <= year })
            .map(|a| a.year)
            .max()
    }

    fn award_years(&self, code: &str) -> Vec<i32> {
        let mut ys: Vec<i32> = self.h.awards.iter().filter(|a| self.counts(a, code, true)).map(|a| a.year).collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    }

    /// The years counted: the window if one is set, else the year considered.
    fn span(&self) -> (i32, i32) {
        self.window.unwrap_or((self.year, self.year))
    }

    fn span_words(&self) -> String {
        match self.window {
            Some((a, b)) if a != b => "Trong thời gian đó có".into(),
            _ => format!("Năm {} có", self.year),
        }
    }

    fn with_start(&self, detail: String) -> String {
        match &self.start_reason {
            Some(r) => format!("{detail}; {r}"),
            None => detail,
        }
    }

    fn param(&self, key: &str) -> Option<f64> {
        self.engine.params.value(key, self.on)
    }

    fn eval(&mut self, c: &Condition) -> ConditionResult {
        let (text, status, detail) = self.judge(&c.check);
        ConditionResult { text: c.text.clone().unwrap_or(text), status, basis: c.basis.clone(), detail }
    }

    fn judge(&mut self, check: &Check) -> (String, Status, String) {
        use Status::{Met, NotMet, Review};
        let year = self.year;
        let met = |b: bool| if b { Met } else { NotMet };
        match check {
            Check::Rating { min, years } => {
                let lower = self.window.map(|w| w.0).unwrap_or(i32::MIN).max(self.start);
                let mut y = year;
                while y >= lower && self.h.rating(y).is_some_and(|r| r.at_least(*min)) {
                    y -= 1;
                }
                let chain = (year - y) as u32;
                let level = if *min == Rating::Htxsnv {
                    min.label().to_string()
                } else {
                    format!("{} trở lên", min.label())
                };
                let text = if *years <= 1 {
                    format!("Năm {year} được đánh giá {level}")
                } else {
                    format!("Có liên tục từ {} năm trở lên đến năm {year} được đánh giá {level}", n2(*years))
                };
                let found: Vec<String> = (year.saturating_sub(*years as i32 + 1)..=year)
                    .filter_map(|y| self.h.rating(y).map(|r| format!("{y}: {}", r.code())))
                    .collect();
                let mut detail = if found.is_empty() {
                    "không có đánh giá".to_string()
                } else {
                    format!("{}; liên tục {chain} năm", found.join(", "))
                };
                if chain > 0 {
                    self.window = Some((y + 1, year));
                    detail = format!("{detail} ({}–{year})", y + 1);
                } else {
                    self.window = Some((year, year));
                }
                (text, met(chain >= *years), self.with_start(detail))
            }
            Check::RatingCount { min, count } => {
                let (a, b) = self.span();
                let ys: Vec<i32> = (a..=b).filter(|&y| self.h.rating(y).is_some_and(|r| r.at_least(*min))).collect();
                let what = if *min == Rating::Htxsnv {
                    min.label().to_string()
                } else {
                    format!("{} trở lên", min.label())
                };
                let text = format!("{} ít nhất {} năm {what}", self.span_words(), n2(*count));
                (text, met(ys.len() as u32 >= *count), format!("{} năm: {}", ys.len(), years_list(&ys)))
            }
            Check::TitleChain { award, count } => {
                let period = self.engine.catalogue.get(award).map(AwardType::period).unwrap_or(1);
                let years = self.award_years(award);
                let mut chain = 0u32;
                let mut y = year;
                while y >= self.start && years.contains(&y) {
                    chain += 1;
                    y -= period;
                }
                let name = self.name_of(award);
                let text = format!("{} lần liên tục được tặng danh hiệu “{name}” đến năm {year}", n2(*count));
                if chain > 0 {
                    self.window = Some((y + 1, year));
                } else {
                    self.window = Some((year, year));
                }
                let detail = format!("đã được tặng các năm: {}; liên tục {chain} lần", years_list(&years));
                (text, met(chain >= *count), self.with_start(detail))
            }
            Check::TitleCount { award, count } => {
                let (a, b) = self.span();
                let ys: Vec<i32> = self.award_years(award).into_iter().filter(|y| (a..=b).contains(y)).collect();
                let text =
                    format!("{} {} lần được tặng danh hiệu “{}”", self.span_words(), n2(*count), self.name_of(award));
                (text, met(ys.len() as u32 >= *count), format!("{} lần: {}", ys.len(), years_list(&ys)))
            }
            Check::PriorAward { award } => {
                let name = self.name_of(award);
                let text = format!("Đã được tặng “{name}”");
                match self.last_award(award, year, true) {
                    Some(y) => {
                        if y + 1 > self.start {
                            self.start = y + 1;
                            self.start_reason = None;
                        }
                        self.window = Some((self.start, year));
                        (text, Met, format!("năm {y}; thành tích tính từ năm {}", self.start))
                    }
                    None => {
                        let excluded = self.h.awards.iter().any(|a| self.counts(a, award, false) && a.year < year);
                        let detail = if excluded {
                            format!(
                                "chỉ có “{name}” đột xuất hoặc chuyên đề, không dùng làm căn cứ ({})",
                                self.set.excluded_basis
                            )
                        } else {
                            "chưa được tặng".into()
                        };
                        (text, NotMet, detail)
                    }
                }
            }
            Check::Initiatives { min_level, count, same_kind } => {
                let (a, b) = self.span();
                let found: Vec<_> =
                    self.h.initiatives.iter().filter(|x| x.level >= *min_level && (a..=b).contains(&x.year)).collect();
                let sk = found.iter().filter(|x| x.kind == crate::history::WorkKind::SangKien).count() as u32;
                let dt = found.len() as u32 - sk;
                let ok = if *same_kind { sk.max(dt) >= *count } else { sk + dt >= *count };
                let level = level_words(*min_level);
                let text = if *same_kind {
                    format!(
                        "{} {} sáng kiến hoặc {} đề tài, đề án, công trình khoa học được công nhận, áp dụng hiệu quả {level}",
                        self.span_words(),
                        n2(*count),
                        n2(*count)
                    )
                } else if *count == 1 {
                    format!(
                        "{} sáng kiến hoặc đề tài, đề án, công trình khoa học được công nhận {level}",
                        self.span_words()
                    )
                } else {
                    format!(
                        "{} {} sáng kiến, đề tài, đề án, công trình khoa học được công nhận {level}",
                        self.span_words(),
                        n2(*count)
                    )
                };
                (text, met(ok), format!("{sk} sáng kiến, {dt} đề tài ({}–{})", a, b))
            }
            Check::ServiceMonths { param } => match self.param(param) {
                None => ("Thời gian công tác tối thiểu của người mới tuyển dụng".into(), Met, "không áp dụng".into()),
                Some(m) => {
                    let months = m.max(0.0).round() as u32;
                    let text = format!("Có thời gian công tác từ đủ {months} tháng đến 31/12/{year}");
                    match self.h.subject.recruited_on {
                        None => (text, Review, "chưa có ngày tuyển dụng".into()),
                        Some(r) => {
                            let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(self.on);
                            let ok = r
                                .checked_add_months(Months::new(months))
                                .is_some_and(|d| d <= end + chrono::Days::new(1));
                            (text, met(ok), format!("tuyển dụng ngày {}", fmt_date(r)))
                        }
                    }
                }
            },
            Check::Members { field, min_ratio, ratio_param, strict, min_count } => {
                let ratio = match (min_ratio, ratio_param) {
                    (Some(r), _) => Some(*r),
                    (None, Some(p)) => match self.param(p) {
                        Some(r) => Some(r),
                        None => {
                            let text = format!("Tỷ lệ {} trong năm {year}", field.label());
                            return (text, Review, format!("chưa đặt tham số {p}: chưa thấy trong văn bản hiện hành"));
                        }
                    },
                    (None, None) => None,
                };
                let text = match (ratio, min_count) {
                    (Some(r), _) if r >= 1.0 => format!("Có 100% {} (năm {year})", field.label()),
                    (Some(r), _) if *strict => format!("Có trên {} {} (năm {year})", percent(r), field.label()),
                    (Some(r), _) => format!("Có ít nhất {} {} (năm {year})", percent(r), field.label()),
                    (None, Some(1) | None) => format!("Có {} (năm {year})", field.label()),
                    (None, Some(n)) => format!("Có ít nhất {n} {} (năm {year})", field.label()),
                };
                let Some(m) = self.h.members(year) else {
                    return (text, NotMet, format!("chưa có số liệu thành viên năm {year}"));
                };
                let n = match field {
                    MemberField::Completed => m.completed,
                    MemberField::Ldtt => m.ldtt,
                    MemberField::CstdCs => m.cstd_cs,
                };
                let share = if m.total == 0 { 0.0 } else { f64::from(n) / f64::from(m.total) };
                let mut ok = m.total > 0;
                if let Some(r) = ratio {
                    // Compare in whole members to avoid rounding surprises: n/total ≥ r.
                    let need = r * f64::from(m.total);
                    ok &= if *strict { f64::from(n) > need + 1e-9 } else { f64::from(n) + 1e-9 >= need };
                }
                if let Some(c) = min_count {
                    ok &= n >= *c;
                }
                (text, met(ok), format!("{n}/{} ({})", m.total, percent((share * 1000.0).round() / 1000.0)))
            }
            Check::NoDisciplinedMembers { param } => {
                let text = format!("Không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên (năm {year})");
                match self.param(param) {
                    Some(v) if v >= 1.0 => match self.h.members(year).and_then(|m| m.disciplined) {
                        Some(0) => (text, Met, "không có".into()),
                        Some(n) => (text, NotMet, format!("{n} cá nhân")),
                        None => (text, Review, "chưa có số liệu kỷ luật".into()),
                    },
                    _ => (text, Review, format!("chưa đặt tham số {param}: chưa thấy trong văn bản hiện hành")),
                }
            }
            Check::LedBlock { organiser } => {
                let text = match organiser {
                    Some(crate::history::Organiser::TrungUong) => {
                        format!("Dẫn đầu cụm, khối thi đua do Hội đồng TĐKT Trung ương tổ chức năm {year}")
                    }
                    _ => format!("Được suy tôn dẫn đầu cụm, khối thi đua năm {year}"),
                };
                let ok = self.h.led_blocks.iter().any(|b| b.year == year && organiser.is_none_or(|o| o == b.organiser));
                let ys: Vec<i32> = self.h.led_blocks.iter().map(|b| b.year).collect();
                (text, met(ok), format!("dẫn đầu các năm: {}", years_list(&ys)))
            }
            Check::Review => (String::new(), Review, String::new()),
            Check::NotPending => {
                let text = "Không trong thời gian bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc có đơn thư khiếu nại, tố cáo đang được xác minh".to_string();
                if self.h.pending.is_empty() {
                    (text, Met, "không có".into())
                } else {
                    let what: Vec<String> = self.h.pending.iter().map(|p| pending_label(p)).collect();
                    (text, NotMet, format!("đang có: {}", what.join(", ")))
                }
            }
            Check::NoDiscipline => {
                let text = format!("Không đang trong thời hạn thi hành kỷ luật (ngày {})", fmt_date(self.on));
                let current = self.h.discipline.iter().find(|d| d.from <= self.on && d.to.is_none_or(|t| t >= self.on));
                match current {
                    Some(d) => (
                        text,
                        NotMet,
                        match d.to {
                            Some(t) => format!("kỷ luật từ {} đến {}", fmt_date(d.from), fmt_date(t)),
                            None => format!("kỷ luật từ {}, chưa hết thời hạn", fmt_date(d.from)),
                        },
                    ),
                    None => (text, Met, self.discipline_reason.clone().unwrap_or_else(|| "không có".into())),
                }
            }
            Check::NotDissolved => {
                let text = "Không thuộc cơ quan, đơn vị đã giải thể khi sắp xếp tổ chức bộ máy".to_string();
                match self.h.subject.dissolved_on {
                    Some(d) if d <= self.on => (text, NotMet, format!("giải thể ngày {}", fmt_date(d))),
                    _ => (text, Met, String::new()),
                }
            }
            Check::NotAlreadyAwarded => {
                let text = format!("Chưa được tặng “{}” cho thành tích năm {year}", self.award.name);
                let code = self.award.code.clone();
                let dup = self.h.awards.iter().any(|a| self.counts(a, &code, false) && a.year == year);
                (text, met(!dup), if dup { "đã có trong lịch sử khen thưởng".into() } else { String::new() })
            }
        }
    }
}

fn level_words(l: Level) -> &'static str {
    match l {
        Level::CoSo => "trong phạm vi cơ sở trở lên",
        Level::Tinh => "có phạm vi ảnh hưởng trong tỉnh (bộ, ban, ngành) trở lên",
        Level::ToanQuoc => "có phạm vi ảnh hưởng toàn quốc",
    }
}
