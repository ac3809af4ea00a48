//! Bulk eligibility: one award and year judged for a whole population at once.
//!
//! The histories are kept as a [`Panel`]: columns with one entry per person, where each year a
//! fact holds is one bit of a 64-bit word (`bit(year)`, 1990–2053). A rule is compiled into a
//! [`Plan`] of column operations that give, for every person, which routes are eligible; the
//! answer is the one [`Engine::check`] gives for the same history (the test
//! `tests/bulk.rs` compares both on random histories), without the texts.
//!
//! A person with a record outside the years a word holds is listed in `Panel::outside`; the
//! caller judges them from their whole history with [`Plan::judge`].

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::engine::{Engine, EngineError, Prepared};
use crate::history::{AwardKind, DisciplineRecord, History, Level, Rating, SubjectKind, WorkKind};
use crate::ruleset::Check;

/// The first year a panel word holds (bit 63).
pub const FIRST_YEAR: i32 = 1990;
/// The last year a panel word holds (bit 0).
pub const LAST_YEAR: i32 = FIRST_YEAR + 63;
/// A recruitment date that is not known.
pub const NO_DATE: i32 = i32::MIN;

/// The bit of `year` in a panel word: later years are lower bits, so that the years before a year
/// are the bits above it.
pub fn bit(year: i32) -> Option<u32> {
    (FIRST_YEAR..=LAST_YEAR).contains(&year).then(|| (LAST_YEAR - year) as u32)
}

/// Bits of the years up to and including the year of bit `b`.
fn from_bit(b: u32) -> u64 {
    u64::MAX << b
}

/// Name of the column of years rated `min` or better.
pub fn rating_column(min: Rating) -> String {
    format!("rating:{}", min.code())
}

/// Name of the column of years with an award of `code` (primary code) of `kind`, not revoked.
pub fn award_column(code: &str, kind: AwardKind) -> String {
    format!("award:{code}:{}", kind.code())
}

/// Name of the column of initiatives or works of `kind` recognised at exactly `level`.
pub fn initiative_column(kind: WorkKind, level: Level) -> String {
    format!("init:{}:{}", kind.code(), level.code())
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BulkError {
    #[error("năm {0} nằm ngoài khoảng năm xét hàng loạt ({FIRST_YEAR}–{LAST_YEAR})")]
    YearOutOfRange(i32),
    #[error("“{0}” cho tập thể được xét từng đơn vị, không xét hàng loạt theo cột")]
    NotColumnar(String),
    #[error("cột “{column}” của bảng tổng hợp bị hỏng: {message}")]
    Corrupt { column: String, message: String },
}

fn corrupt(column: &str, message: impl Into<String>) -> BulkError {
    BulkError::Corrupt { column: column.to_string(), message: message.into() }
}

/// When an open matter (law G4) is open: from `from` until `to` (closed on that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Span {
    pub fn open_on(&self, on: NaiveDate) -> bool {
        self.from <= on && self.to.is_none_or(|t| t > on)
    }
}

/// An award revoked on a date: it counts when the rules are taken before that date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    pub person: u32,
    pub column: String,
    pub year: i32,
    pub on: NaiveDate,
}

/// Individuals' histories as columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panel {
    pub ids: Vec<i64>,
    pub units: Vec<i64>,
    /// Recruitment dates as days from 1/1/1 CE, [`NO_DATE`] when unknown.
    pub recruited: Vec<i32>,
    /// Year words: `rating:*`, `award:*:*`; a column shorter than `ids` is zero past its end.
    pub masks: BTreeMap<String, Vec<u64>>,
    /// Initiative columns as bit planes: plane `k` holds the years with more than `k` of them.
    pub planes: BTreeMap<String, Vec<Vec<u64>>>,
    /// Discipline periods, by person index.
    pub discipline: Vec<(u32, DisciplineRecord)>,
    /// Open matters, by person index.
    pub pending: Vec<(u32, Span)>,
    /// Awards revoked on a date, left out of the year words.
    pub revoked: Vec<Revoked>,
    /// People with a record outside the years a word holds (sorted): the caller judges them from
    /// their whole history with [`Plan::judge`].
    pub outside: Vec<u32>,
}

fn set_at(col: &mut Vec<u64>, i: usize, v: u64) {
    if col.len() <= i {
        col.resize(i + 1, 0);
    }
    col[i] |= v;
}

impl Panel {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a person with no records yet; returns its index.
    pub fn add_person(&mut self, id: i64, unit: i64, recruited: Option<NaiveDate>) -> u32 {
        self.ids.push(id);
        self.units.push(unit);
        self.recruited.push(recruited.map(|d| d.num_days_from_ce()).unwrap_or(NO_DATE));
        (self.ids.len() - 1) as u32
    }

    fn year_bit(&mut self, i: u32, year: i32) -> Option<u32> {
        let b = bit(year);
        if b.is_none() && self.outside.last() != Some(&i) && !self.outside.contains(&i) {
            self.outside.push(i);
            self.outside.sort_unstable();
        }
        b
    }

    pub fn add_rating(&mut self, i: u32, year: i32, rating: Rating) {
        let Some(b) = self.year_bit(i, year) else { return };
        for min in Rating::ALL.into_iter().filter(|m| rating.at_least(*m)) {
            set_at(self.masks.entry(rating_column(min)).or_default(), i as usize, 1 << b);
        }
    }

    /// An award under its primary code; one revoked on a date is kept aside.
    pub fn add_award(&mut self, i: u32, code: &str, kind: AwardKind, year: i32, revoked_on: Option<NaiveDate>) {
        let Some(b) = self.year_bit(i, year) else { return };
        let column = award_column(code, kind);
        match revoked_on {
            Some(on) => self.revoked.push(Revoked { person: i, column, year, on }),
            None => set_at(self.masks.entry(column).or_default(), i as usize, 1 << b),
        }
    }

    pub fn add_initiative(&mut self, i: u32, kind: WorkKind, level: Level, year: i32) {
        let Some(b) = self.year_bit(i, year) else { return };
        let planes = self.planes.entry(initiative_column(kind, level)).or_default();
        // The first plane without the year's bit counts one more.
        let k = planes.iter().position(|p| p.get(i as usize).is_none_or(|w| w & (1 << b) == 0));
        let k = k.unwrap_or_else(|| {
            planes.push(Vec::new());
            planes.len() - 1
        });
        set_at(&mut planes[k], i as usize, 1 << b);
    }

    pub fn add_discipline(&mut self, i: u32, d: DisciplineRecord) {
        self.discipline.push((i, d));
    }

    pub fn add_pending(&mut self, i: u32, span: Span) {
        self.pending.push((i, span));
    }

    /// Adds one individual from a history. Awards under an alias are counted under the
    /// catalogue's primary code; revoked awards and unknown codes count for nothing and are left
    /// out; open matters are open at any date.
    pub fn push(&mut self, id: i64, unit: i64, h: &History, catalogue: &Catalogue) {
        let i = self.add_person(id, unit, h.subject.recruited_on);
        for r in &h.ratings {
            self.add_rating(i, r.year, r.rating);
        }
        for a in h.awards.iter().filter(|a| !a.revoked) {
            match catalogue.canonical(&a.code) {
                Some(code) => self.add_award(i, code, a.kind, a.year, None),
                None => {
                    self.year_bit(i, a.year);
                }
            }
        }
        for x in &h.initiatives {
            self.add_initiative(i, x.kind, x.level, x.year);
        }
        for d in &h.discipline {
            self.add_discipline(i, *d);
        }
        if !h.pending.is_empty() {
            self.add_pending(i, Span { from: NaiveDate::MIN, to: None });
        }
    }

    /// Pads every column to the panel's length.
    pub fn finish(&mut self) {
        let n = self.ids.len();
        for col in self.masks.values_mut() {
            col.resize(n, 0);
        }
        for planes in self.planes.values_mut() {
            for p in planes {
                p.resize(n, 0);
            }
        }
    }

    /// The panel as named columns of bytes, for storage. `id` is always first.
    pub fn encode(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        out.push(("id".to_string(), self.ids.iter().flat_map(|v| v.to_le_bytes()).collect()));
        out.push(("unit".to_string(), self.units.iter().flat_map(|v| v.to_le_bytes()).collect()));
        out.push(("recruited".to_string(), self.recruited.iter().flat_map(|v| v.to_le_bytes()).collect()));
        for (name, col) in &self.masks {
            out.push((name.clone(), encode_words(col, self.ids.len())));
        }
        for (name, planes) in &self.planes {
            let mut b = vec![planes.len() as u8];
            for p in planes {
                let e = encode_words(p, self.ids.len());
                b.extend_from_slice(&(e.len() as u32).to_le_bytes());
                b.extend_from_slice(&e);
            }
            out.push((name.clone(), b));
        }
        let json = |v: serde_json::Result<Vec<u8>>| v.unwrap_or_default();
        if !self.discipline.is_empty() {
            out.push(("discipline".to_string(), json(serde_json::to_vec(&self.discipline))));
        }
        if !self.pending.is_empty() {
            out.push(("pending".to_string(), json(serde_json::to_vec(&self.pending))));
        }
        if !self.revoked.is_empty() {
            out.push(("revoked".to_string(), json(serde_json::to_vec(&self.revoked))));
        }
        if !self.outside.is_empty() {
            out.push(("outside".to_string(), json(serde_json::to_vec(&self.outside))));
        }
        out
    }

    /// Reads many chunks written by [`Panel::encode`] into one panel, decoding each column
    /// straight into its place (no per-chunk panel, no second copy).
    pub fn decode_chunks<'a>(chunks: &[Vec<(&'a str, &'a [u8])>]) -> Result<Panel, BulkError> {
        let mut offsets = Vec::with_capacity(chunks.len());
        let mut total = 0usize;
        for cols in chunks {
            let ids = cols.iter().find(|(n, _)| *n == "id").map(|(_, b)| *b).ok_or_else(|| corrupt("id", "thiếu"))?;
            if ids.len() % 8 != 0 {
                return Err(corrupt("id", "độ dài không khớp"));
            }
            offsets.push(total);
            total += ids.len() / 8;
        }
        let mut p = Panel {
            ids: Vec::with_capacity(total),
            units: vec![0; total],
            recruited: vec![NO_DATE; total],
            ..Panel::default()
        };
        for (cols, &off) in chunks.iter().zip(&offsets) {
            let n = cols.iter().find(|(c, _)| *c == "id").map(|(_, b)| b.len() / 8).unwrap_or(0);
            let shift = |i: u32| i + off as u32;
            for &(name, bytes) in cols {
                match name {
                    "id" => p.ids.extend(fixed::<8, i64>(bytes, name, i64::from_le_bytes)?),
                    "unit" => fill_fixed::<8, i64>(&mut p.units[off..off + n], bytes, name, i64::from_le_bytes)?,
                    "recruited" => {
                        fill_fixed::<4, i32>(&mut p.recruited[off..off + n], bytes, name, i32::from_le_bytes)?
                    }
                    "discipline" => {
                        let v: Vec<(u32, DisciplineRecord)> =
                            serde_json::from_slice(bytes).map_err(|e| corrupt(name, e.to_string()))?;
                        p.discipline.extend(v.into_iter().map(|(i, d)| (shift(i), d)));
                    }
                    "pending" => {
                        let v: Vec<(u32, Span)> =
                            serde_json::from_slice(bytes).map_err(|e| corrupt(name, e.to_string()))?;
                        p.pending.extend(v.into_iter().map(|(i, s)| (shift(i), s)));
                    }
                    "revoked" => {
                        let v: Vec<Revoked> =
                            serde_json::from_slice(bytes).map_err(|e| corrupt(name, e.to_string()))?;
                        p.revoked.extend(v.into_iter().map(|r| Revoked { person: shift(r.person), ..r }));
                    }
                    "outside" => {
                        let v: Vec<u32> = serde_json::from_slice(bytes).map_err(|e| corrupt(name, e.to_string()))?;
                        p.outside.extend(v.into_iter().map(shift));
                    }
                    _ if name.starts_with("init:") => {
                        let (&k, mut rest) = bytes.split_first().ok_or_else(|| corrupt(name, "rỗng"))?;
                        let planes = p.planes.entry(name.to_string()).or_default();
                        for j in 0..usize::from(k) {
                            let (len, tail) = rest.split_at_checked(4).ok_or_else(|| corrupt(name, "thiếu độ dài"))?;
                            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                            let (e, tail) = tail.split_at_checked(len).ok_or_else(|| corrupt(name, "thiếu dữ liệu"))?;
                            if planes.len() <= j {
                                planes.push(vec![0; total]);
                            }
                            decode_words_into(&mut planes[j][off..off + n], e, name)?;
                            rest = tail;
                        }
                    }
                    _ => {
                        let col = p.masks.entry(name.to_string()).or_insert_with(|| vec![0; total]);
                        decode_words_into(&mut col[off..off + n], bytes, name)?;
                    }
                }
            }
        }
        if p.ids.len() != total {
            return Err(corrupt("id", "độ dài không khớp"));
        }
        Ok(p)
    }

    /// Reads columns written by [`Panel::encode`] (any subset that holds `id`).
    pub fn decode<'a>(columns: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Panel, BulkError> {
        Panel::decode_chunks(&[columns.into_iter().collect()])
    }
}

fn fixed<const N: usize, T>(bytes: &[u8], name: &str, f: fn([u8; N]) -> T) -> Result<Vec<T>, BulkError> {
    if !bytes.len().is_multiple_of(N) {
        return Err(corrupt(name, "độ dài không khớp"));
    }
    Ok(bytes.chunks_exact(N).map(|c| f(c.try_into().unwrap_or([0; N]))).collect())
}

/// Dense (tag 0, one word per person) or sparse (tag 1, index and word of the non-zero ones),
/// whichever is smaller.
fn encode_words(col: &[u64], n: usize) -> Vec<u8> {
    let nz = col.iter().filter(|w| **w != 0).count();
    if nz * 12 < n * 8 {
        let mut b = Vec::with_capacity(1 + nz * 12);
        b.push(1);
        for (i, w) in col.iter().enumerate().filter(|(_, w)| **w != 0) {
            b.extend_from_slice(&(i as u32).to_le_bytes());
            b.extend_from_slice(&w.to_le_bytes());
        }
        b
    } else {
        let mut b = Vec::with_capacity(1 + n * 8);
        b.push(0);
        for i in 0..n {
            b.extend_from_slice(&col.get(i).copied().unwrap_or(0).to_le_bytes());
        }
        b
    }
}

fn fill_fixed<const N: usize, T>(
    out: &mut [T],
    bytes: &[u8],
    name: &str,
    f: fn([u8; N]) -> T,
) -> Result<(), BulkError> {
    if bytes.len() != out.len() * N {
        return Err(corrupt(name, "độ dài không khớp"));
    }
    for (o, c) in out.iter_mut().zip(bytes.chunks_exact(N)) {
        *o = f(c.try_into().unwrap_or([0; N]));
    }
    Ok(())
}

fn decode_words_into(out: &mut [u64], bytes: &[u8], name: &str) -> Result<(), BulkError> {
    let (&tag, rest) = bytes.split_first().ok_or_else(|| corrupt(name, "rỗng"))?;
    match tag {
        0 if rest.len() == out.len() * 8 => {
            for (o, c) in out.iter_mut().zip(rest.chunks_exact(8)) {
                *o = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            }
            Ok(())
        }
        1 if rest.len() % 12 == 0 => {
            for c in rest.chunks_exact(12) {
                let i = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
                *out.get_mut(i).ok_or_else(|| corrupt(name, "chỉ số vượt quá số người"))? =
                    u64::from_le_bytes(c[4..].try_into().unwrap_or([0; 8]));
            }
            Ok(())
        }
        _ => Err(corrupt(name, "độ dài không khớp")),
    }
}

/// One compiled condition. Columns are indexes into `Plan::columns`.
#[derive(Debug, Clone)]
enum Op {
    /// Window: `years` consecutive years rated at least the column's level, up to the year.
    Rating {
        col: usize,
        years: u32,
    },
    RatingCount {
        col: usize,
        count: u32,
    },
    TitleChain {
        col: usize,
        count: u32,
        period: u32,
    },
    TitleCount {
        col: usize,
        count: u32,
    },
    PriorAward {
        col: usize,
    },
    Initiatives {
        sk: Vec<usize>,
        dt: Vec<usize>,
        count: u32,
        same_kind: bool,
    },
    /// Recruited on or before the day (days from CE); `None`: the parameter is unset, met.
    Service {
        cutoff: Option<i32>,
    },
    Review,
    NotPending,
    NoDiscipline,
    NotAlreadyAwarded,
}

impl Op {
    /// Whether the op's status counts towards "at least one standard condition" when not review.
    fn standard(&self) -> bool {
        !matches!(self, Op::Review | Op::NotPending | Op::NoDiscipline | Op::NotAlreadyAwarded)
    }
}

/// A column a plan reads, derived from the panel when bound.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The union of stored year columns.
    Union(Vec<String>),
    /// Plane `k` (years with more than `k`) of the sum of the initiative columns `names`,
    /// counted up to `count`.
    Sum { names: Vec<String>, count: usize, k: usize },
}

/// One award, year and date compiled for a panel of individuals.
#[derive(Debug, Clone)]
pub struct Plan<'e> {
    pub prepared: Prepared<'e>,
    engine: &'e Engine,
    bit: u32,
    sources: Vec<Source>,
    fresh: Vec<usize>,
    routes: Vec<Vec<Op>>,
    /// Per route, the conditions that do not depend on the route's window: bit 0 no open
    /// matter, bit 1 not under discipline on the date, bit 2 not already awarded.
    common: Vec<u8>,
    /// The years of the award itself (any kind), to tell who already holds it.
    held: usize,
}

impl<'e> Plan<'e> {
    /// Compiles the rule for individuals of `award` for `year`, with the rules in force on `on`.
    pub fn new(engine: &'e Engine, award: &str, year: i32, on: Option<NaiveDate>) -> Result<Plan<'e>, PlanError> {
        let prepared = engine.prepare(award, SubjectKind::Individual, year, on)?;
        let b = bit(year).ok_or(BulkError::YearOutOfRange(year))?;
        let mut plan = Plan {
            prepared,
            engine,
            bit: b,
            sources: Vec::new(),
            fresh: Vec::new(),
            routes: Vec::new(),
            common: Vec::new(),
            held: 0,
        };
        let set = prepared.set;
        let prereq: Vec<AwardKind> =
            AwardKind::ALL.into_iter().filter(|k| !set.excluded_prerequisite_kinds.contains(k)).collect();
        let code_of = |c: &str| engine.catalogue.canonical(c).unwrap_or(c).to_string();
        for code in &prepared.rule.fresh_after {
            let col = plan.source(Source::Union(prereq.iter().map(|k| award_column(&code_of(code), *k)).collect()));
            plan.fresh.push(col);
        }
        plan.held =
            plan.source(Source::Union(AwardKind::ALL.iter().map(|k| award_column(&prepared.award.code, *k)).collect()));
        for conds in prepared.route_conditions() {
            let mut ops = Vec::new();
            for c in conds {
                let op = match &c.check {
                    Check::Rating { min, years } => {
                        Op::Rating { col: plan.source(Source::Union(vec![rating_column(*min)])), years: *years }
                    }
                    Check::RatingCount { min, count } => {
                        Op::RatingCount { col: plan.source(Source::Union(vec![rating_column(*min)])), count: *count }
                    }
                    Check::TitleChain { award, count } => {
                        let code = code_of(award);
                        let period = engine.catalogue.get(&code).map(|a| a.period()).unwrap_or(1).max(1) as u32;
                        let cols = prereq.iter().map(|k| award_column(&code, *k)).collect();
                        Op::TitleChain { col: plan.source(Source::Union(cols)), count: *count, period }
                    }
                    Check::TitleCount { award, count } => {
                        let code = code_of(award);
                        let cols = prereq.iter().map(|k| award_column(&code, *k)).collect();
                        Op::TitleCount { col: plan.source(Source::Union(cols)), count: *count }
                    }
                    Check::PriorAward { award } => {
                        let code = code_of(award);
                        let cols = prereq.iter().map(|k| award_column(&code, *k)).collect();
                        Op::PriorAward { col: plan.source(Source::Union(cols)) }
                    }
                    Check::Initiatives { min_level, count, same_kind } => {
                        // Counting each year up to `count` decides "at least `count`" exactly.
                        let c = (*count).clamp(1, 64) as usize;
                        let names = |kind| {
                            Level::ALL
                                .into_iter()
                                .filter(|l| l >= min_level)
                                .map(|l| initiative_column(kind, l))
                                .collect::<Vec<_>>()
                        };
                        let (a, d) = (names(WorkKind::SangKien), names(WorkKind::DeTai));
                        let sk = (0..c).map(|k| plan.source(Source::Sum { names: a.clone(), count: c, k })).collect();
                        let dt = (0..c).map(|k| plan.source(Source::Sum { names: d.clone(), count: c, k })).collect();
                        Op::Initiatives { sk, dt, count: *count, same_kind: *same_kind }
                    }
                    Check::ServiceMonths { param } => {
                        let cutoff = match engine.params.value(param, prepared.on) {
                            None => None,
                            Some(m) => {
                                let months = m.max(0.0).round() as u32;
                                // r + m months ≤ 1/1 of the next year ⇔ r ≤ 1/1 of the next year − m months
                                // (the first of a month never clamps).
                                let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(EngineError::BadYear(year))?;
                                Some(
                                    next.checked_sub_months(Months::new(months))
                                        .map(|d| d.num_days_from_ce())
                                        .unwrap_or(i32::MIN + 1),
                                )
                            }
                        };
                        Op::Service { cutoff }
                    }
                    Check::Review => Op::Review,
                    Check::NotPending => Op::NotPending,
                    Check::NoDiscipline => Op::NoDiscipline,
                    Check::NotAlreadyAwarded => Op::NotAlreadyAwarded,
                    Check::NotDissolved
                    | Check::Members { .. }
                    | Check::NoDisciplinedMembers { .. }
                    | Check::LedBlock { .. } => {
                        return Err(BulkError::NotColumnar(prepared.award.code.clone()).into());
                    }
                };
                ops.push(op);
            }
            // Window-free conditions are applied once at the end of the route; a route with no
            // standard condition is never eligible and is not evaluated.
            let mut common = 0u8;
            ops.retain(|op| match op {
                Op::NotPending => {
                    common |= 1;
                    false
                }
                Op::NoDiscipline => {
                    common |= 2;
                    false
                }
                Op::NotAlreadyAwarded => {
                    common |= 4;
                    false
                }
                Op::Review => false,
                _ => true,
            });
            plan.routes.push(ops);
            plan.common.push(common);
        }
        Ok(plan)
    }

    fn source(&mut self, s: Source) -> usize {
        if let Some(i) = self.sources.iter().position(|x| *x == s) {
            return i;
        }
        self.sources.push(s);
        self.sources.len() - 1
    }

    /// The stored columns the plan reads: the rest of a panel can stay in the database.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> =
            ["id", "unit", "discipline", "pending", "revoked", "outside"].into_iter().map(String::from).collect();
        if self.routes.iter().flatten().any(|op| matches!(op, Op::Service { .. })) {
            out.push("recruited".into());
        }
        for s in &self.sources {
            match s {
                Source::Union(names) => out.extend(names.iter().cloned()),
                Source::Sum { names, .. } => out.extend(names.iter().cloned()),
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether data can make route `r` eligible (it has a standard condition a machine checks);
    /// a route of judgements only is for people to decide.
    pub fn route_checkable(&self, r: usize) -> bool {
        self.routes.get(r).is_some_and(|ops| ops.iter().any(Op::standard))
    }

    /// Derives the plan's columns from a panel (unions of award kinds, sums of initiative
    /// columns); every column is a plain slice of one word per person afterwards.
    pub fn bind<'p>(&self, panel: &'p Panel) -> Bound<'p> {
        let n = panel.len();
        let b = self.bit;
        let shorten_col = |c: &[u64]| -> Vec<u16> {
            let mut v: Vec<u16> = c.iter().map(|w| shorten(*w, b)).collect();
            v.resize(n, 0);
            v
        };
        let mut sums: BTreeMap<(Vec<String>, usize), Vec<Vec<u16>>> = BTreeMap::new();
        let mut short = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            let col = match s {
                Source::Union(names) => {
                    let mut present = names.iter().filter_map(|nm| panel.masks.get(nm));
                    let mut v = match present.next() {
                        Some(first) => shorten_col(first),
                        None => vec![0; n],
                    };
                    for c in present {
                        for (d, w) in v.iter_mut().zip(c.iter()) {
                            *d |= shorten(*w, b);
                        }
                    }
                    for r in panel.revoked.iter().filter(|r| r.on > self.prepared.on && names.contains(&r.column)) {
                        if let (Some(d), Some(rb)) = (v.get_mut(r.person as usize), bit(r.year)) {
                            *d |= shorten(1 << rb, b);
                        }
                    }
                    v
                }
                Source::Sum { names, count, k } => {
                    let planes = sums.entry((names.clone(), *count)).or_insert_with(|| {
                        let shortened: Vec<Vec<Vec<u16>>> = names
                            .iter()
                            .filter_map(|nm| panel.planes.get(nm))
                            .map(|planes| planes.iter().map(|p| shorten_col(p)).collect())
                            .collect();
                        sum_planes(shortened.iter(), *count, n)
                    });
                    planes.get(*k).cloned().unwrap_or_else(|| vec![0; n])
                }
            };
            short.push(col);
        }
        Bound { panel, short }
    }

    /// The whole words of the plan's columns for the people `idx` only (ascending), in that
    /// order: the few whose answer reaches further back than the short words.
    fn gather(&self, panel: &Panel, idx: &[usize]) -> Vec<Vec<u64>> {
        let at = |c: &[u64]| -> Vec<u64> { idx.iter().map(|&i| c.get(i).copied().unwrap_or(0)).collect() };
        let mut sums: BTreeMap<(Vec<String>, usize), Vec<Vec<u64>>> = BTreeMap::new();
        let mut cols = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            let col = match s {
                Source::Union(names) => {
                    let mut v = vec![0u64; idx.len()];
                    for c in names.iter().filter_map(|nm| panel.masks.get(nm)) {
                        for (d, &i) in v.iter_mut().zip(idx) {
                            *d |= c.get(i).copied().unwrap_or(0);
                        }
                    }
                    // Awards revoked after the date the rules are taken at still count.
                    for r in panel.revoked.iter().filter(|r| r.on > self.prepared.on && names.contains(&r.column)) {
                        if let (Ok(k), Some(b)) = (idx.binary_search(&(r.person as usize)), bit(r.year)) {
                            v[k] |= 1 << b;
                        }
                    }
                    v
                }
                Source::Sum { names, count, k } => {
                    let planes = sums.entry((names.clone(), *count)).or_insert_with(|| {
                        let gathered: Vec<Vec<Vec<u64>>> = names
                            .iter()
                            .filter_map(|nm| panel.planes.get(nm))
                            .map(|planes| planes.iter().map(|p| at(p)).collect())
                            .collect();
                        sum_planes(gathered.iter(), *count, idx.len())
                    });
                    planes.get(*k).cloned().unwrap_or_else(|| vec![0; idx.len()])
                }
            };
            cols.push(col);
        }
        cols
    }

    /// For every person of the panel, the routes that are eligible (bit `r` for route `r`).
    /// The work is split across `threads`.
    pub fn run(&self, bound: &Bound<'_>, threads: usize) -> Result<Vec<u8>, EngineError> {
        let panel = bound.panel;
        let n = panel.len();
        let mut out = vec![0u8; n];
        // Per person facts of the sparse columns.
        let year = self.prepared.year;
        let on = self.prepared.on;
        let mut flags: Vec<(u32, u64, bool)> = Vec::new(); // (person, allowed years, blocked on date)
        for (i, d) in &panel.discipline {
            if d.from.year() <= year {
                let after = d.to.map(|t| t.year() + 1).unwrap_or(i32::MAX / 2);
                // Years from `after` on: the bits at and below its bit.
                let allowed = if after <= FIRST_YEAR {
                    u64::MAX
                } else {
                    match bit(after) {
                        Some(63) => u64::MAX,
                        Some(b) => (1u64 << (b + 1)) - 1,
                        None => 0,
                    }
                };
                flags.push((*i, allowed, false));
            }
            if d.from <= on && d.to.is_none_or(|t| t >= on) {
                flags.push((*i, u64::MAX, true));
            }
        }
        flags.sort_by_key(|f| f.0);
        let mut pending: Vec<u32> = panel.pending.iter().filter(|(_, s)| s.open_on(on)).map(|(i, _)| *i).collect();
        pending.sort_unstable();
        // The same facts seen from the year, for the short words.
        let mut short_flags: Vec<(u32, u16, bool, bool)> = Vec::new(); // (person, allowed, blocked, undecided)
        for (i, d) in &panel.discipline {
            if d.from.year() <= year {
                let after = d.to.map(|t| t.year() + 1).unwrap_or(i32::MAX / 2);
                let (allowed, undecided) = if after <= FIRST_YEAR {
                    (u16::MAX, false)
                } else if after > year {
                    (0, false)
                } else if year - after < 15 {
                    ((1u16 << (year - after + 1)) - 1, false)
                } else {
                    (u16::MAX, true)
                };
                short_flags.push((*i, allowed, false, undecided));
            }
            if d.from <= on && d.to.is_none_or(|t| t >= on) {
                short_flags.push((*i, u16::MAX, true, false));
            }
        }
        short_flags.sort_by_key(|f| f.0);
        let chunk = n.div_ceil(threads.max(1)).max(1);
        let mut undecided: Vec<usize> = Vec::new();
        std::thread::scope(|s| {
            let mut handles = Vec::new();
            for (c, part) in out.chunks_mut(chunk).enumerate() {
                let lo = c * chunk;
                let (flags, pending) = (&short_flags, &pending);
                handles.push(s.spawn(move || self.run_short(bound, lo, part, flags, pending)));
            }
            for h in handles {
                undecided.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
        // People whose answer depends on years the short words merge: their whole words.
        if !undecided.is_empty() {
            undecided.sort_unstable();
            let cols = self.gather(panel, &undecided);
            let recruited: Vec<i32> =
                undecided.iter().map(|&i| panel.recruited.get(i).copied().unwrap_or(NO_DATE)).collect();
            let pos = |p: u32| undecided.binary_search(&(p as usize)).ok().map(|k| k as u32);
            let flags: Vec<(u32, u64, bool)> = flags.iter().filter_map(|f| pos(f.0).map(|k| (k, f.1, f.2))).collect();
            let pending: Vec<u32> = pending.iter().filter_map(|&p| pos(p)).collect();
            let mut sub = vec![0u8; undecided.len()];
            self.run_range(&Gathered { cols: &cols, recruited: &recruited }, &mut sub, &flags, &pending);
            for (&i, r) in undecided.iter().zip(sub) {
                out[i] = r;
            }
        }
        for &i in &panel.outside {
            if let Some(o) = out.get_mut(i as usize) {
                *o = 0;
            }
        }
        Ok(out)
    }

    /// The routes eligible for one whole history (for the people in `Panel::outside`).
    pub fn judge(&self, h: &History) -> Result<u8, EngineError> {
        h.validate()?;
        let v = self.engine.judge(&self.prepared, h)?;
        Ok(v.routes.iter().enumerate().fold(0u8, |acc, (r, x)| acc | (u8::from(x.eligible) << r)))
    }

    /// Whether each person already holds the award for the year (any kind, not revoked).
    pub fn held(&self, bound: &Bound<'_>, i: usize) -> bool {
        bound.short[self.held].get(i).is_some_and(|w| w & 1 == 1)
    }

    /// The evaluation on short words (the 15 years up to the one considered); returns the
    /// people whose answer needs earlier years, whose `out` is left for [`Plan::run_range`].
    fn run_short(
        &self,
        bound: &Bound<'_>,
        lo: usize,
        out: &mut [u8],
        flags: &[(u32, u16, bool, bool)],
        pending: &[u32],
    ) -> Vec<usize> {
        const BLOCK: usize = 2048;
        let panel = bound.panel;
        let mut undecided = Vec::new();
        let mut smask0 = [0u16; BLOCK];
        let mut blocked = [false; BLOCK];
        let mut pend = [false; BLOCK];
        let mut unsure = [false; BLOCK];
        let mut smask = [0u16; BLOCK];
        let mut w = [0u16; BLOCK];
        let mut fail = [false; BLOCK];
        let mut std_ = [0u8; BLOCK];
        let mut base = 0;
        while base < out.len() {
            let len = BLOCK.min(out.len() - base);
            let g = lo + base;
            let col = |c: usize| &bound.short[c][g..g + len];
            let smask0 = &mut smask0[..len];
            smask0.fill(u16::MAX);
            blocked[..len].fill(false);
            pend[..len].fill(false);
            unsure[..len].fill(false);
            for &c in &self.fresh {
                for (s, &x) in smask0.iter_mut().zip(col(c)) {
                    let m = x & !1;
                    *s &= (m & m.wrapping_neg()).wrapping_sub(1);
                }
            }
            let from = flags.partition_point(|f| (f.0 as usize) < g);
            for &(i, allowed, on_date, undecided) in flags[from..].iter().take_while(|f| (f.0 as usize) < g + len) {
                let j = i as usize - g;
                smask0[j] &= allowed;
                blocked[j] |= on_date;
                unsure[j] |= undecided;
            }
            let from = pending.partition_point(|&i| (i as usize) < g);
            for &i in pending[from..].iter().take_while(|&&i| (i as usize) < g + len) {
                pend[i as usize - g] = true;
            }
            let held = col(self.held);
            let (smask, w, fail, std_, unsure) =
                (&mut smask[..len], &mut w[..len], &mut fail[..len], &mut std_[..len], &mut unsure[..len]);
            for (r, ops) in self.routes.iter().enumerate() {
                if !ops.iter().any(Op::standard) {
                    continue;
                }
                smask.copy_from_slice(smask0);
                w.fill(u16::MAX); // no window yet
                fail.fill(false);
                std_.fill(0);
                for op in ops {
                    let counts = u8::from(op.standard());
                    match op {
                        Op::Rating { col: c, years } | Op::TitleChain { col: c, count: years, period: 1 } => {
                            let c = col(*c);
                            // A rating chain stays inside the window of what came before; a title chain does not.
                            let keep = if matches!(op, Op::Rating { .. }) { 0 } else { u16::MAX };
                            let need = if *years >= 16 { u16::MAX } else { (1u16 << years) - 1 };
                            let deep = *years >= 15;
                            let lanes = c.iter().zip(smask.iter()).zip(w.iter_mut()).zip(fail.iter_mut());
                            for ((((&x0, &s), w), f), (u, n)) in lanes.zip(unsure.iter_mut().zip(std_.iter_mut())) {
                                let x = x0 & s & (*w | keep);
                                let run = x & !x.wrapping_add(1);
                                *f |= run & need != need;
                                // A run up to the last exact year may go on into the merged ones.
                                *u |= deep | ((run & SHORT_LAST != 0) & (x0 & SHORT_TOP != 0));
                                *w = run | 1;
                                *n += counts;
                            }
                        }
                        Op::RatingCount { col: c, count } | Op::TitleCount { col: c, count } => {
                            let c = col(*c);
                            for j in 0..len {
                                let span = if w[j] == u16::MAX { 1 } else { w[j] };
                                unsure[j] |= span & SHORT_TOP != 0;
                                fail[j] |= (c[j] & span).count_ones() < *count;
                                std_[j] += counts;
                            }
                        }
                        Op::TitleChain { .. } => {
                            // Titles awarded every few years: the whole words decide.
                            unsure.fill(true);
                        }
                        Op::PriorAward { col: c } => {
                            let c = col(*c);
                            for j in 0..len {
                                let m = c[j] & !1;
                                if m == 0 {
                                    fail[j] = true;
                                } else {
                                    let low = m & m.wrapping_neg();
                                    unsure[j] |= low == SHORT_TOP;
                                    smask[j] &= low.wrapping_sub(1);
                                    w[j] = smask[j];
                                    unsure[j] |= w[j] & SHORT_TOP != 0;
                                }
                                std_[j] += counts;
                            }
                        }
                        Op::Initiatives { sk, dt, count: 2, same_kind: true } if sk.len() == 2 && dt.len() == 2 => {
                            let (s0, s1, d0, d1) = (col(sk[0]), col(sk[1]), col(dt[0]), col(dt[1]));
                            let planes = s0.iter().zip(s1).zip(d0.iter().zip(d1));
                            let state = w.iter().zip(unsure.iter_mut()).zip(fail.iter_mut().zip(std_.iter_mut()));
                            for (((&s0, &s1), (&d0, &d1)), ((&w, u), (f, n))) in planes.zip(state) {
                                let span = if w == u16::MAX { 1 } else { w };
                                *u |= span & SHORT_TOP != 0;
                                let (a, d) = (s0 & span, d0 & span);
                                let two = (s1 & span) | (a & a.wrapping_sub(1)) | (d1 & span) | (d & d.wrapping_sub(1));
                                *f |= two == 0;
                                *n += counts;
                            }
                        }
                        Op::Initiatives { sk, dt, count, same_kind } => {
                            let sk: Vec<&[u16]> = sk.iter().map(|c| col(*c)).collect();
                            let dt: Vec<&[u16]> = dt.iter().map(|c| col(*c)).collect();
                            for j in 0..len {
                                let span = if w[j] == u16::MAX { 1 } else { w[j] };
                                unsure[j] |= span & SHORT_TOP != 0;
                                let a: u32 = sk.iter().map(|c| (c[j] & span).count_ones()).sum();
                                let d: u32 = dt.iter().map(|c| (c[j] & span).count_ones()).sum();
                                let ok = if *same_kind { a.max(d) >= *count } else { a + d >= *count };
                                fail[j] |= !ok;
                                std_[j] += counts;
                            }
                        }
                        Op::Service { cutoff } => match cutoff {
                            None => {
                                for s in std_.iter_mut() {
                                    *s += counts;
                                }
                            }
                            Some(cut) => {
                                let rec = &panel.recruited[g..g + len];
                                for j in 0..len {
                                    if rec[j] != NO_DATE {
                                        fail[j] |= rec[j] > *cut;
                                        std_[j] += counts;
                                    }
                                }
                            }
                        },
                        Op::Review | Op::NotPending | Op::NoDiscipline | Op::NotAlreadyAwarded => {}
                    }
                }
                let common = self.common[r];
                let (cp, cd, ch) = (common & 1 != 0, common & 2 != 0, common & 4 != 0);
                let blocks = pend[..len].iter().zip(&blocked[..len]).zip(held);
                let verdict = std_.iter().zip(fail.iter());
                for ((o, ((&p, &bl), &h)), (&n, &f)) in out[base..base + len].iter_mut().zip(blocks).zip(verdict) {
                    let blocked_now = (cp & p) | (cd & bl) | (ch & (h & 1 != 0));
                    *o |= u8::from((n > 0) & !f & !blocked_now) << r;
                }
            }
            for (j, u) in unsure.iter().enumerate() {
                if *u {
                    out[base + j] = 0;
                    undecided.push(g + j);
                }
            }
            base += len;
        }
        undecided
    }

    /// The evaluation on whole words, for the people of `data` (indices in `flags` and
    /// `pending` are positions in it).
    fn run_range(&self, data: &Gathered<'_>, out: &mut [u8], flags: &[(u32, u64, bool)], pending: &[u32]) {
        const BLOCK: usize = 1024;
        let b = self.bit;
        let year_bit = 1u64 << b;
        let before = if b >= 63 { 0 } else { u64::MAX << (b + 1) };
        let up_to_year = from_bit(b);
        let mut smask0 = [0u64; BLOCK];
        let mut blocked = [false; BLOCK];
        let mut smask = [0u64; BLOCK];
        let mut w = [0u64; BLOCK];
        let mut fail = [false; BLOCK];
        let mut std_ = [0u8; BLOCK];
        let mut pend = [false; BLOCK];
        let mut base = 0;
        while base < out.len() {
            let len = BLOCK.min(out.len() - base);
            let g = base; // first person of the block
            let col = |c: usize| &data.cols[c][g..g + len];
            // Where counting starts (law G5, G6) and who is blocked.
            let smask0 = &mut smask0[..len];
            smask0.fill(u64::MAX);
            blocked[..len].fill(false);
            pend[..len].fill(false);
            for &c in &self.fresh {
                for (s, &x) in smask0.iter_mut().zip(col(c)) {
                    let m = x & before;
                    // Years after the most recent award: the bits below its (lowest) bit.
                    *s &= (m & m.wrapping_neg()).wrapping_sub(1);
                }
            }
            let from = flags.partition_point(|f| (f.0 as usize) < g);
            for &(i, allowed, on_date) in flags[from..].iter().take_while(|f| (f.0 as usize) < g + len) {
                let j = i as usize - g;
                smask0[j] &= allowed;
                blocked[j] |= on_date;
            }
            let from = pending.partition_point(|&i| (i as usize) < g);
            for &i in pending[from..].iter().take_while(|&&i| (i as usize) < g + len) {
                pend[i as usize - g] = true;
            }
            let held = col(self.held);
            let (smask, w, fail, std_) = (&mut smask[..len], &mut w[..len], &mut fail[..len], &mut std_[..len]);
            for (r, ops) in self.routes.iter().enumerate() {
                if !ops.iter().any(Op::standard) {
                    continue;
                }
                smask.copy_from_slice(smask0);
                w.fill(u64::MAX); // no window yet
                fail.fill(false);
                std_.fill(0);
                for op in ops {
                    let counts = u8::from(op.standard());
                    match op {
                        Op::Rating { col: c, years } => {
                            let c = col(*c);
                            let need = if *years >= 64 { u64::MAX } else { (1u64 << years) - 1 };
                            for j in 0..len {
                                // Bit 0 is the year, bit k the k-th year before: the chain is the
                                // run of ones from bit 0.
                                let x = (c[j] & smask[j] & w[j]) >> b;
                                let run = x & !x.wrapping_add(1);
                                fail[j] |= run & need != need;
                                w[j] = (run | 1) << b;
                                std_[j] += counts;
                            }
                        }
                        Op::RatingCount { col: c, count } | Op::TitleCount { col: c, count } => {
                            let c = col(*c);
                            for j in 0..len {
                                let span = if w[j] == u64::MAX { year_bit } else { w[j] };
                                fail[j] |= (c[j] & span).count_ones() < *count;
                                std_[j] += counts;
                            }
                        }
                        Op::TitleChain { col: c, count, period: 1 } => {
                            // One title a year: the same run of ones as a rating chain.
                            let c = col(*c);
                            let need = if *count >= 64 { u64::MAX } else { (1u64 << count) - 1 };
                            for j in 0..len {
                                let x = (c[j] & smask[j]) >> b;
                                let run = x & !x.wrapping_add(1);
                                fail[j] |= run & need != need;
                                w[j] = (run | 1) << b;
                                std_[j] += counts;
                            }
                        }
                        Op::TitleChain { col: c, count, period } => {
                            let c = col(*c);
                            for j in 0..len {
                                let x = (c[j] & smask[j]) >> b;
                                let mut k = 0u32;
                                while k * period < 64 - b && (x >> (k * period)) & 1 == 1 {
                                    k += 1;
                                }
                                let width = k * period;
                                fail[j] |= k < *count;
                                w[j] = if k == 0 {
                                    year_bit
                                } else if width >= 64 {
                                    u64::MAX << b
                                } else {
                                    ((1u64 << width) - 1) << b
                                };
                                std_[j] += counts;
                            }
                        }
                        Op::PriorAward { col: c } => {
                            let c = col(*c);
                            for j in 0..len {
                                let m = c[j] & before;
                                if m == 0 {
                                    fail[j] = true;
                                } else {
                                    smask[j] &= (m & m.wrapping_neg()) - 1;
                                    w[j] = smask[j] & up_to_year;
                                }
                                std_[j] += counts;
                            }
                        }
                        Op::Initiatives { sk, dt, count: 2, same_kind: true } if sk.len() == 2 && dt.len() == 2 => {
                            // "Two of one kind", the common case, without counting bits: two or
                            // more in the span is a second plane's bit, or two bits of the first.
                            let (s0, s1, d0, d1) = (col(sk[0]), col(sk[1]), col(dt[0]), col(dt[1]));
                            for j in 0..len {
                                let span = if w[j] == u64::MAX { year_bit } else { w[j] };
                                let (a, d) = (s0[j] & span, d0[j] & span);
                                let two =
                                    (s1[j] & span) | (a & a.wrapping_sub(1)) | (d1[j] & span) | (d & d.wrapping_sub(1));
                                fail[j] |= two == 0;
                                std_[j] += counts;
                            }
                        }
                        Op::Initiatives { sk, dt, count, same_kind } => {
                            let sk: Vec<&[u64]> = sk.iter().map(|c| col(*c)).collect();
                            let dt: Vec<&[u64]> = dt.iter().map(|c| col(*c)).collect();
                            for j in 0..len {
                                let span = if w[j] == u64::MAX { year_bit } else { w[j] };
                                let a: u32 = sk.iter().map(|c| (c[j] & span).count_ones()).sum();
                                let d: u32 = dt.iter().map(|c| (c[j] & span).count_ones()).sum();
                                let ok = if *same_kind { a.max(d) >= *count } else { a + d >= *count };
                                fail[j] |= !ok;
                                std_[j] += counts;
                            }
                        }
                        Op::Service { cutoff } => match cutoff {
                            None => {
                                for s in std_.iter_mut() {
                                    *s += counts;
                                }
                            }
                            Some(cut) => {
                                let rec = &data.recruited[g..g + len];
                                for j in 0..len {
                                    if rec[j] != NO_DATE {
                                        fail[j] |= rec[j] > *cut;
                                        std_[j] += counts;
                                    }
                                }
                            }
                        },
                        Op::Review | Op::NotPending | Op::NoDiscipline | Op::NotAlreadyAwarded => {}
                    }
                }
                let common = self.common[r];
                let (cp, cd, ch) = (common & 1 != 0, common & 2 != 0, common & 4 != 0);
                for j in 0..len {
                    let blocked_now = (cp && pend[j]) || (cd && blocked[j]) || (ch && held[j] & year_bit != 0);
                    out[base + j] |= u8::from(std_[j] > 0 && !fail[j] && !blocked_now) << r;
                }
            }
            base += len;
        }
    }
}

/// The first `count` planes of the sum of unary counts (plane `k`: years with more than `k`).
/// Two counts add as `S_k = ⋃_{i+j=k-1} A_i ∩ B_j ∪ A_k ∪ B_k`.
fn sum_planes<'a, T>(columns: impl Iterator<Item = &'a Vec<Vec<T>>>, count: usize, n: usize) -> Vec<Vec<T>>
where
    T: Copy + Default + std::ops::BitOr<Output = T> + std::ops::BitAnd<Output = T> + std::ops::BitOrAssign + 'a,
{
    let mut acc: Vec<Vec<T>> = vec![vec![T::default(); n]; count];
    let zero = vec![T::default(); n];
    for planes in columns {
        let b = |k: usize| planes.get(k).map(|p| &p[..n.min(p.len())]).unwrap_or(&zero[..]);
        // Highest plane first, so that the lower planes read below are still the old sums.
        for k in (0..count).rev() {
            let (low, high) = acc.split_at_mut(k);
            let target = &mut high[0];
            for (t, x) in target.iter_mut().zip(b(k)) {
                *t |= *x;
            }
            for (j, aj) in low.iter().enumerate() {
                for ((t, a), x) in target.iter_mut().zip(aj).zip(b(k - 1 - j)) {
                    *t |= *a & *x;
                }
            }
        }
    }
    acc
}

/// A plan's columns derived from one panel.
#[derive(Debug)]
pub struct Bound<'p> {
    pub panel: &'p Panel,
    /// The plan's columns seen from the year considered: bit `k` is `k` years before it, for
    /// `k < 15`; bit 15 is set when any earlier year is (see [`SHORT_TOP`]).
    short: Vec<Vec<u16>>,
}

/// The whole words of some people (see [`Plan::gather`]) and their recruitment dates.
struct Gathered<'a> {
    cols: &'a [Vec<u64>],
    recruited: &'a [i32],
}

/// The bit of a short word that stands for every year 15 or more years before the one considered.
const SHORT_TOP: u16 = 1 << 15;
/// The last exact bit of a short word.
const SHORT_LAST: u16 = 1 << 14;

fn shorten(w: u64, b: u32) -> u16 {
    let v = w >> b;
    (v & 0x7FFF) as u16 | if v >> 15 != 0 { SHORT_TOP } else { 0 }
}

/// Why a plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Bulk(#[from] BulkError),
}

/// The eligible people of a bulk run, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRow {
    pub id: i64,
    pub unit: i64,
    /// Bit `r` set when route `r` is eligible.
    pub routes: u8,
    /// The award is already recorded for the year.
    pub held: bool,
}
