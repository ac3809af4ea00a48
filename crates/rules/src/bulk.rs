//! Bulk eligibility: one award and year judged for a whole population at once.
//!
//! The histories are kept as a [`Panel`]: columns with one entry per person, where each year a
//! fact holds is one bit of a 64-bit word (`bit(year)`, 1990–2053). A rule is compiled into a
//! [`Plan`] of column operations that give, for every person, which routes are eligible; the
//! answer is the one [`Engine::check`] gives for the same history (the test
//! `tests/bulk.rs` compares both on random histories), without the texts.
//!
//! Binding a plan to a panel ([`Plan::bind`]) turns the columns it reads into short words seen
//! from the year considered (the last 7 or 15 years exactly, the earlier ones merged into one
//! bit), stored as bit planes: for every 64 people, one machine word per year. [`Plan::run`]
//! judges 64 people with a few word operations per condition and year; the few people whose
//! answer depends on the merged years are judged again from their whole words.
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

/// More people than a stored panel can hold (people are numbered by `u32` in its lists; this is
/// far below that, and far above any country's officials): a count above it is corrupt data,
/// refused before anything is allocated for it.
const MAX_PEOPLE: usize = 1 << 28;

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
        out.push(("id".to_string(), encode_ints(self.ids.iter().copied())));
        out.push(("unit".to_string(), encode_ints(self.units.iter().copied())));
        out.push(("recruited".to_string(), encode_ints(self.recruited.iter().map(|&d| i64::from(d)))));
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
    /// straight into its place (no per-chunk panel, no second copy), the chunks shared out among
    /// `threads` threads, each filling its own range of people in every column.
    pub fn decode_chunks<'a>(chunks: &[Vec<(&'a str, &'a [u8])>], threads: usize) -> Result<Panel, BulkError> {
        let mut offsets = Vec::with_capacity(chunks.len() + 1);
        let mut total = 0usize;
        for cols in chunks {
            let ids = cols.iter().find(|(n, _)| *n == "id").map(|(_, b)| *b).ok_or_else(|| corrupt("id", "thiếu"))?;
            offsets.push(total);
            total = ints_count(ids)
                .and_then(|n| total.checked_add(n))
                .filter(|t| *t <= MAX_PEOPLE)
                .ok_or_else(|| corrupt("id", "độ dài không khớp"))?;
        }
        offsets.push(total);
        let mut p =
            Panel { ids: vec![0; total], units: vec![0; total], recruited: vec![NO_DATE; total], ..Panel::default() };
        // Every column and plane is made first (zero), so that the threads fill disjoint parts; the
        // lists of a few records each are read here.
        for (cols, &off) in chunks.iter().zip(&offsets) {
            let shift = |i: u32| i + off as u32;
            for &(name, bytes) in cols {
                match name {
                    "id" | "unit" | "recruited" => {}
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
                        let k = usize::from(*bytes.first().ok_or_else(|| corrupt(name, "rỗng"))?);
                        let planes = p.planes.entry(name.to_string()).or_default();
                        while planes.len() < k {
                            planes.push(vec![0; total]);
                        }
                    }
                    _ => {
                        p.masks.entry(name.to_string()).or_insert_with(|| vec![0; total]);
                    }
                }
            }
        }
        // Chunks `cuts[t]..cuts[t + 1]` go to thread `t`; people from `offsets[cuts[t]]`.
        let parts = threads.clamp(1, chunks.len().max(1));
        let cuts: Vec<usize> = (0..=parts).map(|t| chunks.len() * t / parts).collect();
        let starts: Vec<usize> = cuts[1..parts].iter().map(|&c| offsets[c]).collect();
        let mut fills: Vec<Fill> = (0..parts).map(|_| Fill::default()).collect();
        for (f, s) in fills.iter_mut().zip(split_at(&mut p.ids, &starts)) {
            f.ids = s;
        }
        for (f, s) in fills.iter_mut().zip(split_at(&mut p.units, &starts)) {
            f.units = s;
        }
        for (f, s) in fills.iter_mut().zip(split_at(&mut p.recruited, &starts)) {
            f.recruited = s;
        }
        for (name, col) in p.masks.iter_mut() {
            for (f, s) in fills.iter_mut().zip(split_at(col, &starts)) {
                f.words.push((name.as_str(), None, s));
            }
        }
        for (name, planes) in p.planes.iter_mut() {
            for (j, plane) in planes.iter_mut().enumerate() {
                for (f, s) in fills.iter_mut().zip(split_at(plane, &starts)) {
                    f.words.push((name.as_str(), Some(j), s));
                }
            }
        }
        let job = |t: usize, f: Fill<'_>| {
            let (from, to) = (cuts[t], cuts[t + 1]);
            f.fill(&chunks[from..to], &offsets[from..=to])
        };
        if parts == 1 {
            fills.into_iter().try_for_each(|f| job(0, f))?;
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = fills.into_iter().enumerate().map(|(t, f)| s.spawn(move || job(t, f))).collect();
                handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|_| Err(corrupt("id", "luồng đọc dừng"))))
            })?;
        }
        Ok(p)
    }

    /// Reads columns written by [`Panel::encode`] (any subset that holds `id`).
    pub fn decode<'a>(columns: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Panel, BulkError> {
        Panel::decode_chunks(&[columns.into_iter().collect()], 1)
    }
}

/// One thread's share of a panel being read: the same range of people in every column.
#[derive(Default)]
struct Fill<'p> {
    ids: &'p mut [i64],
    units: &'p mut [i64],
    recruited: &'p mut [i32],
    /// Year words by column name, and plane for initiative columns.
    words: Vec<(&'p str, Option<usize>, &'p mut [u64])>,
}

impl Fill<'_> {
    /// Decodes `chunks` into this share; `offsets` are where each chunk's people start, and where
    /// the last one ends.
    fn fill(mut self, chunks: &[Vec<(&str, &[u8])>], offsets: &[usize]) -> Result<(), BulkError> {
        let base = offsets.first().copied().unwrap_or(0);
        for (cols, at) in chunks.iter().zip(offsets.windows(2)) {
            let range = at[0] - base..at[1] - base;
            for &(name, bytes) in cols {
                match name {
                    "id" => decode_ints_into(&mut self.ids[range.clone()], bytes, name, Some)?,
                    "unit" => decode_ints_into(&mut self.units[range.clone()], bytes, name, Some)?,
                    "recruited" => {
                        decode_ints_into(&mut self.recruited[range.clone()], bytes, name, |v| i32::try_from(v).ok())?
                    }
                    "discipline" | "pending" | "revoked" | "outside" => {}
                    _ if name.starts_with("init:") => {
                        let (&k, mut rest) = bytes.split_first().ok_or_else(|| corrupt(name, "rỗng"))?;
                        for j in 0..usize::from(k) {
                            let (len, tail) = rest.split_at_checked(4).ok_or_else(|| corrupt(name, "thiếu độ dài"))?;
                            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                            let (e, tail) = tail.split_at_checked(len).ok_or_else(|| corrupt(name, "thiếu dữ liệu"))?;
                            decode_words_into(&mut self.column(name, Some(j))?[range.clone()], e, name)?;
                            rest = tail;
                        }
                    }
                    _ => decode_words_into(&mut self.column(name, None)?[range.clone()], bytes, name)?,
                }
            }
        }
        Ok(())
    }

    fn column(&mut self, name: &str, plane: Option<usize>) -> Result<&mut [u64], BulkError> {
        self.words
            .iter_mut()
            .find(|(n, j, _)| *n == name && *j == plane)
            .map(|(_, _, s)| &mut **s)
            .ok_or_else(|| corrupt(name, "thiếu"))
    }
}

/// `v` cut at each of `at` (ascending) into `at.len() + 1` parts.
fn split_at<'v, T>(mut v: &'v mut [T], at: &[usize]) -> Vec<&'v mut [T]> {
    let mut parts = Vec::with_capacity(at.len() + 1);
    let mut done = 0;
    for &a in at {
        let (head, tail) = v.split_at_mut(a - done);
        parts.push(head);
        v = tail;
        done = a;
    }
    parts.push(v);
    parts
}

/// Appends `v` as a LEB128 varint: seven bits a byte, low bits first.
fn put_varint(b: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        b.push(v as u8 | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

/// Reads a varint at `*pos` and moves past it; `None` when the bytes end inside one or it does
/// not fit 64 bits.
fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Integers (ids, units, days) as runs of equal steps: how many values, then for each run its
/// step from the value before (zigzag-coded, the first from 0) and its length, all varints. A
/// chunk's ids mostly step by one and its people's units mostly repeat, so such a column takes a
/// few bytes instead of eight a person.
fn encode_ints(values: impl ExactSizeIterator<Item = i64>) -> Vec<u8> {
    let mut b = Vec::new();
    put_varint(&mut b, values.len() as u64);
    let mut prev = 0i64;
    let mut run: Option<(i64, u64)> = None;
    for v in values {
        let step = v.wrapping_sub(prev);
        prev = v;
        match &mut run {
            Some((s, k)) if *s == step => *k += 1,
            _ => {
                if let Some((s, k)) = run.replace((step, 1)) {
                    put_varint(&mut b, zigzag(s));
                    put_varint(&mut b, k);
                }
            }
        }
    }
    if let Some((s, k)) = run {
        put_varint(&mut b, zigzag(s));
        put_varint(&mut b, k);
    }
    b
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

/// How many values a column written by [`encode_ints`] holds.
fn ints_count(bytes: &[u8]) -> Option<usize> {
    usize::try_from(get_varint(bytes, &mut 0)?).ok()
}

/// Reads a column written by [`encode_ints`] into `out`, which must be as long as it says.
fn decode_ints_into<T>(out: &mut [T], bytes: &[u8], name: &str, cast: fn(i64) -> Option<T>) -> Result<(), BulkError> {
    let bad = || corrupt(name, "độ dài không khớp");
    let mut pos = 0;
    if get_varint(bytes, &mut pos) != Some(out.len() as u64) {
        return Err(bad());
    }
    let mut prev = 0i64;
    let mut i = 0;
    while i < out.len() {
        let step = unzigzag(get_varint(bytes, &mut pos).ok_or_else(bad)?);
        let k = get_varint(bytes, &mut pos).ok_or_else(bad)?;
        let end = usize::try_from(k).ok().and_then(|k| i.checked_add(k)).filter(|e| *e <= out.len()).ok_or_else(bad)?;
        for o in &mut out[i..end] {
            prev = prev.wrapping_add(step);
            *o = cast(prev).ok_or_else(bad)?;
        }
        i = end;
    }
    if pos != bytes.len() {
        return Err(bad());
    }
    Ok(())
}

/// Year words packed to the bytes their years use: a tag, the shift of the lowest year bit any
/// word sets and the width in bytes of what is above it, then either every word (tag 0) or, when
/// smaller, the non-zero ones each after its distance from the one before as a varint (tag 1).
/// Twenty years of records take three bytes a word instead of eight.
fn encode_words(col: &[u64], n: usize) -> Vec<u8> {
    let col = &col[..col.len().min(n)];
    let all = col.iter().fold(0, |a, w| a | w);
    let shift = if all == 0 { 0 } else { all.trailing_zeros() };
    let width = (64 - all.leading_zeros()).saturating_sub(shift).div_ceil(8) as usize;
    let put = |b: &mut Vec<u8>, w: u64| b.extend_from_slice(&(w >> shift).to_le_bytes()[..width]);
    let mut sparse = vec![1, shift as u8, width as u8];
    let mut next = 0;
    for (i, &w) in col.iter().enumerate().filter(|(_, w)| **w != 0) {
        put_varint(&mut sparse, (i - next) as u64);
        put(&mut sparse, w);
        next = i + 1;
    }
    if sparse.len() <= 3 + n * width {
        return sparse;
    }
    let mut dense = Vec::with_capacity(3 + n * width);
    dense.extend_from_slice(&[0, shift as u8, width as u8]);
    for i in 0..n {
        put(&mut dense, col.get(i).copied().unwrap_or(0));
    }
    dense
}

/// A packed word: its bytes (at most eight, lowest first) put back above `shift`.
#[inline]
fn word(c: &[u8], shift: u32) -> u64 {
    let mut b = [0u8; 8];
    b[..c.len()].copy_from_slice(c);
    u64::from_le_bytes(b) << shift
}

/// Every word of a dense column of width `W`, one function per width so that each copy has a
/// fixed length.
fn unpack<const W: usize>(out: &mut [u64], bytes: &[u8], shift: u32) {
    for (o, c) in out.iter_mut().zip(bytes.chunks_exact(W)) {
        *o = word(&c[..W], shift);
    }
}

/// Reads a column written by [`encode_words`] into `out`, which holds zeros.
fn decode_words_into(out: &mut [u64], bytes: &[u8], name: &str) -> Result<(), BulkError> {
    let bad = |m: &str| corrupt(name, m.to_string());
    let [tag, shift, width, rest @ ..] = bytes else { return Err(bad("rỗng")) };
    let (shift, width) = (u32::from(*shift), usize::from(*width));
    if shift >= 64 || width > 8 {
        return Err(bad("độ dài không khớp"));
    }
    match tag {
        0 if rest.len() == out.len() * width => {
            match width {
                0 => out.fill(0),
                1 => unpack::<1>(out, rest, shift),
                2 => unpack::<2>(out, rest, shift),
                3 => unpack::<3>(out, rest, shift),
                4 => unpack::<4>(out, rest, shift),
                5 => unpack::<5>(out, rest, shift),
                6 => unpack::<6>(out, rest, shift),
                7 => unpack::<7>(out, rest, shift),
                _ => unpack::<8>(out, rest, shift),
            }
            Ok(())
        }
        1 => {
            let (mut pos, mut i) = (0, 0usize);
            while pos < rest.len() {
                let gap = get_varint(rest, &mut pos).ok_or_else(|| bad("độ dài không khớp"))?;
                i = usize::try_from(gap)
                    .ok()
                    .and_then(|g| i.checked_add(g))
                    .ok_or_else(|| bad("chỉ số vượt quá số người"))?;
                let c = rest.get(pos..pos + width).ok_or_else(|| bad("độ dài không khớp"))?;
                pos += width;
                *out.get_mut(i).ok_or_else(|| bad("chỉ số vượt quá số người"))? = word(c, shift);
                i += 1;
            }
            Ok(())
        }
        _ => Err(bad("độ dài không khớp")),
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

    /// Whether the op reads the window fixed by the chains before it.
    fn reads_window(&self) -> bool {
        matches!(self, Op::Rating { .. } | Op::RatingCount { .. } | Op::TitleCount { .. } | Op::Initiatives { .. })
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
    /// Per route and condition, whether a later condition of the route reads the window.
    window_read: Vec<Vec<bool>>,
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
            window_read: Vec::new(),
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
            plan.window_read.push((0..ops.len()).map(|k| ops[k + 1..].iter().any(Op::reads_window)).collect());
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

    /// How many years the short words of this plan hold exactly: seven when every chain it asks
    /// for is shorter than that, fifteen when it looks back to an earlier award (which may be long
    /// ago) or at titles awarded every few years. A chain may run on past what it asks for; the
    /// people whose answer depends on how far go to the whole words either way.
    pub fn width(&self) -> Width {
        let near = self.routes.iter().flatten().all(|op| match op {
            Op::Rating { years, .. } => *years < 7,
            Op::TitleChain { count, period: 1, .. } => *count < 7,
            Op::TitleChain { .. } | Op::PriorAward { .. } => false,
            _ => true,
        });
        if near { Width::Narrow } else { Width::Wide }
    }

    /// Derives the plan's columns from a panel (unions of award kinds, sums of initiative
    /// columns) as short words of [`Plan::width`], or wide ones when more than one person in a
    /// hundred has a chain through all the narrow words' years whose window a later condition
    /// counts in (a run of good ratings, common enough): the whole words would judge them.
    pub fn bind<'p>(&self, panel: &'p Panel) -> Bound<'p> {
        if self.width() == Width::Narrow {
            let narrow = self.shorten_all::<u8>(panel);
            if !self.runs_past(&narrow, panel.len()) {
                return Bound { panel, short: Columns::Narrow(planes(&narrow)) };
            }
        }
        self.bind_as(panel, Width::Wide)
    }

    /// Whether more than one person in a hundred has a chain through all the years of the
    /// narrow words `narrow` whose window a later condition of its route reads.
    fn runs_past(&self, narrow: &[Vec<u8>], people: usize) -> bool {
        let chains = self.routes.iter().zip(&self.window_read).flat_map(|(ops, read)| ops.iter().zip(read));
        chains.filter(|(_, read)| **read).any(|(op, _)| match op {
            Op::Rating { col, .. } | Op::TitleChain { col, period: 1, .. } => {
                narrow[*col].iter().filter(|w| **w == u8::MAX).count() * 100 > people
            }
            _ => false,
        })
    }

    /// [`Plan::bind`] with short words of a given width: either gives the same answers, the
    /// narrow ones leave more people to the whole words when their records reach far back.
    pub fn bind_as<'p>(&self, panel: &'p Panel, width: Width) -> Bound<'p> {
        let short = match width {
            Width::Narrow => Columns::Narrow(planes(&self.shorten_all::<u8>(panel))),
            Width::Wide => Columns::Wide(planes(&self.shorten_all::<u16>(panel))),
        };
        Bound { panel, short }
    }

    /// Every column of the plan as one short word per person.
    fn shorten_all<W: Short>(&self, panel: &Panel) -> Vec<Vec<W>> {
        let n = panel.len();
        let b = self.bit;
        let shorten_col = |c: &[u64]| -> Vec<W> {
            let mut v: Vec<W> = c.iter().map(|w| W::shorten(*w, b)).collect();
            v.resize(n, W::ZERO);
            v
        };
        let mut sums: BTreeMap<(Vec<String>, usize), Vec<Vec<W>>> = BTreeMap::new();
        let mut short = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            let col = match s {
                Source::Union(names) => {
                    let mut present = names.iter().filter_map(|nm| panel.masks.get(nm));
                    let mut v = match present.next() {
                        Some(first) => shorten_col(first),
                        None => vec![W::ZERO; n],
                    };
                    for c in present {
                        for (d, w) in v.iter_mut().zip(c.iter()) {
                            *d |= W::shorten(*w, b);
                        }
                    }
                    for r in panel.revoked.iter().filter(|r| r.on > self.prepared.on && names.contains(&r.column)) {
                        if let (Some(d), Some(rb)) = (v.get_mut(r.person as usize), bit(r.year)) {
                            *d |= W::shorten(1 << rb, b);
                        }
                    }
                    v
                }
                Source::Sum { names, count, k } => {
                    let planes = sums.entry((names.clone(), *count)).or_insert_with(|| {
                        let shortened: Vec<Vec<Vec<W>>> = names
                            .iter()
                            .filter_map(|nm| panel.planes.get(nm))
                            .map(|planes| planes.iter().map(|p| shorten_col(p)).collect())
                            .collect();
                        sum_planes(shortened.iter(), *count, n)
                    });
                    planes.get(*k).cloned().unwrap_or_else(|| vec![W::ZERO; n])
                }
            };
            short.push(col);
        }
        short
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
        let mut out = vec![0u8; panel.len()];
        let undecided = match &bound.short {
            Columns::Narrow(cols) => self.run_parts(cols, panel, &mut out, threads),
            Columns::Wide(cols) => self.run_parts(cols, panel, &mut out, threads),
        };
        if !undecided.is_empty() {
            self.run_whole(panel, &undecided, &mut out);
        }
        for &i in &panel.outside {
            if let Some(o) = out.get_mut(i as usize) {
                *o = 0;
            }
        }
        Ok(out)
    }

    /// How many people of the panel the short words leave to the whole words (they are judged
    /// all the same, more slowly): for tests and benchmarks.
    pub fn undecided(&self, bound: &Bound<'_>) -> usize {
        let mut out = vec![0u8; bound.panel.len()];
        match &bound.short {
            Columns::Narrow(cols) => self.run_parts(cols, bound.panel, &mut out, 1).len(),
            Columns::Wide(cols) => self.run_parts(cols, bound.panel, &mut out, 1).len(),
        }
    }

    /// The evaluation on whole words of the people `undecided` (ascending), whose answer depends
    /// on years the short words merge.
    fn run_whole(&self, panel: &Panel, undecided: &[usize], out: &mut [u8]) {
        let year = self.prepared.year;
        let on = self.prepared.on;
        let pos = |p: u32| undecided.binary_search(&(p as usize)).ok().map(|k| k as u32);
        let mut flags: Vec<(u32, u64, bool)> = Vec::new(); // (position, allowed years, blocked on date)
        for (i, d) in &panel.discipline {
            let Some(k) = pos(*i) else { continue };
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
                flags.push((k, allowed, false));
            }
            if d.from <= on && d.to.is_none_or(|t| t >= on) {
                flags.push((k, u64::MAX, true));
            }
        }
        flags.sort_by_key(|f| f.0);
        let mut pending: Vec<u32> =
            panel.pending.iter().filter(|(_, s)| s.open_on(on)).filter_map(|(i, _)| pos(*i)).collect();
        pending.sort_unstable();
        let cols = self.gather(panel, undecided);
        let recruited: Vec<i32> =
            undecided.iter().map(|&i| panel.recruited.get(i).copied().unwrap_or(NO_DATE)).collect();
        let mut sub = vec![0u8; undecided.len()];
        self.run_range(&Gathered { cols: &cols, recruited: &recruited }, &mut sub, &flags, &pending);
        for (&i, r) in undecided.iter().zip(sub) {
            out[i] = r;
        }
    }

    /// The short-word evaluation of the whole panel, split across `threads`; returns the people
    /// left undecided (ascending).
    fn run_parts<const P: usize>(
        &self,
        cols: &[Vec<[u64; P]>],
        panel: &Panel,
        out: &mut [u8],
        threads: usize,
    ) -> Vec<usize> {
        let year = self.prepared.year;
        let on = self.prepared.on;
        let exact = (P - 1) as i32;
        let all = u16::MAX >> (16 - P);
        // Discipline seen from the year: (person, years allowed as a short word, blocked on the
        // date). Counting starts the year after the period ends: bits 0 to `year - after`. A
        // period that ended before the short words' exact years allows all of them and not the
        // merged ones, which only a chain reaching into them would need, and such a chain sends
        // the person to the whole words anyway.
        let mut flags: Vec<(u32, u16, bool)> = Vec::new();
        for (i, d) in &panel.discipline {
            if d.from.year() <= year {
                let after = d.to.map(|t| t.year() + 1).unwrap_or(i32::MAX / 2);
                let allowed = if after <= FIRST_YEAR {
                    all
                } else if after > year {
                    0
                } else {
                    (1u16 << (year - after + 1).min(exact)) - 1
                };
                flags.push((*i, allowed, false));
            }
            if d.from <= on && d.to.is_none_or(|t| t >= on) {
                flags.push((*i, all, true));
            }
        }
        flags.sort_by_key(|f| f.0);
        let mut pending: Vec<u32> = panel.pending.iter().filter(|(_, s)| s.open_on(on)).map(|(i, _)| *i).collect();
        pending.sort_unstable();
        let n = out.len();
        // Each thread takes whole words of 64 people.
        let chunk = n.div_ceil(threads.max(1)).next_multiple_of(64).max(64);
        let mut undecided = Vec::new();
        std::thread::scope(|s| {
            let mut handles = Vec::new();
            for (c, part) in out.chunks_mut(chunk).enumerate() {
                let lo = c * chunk;
                let (flags, pending) = (&flags, &pending);
                handles.push(s.spawn(move || self.run_sliced(cols, &panel.recruited, lo, part, flags, pending)));
            }
            for h in handles {
                undecided.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
        undecided
    }

    /// The routes eligible for one whole history (for the people in `Panel::outside`).
    pub fn judge(&self, h: &History) -> Result<u8, EngineError> {
        h.validate()?;
        let v = self.engine.judge(&self.prepared, h)?;
        Ok(v.routes.iter().enumerate().fold(0u8, |acc, (r, x)| acc | (u8::from(x.eligible) << r)))
    }

    /// Whether each person already holds the award for the year (any kind, not revoked).
    pub fn held(&self, bound: &Bound<'_>, i: usize) -> bool {
        let year = |planes: Option<&u64>| planes.is_some_and(|p| p >> (i % 64) & 1 == 1);
        match &bound.short {
            Columns::Narrow(cols) => year(cols[self.held].get(i / 64).map(|w| &w[0])),
            Columns::Wide(cols) => year(cols[self.held].get(i / 64).map(|w| &w[0])),
        }
    }

    /// The evaluation on short words (the few years up to the one considered, see [`Short`])
    /// held as bit planes ([`Columns`]): 64 people at a time, one machine word per year, so that
    /// a condition costs a few word operations per 64 people and year. `lo` is a multiple of 64. Returns the people whose answer
    /// needs earlier years, whose `out` is left for [`Plan::run_range`]; `out` starts zeroed.
    fn run_sliced<const P: usize>(
        &self,
        cols: &[Vec<[u64; P]>],
        recruited: &[i32],
        lo: usize,
        out: &mut [u8],
        flags: &[(u32, u16, bool)],
        pending: &[u32],
    ) -> Vec<usize> {
        let top = P - 1; // the plane of every earlier year
        let mut undecided = Vec::new();
        let mut fi = flags.partition_point(|f| (f.0 as usize) < lo);
        let mut pi = pending.partition_point(|&i| (i as usize) < lo);
        let mut base = 0;
        while base < out.len() {
            let len = 64.min(out.len() - base);
            let g = lo + base;
            let word = g / 64;
            let live = if len == 64 { u64::MAX } else { (1u64 << len) - 1 };
            let col = |c: usize| &cols[c][word];
            // Where counting starts (law G5, G6): after the last award of `fresh`.
            let mut s0 = [u64::MAX; P];
            for &c in &self.fresh {
                let x = col(c);
                let mut seen = 0;
                for k in 1..P {
                    seen |= x[k];
                    s0[k] &= !seen;
                }
            }
            // Discipline, and who is blocked on the date.
            let mut blocked = 0u64;
            let mut unsure = 0u64;
            while let Some(&(i, allowed, on_date)) = flags.get(fi).filter(|f| (f.0 as usize) < g + len) {
                let lane = 1u64 << (i as usize - g);
                for (k, s) in s0.iter_mut().enumerate() {
                    if allowed >> k & 1 == 0 {
                        *s &= !lane;
                    }
                }
                blocked |= if on_date { lane } else { 0 };
                fi += 1;
            }
            let mut pend = 0u64;
            while let Some(&i) = pending.get(pi).filter(|&&i| (i as usize) < g + len) {
                pend |= 1u64 << (i as usize - g);
                pi += 1;
            }
            let held = col(self.held)[0];
            let mut eligible = [0u64; 8];
            for (r, ops) in self.routes.iter().enumerate().take(8) {
                if !ops.iter().any(Op::standard) {
                    continue;
                }
                let mut s = s0;
                // The window fixed so far; `open`: people with none yet (their span is the year).
                let mut w = [u64::MAX; P];
                let mut open = u64::MAX;
                let mut fail = 0u64;
                // Whether a standard condition was judged: always, but for the length of service
                // of someone whose recruitment date is not known.
                let mut judged = 0u64;
                let mut any = false;
                for (n, op) in ops.iter().enumerate() {
                    any |= op.standard() && !matches!(op, Op::Service { cutoff: Some(_) });
                    match op {
                        Op::Rating { col: c, years } | Op::TitleChain { col: c, count: years, period: 1 } => {
                            let x0 = col(*c);
                            // A rating chain stays inside the window of what came before; a title chain does not.
                            let keep = if matches!(op, Op::Rating { .. }) { 0 } else { u64::MAX };
                            // run[k]: a chain of years from the year back to k years before it.
                            let mut run = [0u64; P];
                            let mut chain = u64::MAX;
                            for k in 0..P {
                                chain &= x0[k] & s[k] & (w[k] | keep);
                                run[k] = chain;
                            }
                            let years = *years as usize;
                            if years > 0 {
                                fail |= !run[years.min(P) - 1];
                            }
                            // A chain up to the last exact year may go on into the merged ones:
                            // what it is then decides only if a later condition reads its window.
                            unsure |= if years >= top {
                                u64::MAX
                            } else if self.window_read[r][n] {
                                run[top - 1] & x0[top]
                            } else {
                                0
                            };
                            w = run;
                            w[0] = u64::MAX;
                            open = run[top];
                        }
                        Op::RatingCount { col: c, count } | Op::TitleCount { col: c, count } => {
                            // Counted in the exact years; a window reaching into the merged ones
                            // leaves undecided only those not yet there.
                            let span = span(&w, open);
                            let ok = at_least([col(*c)], &span, *count as usize);
                            unsure |= span[top] & !ok;
                            fail |= !ok;
                        }
                        Op::TitleChain { .. } => {
                            // Titles awarded every few years: the whole words decide.
                            unsure = u64::MAX;
                        }
                        Op::PriorAward { col: c } => {
                            let x = col(*c);
                            // The years after the most recent earlier award.
                            let mut after = s;
                            let mut seen = 0;
                            for k in 1..P {
                                if k == top {
                                    // The award is only in the merged years.
                                    unsure |= !seen & x[top];
                                }
                                seen |= x[k];
                                after[k] &= !seen;
                            }
                            let none = !seen;
                            fail |= none;
                            unsure |= seen & after[top];
                            for k in 0..P {
                                s[k] = (s[k] & none) | (after[k] & seen);
                                w[k] = (w[k] & none) | (after[k] & seen);
                            }
                            open &= none;
                        }
                        Op::Initiatives { sk, dt, count, same_kind } => {
                            let span = span(&w, open);
                            let count = *count as usize;
                            let sk = sk.iter().map(|c| col(*c));
                            let dt = dt.iter().map(|c| col(*c));
                            let ok = if *same_kind {
                                at_least(sk, &span, count) | at_least(dt, &span, count)
                            } else {
                                at_least(sk.chain(dt), &span, count)
                            };
                            unsure |= span[top] & !ok;
                            fail |= !ok;
                        }
                        Op::Service { cutoff: None } => {}
                        Op::Service { cutoff: Some(cut) } => {
                            for (j, &rec) in recruited[g..g + len].iter().enumerate() {
                                let known = rec != NO_DATE;
                                judged |= u64::from(known) << j;
                                fail |= u64::from(known & (rec > *cut)) << j;
                            }
                        }
                        Op::Review | Op::NotPending | Op::NoDiscipline | Op::NotAlreadyAwarded => {}
                    }
                }
                let common = self.common[r];
                let pick = |on: bool, m: u64| if on { m } else { 0 };
                let blocked_now =
                    pick(common & 1 != 0, pend) | pick(common & 2 != 0, blocked) | pick(common & 4 != 0, held);
                eligible[r] = (if any { u64::MAX } else { judged }) & !fail & !blocked_now;
            }
            let unsure = unsure & live;
            for (r, e) in eligible.iter().enumerate() {
                let mut e = e & live & !unsure;
                while e != 0 {
                    out[base + e.trailing_zeros() as usize] |= 1 << r;
                    e &= e - 1;
                }
            }
            let mut u = unsure;
            while u != 0 {
                undecided.push(g + u.trailing_zeros() as usize);
                u &= u - 1;
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
    /// The plan's columns seen from the year considered (see [`Short`]).
    short: Columns,
}

impl Bound<'_> {
    /// The width of the short words.
    pub fn width(&self) -> Width {
        match self.short {
            Columns::Narrow(_) => Width::Narrow,
            Columns::Wide(_) => Width::Wide,
        }
    }
}

/// How many years a short word holds exactly (see [`Plan::width`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// 7 years and the merged earlier ones: 8 bits a person and column.
    Narrow,
    /// 15 years and the merged earlier ones: 16 bits.
    Wide,
}

/// The plan's columns as bit planes: for each 64 people, plane `k` holds bit `k` of their short
/// words (bit `j` of a plane is person `64 × word + j`).
#[derive(Debug)]
enum Columns {
    Narrow(Vec<Vec<[u64; 8]>>),
    Wide(Vec<Vec<[u64; 16]>>),
}

/// Every column of short words as bit planes.
fn planes<W: Short, const P: usize>(short: &[Vec<W>]) -> Vec<Vec<[u64; P]>> {
    short.iter().map(|c| slice(c)).collect()
}

/// Short words as bit planes of 64 people: eight people's bytes at a time turned into the
/// eight planes' bytes by a bit transpose, with no branch on the data.
fn slice<W: Short, const P: usize>(col: &[W]) -> Vec<[u64; P]> {
    let mut out = vec![[0u64; P]; col.len().div_ceil(64)];
    for (planes, words) in out.iter_mut().zip(col.chunks(64)) {
        for (g, eight) in words.chunks(8).enumerate() {
            for b in 0..P / 8 {
                let mut x = 0u64;
                for (i, w) in eight.iter().enumerate() {
                    x |= ((w.bits() >> (8 * b)) & 0xFF) << (8 * i);
                }
                let x = transpose8(x);
                for k in 0..8 {
                    planes[8 * b + k] |= ((x >> (8 * k)) & 0xFF) << (8 * g);
                }
            }
        }
    }
    out
}

/// The 8×8 bit matrix whose row `i` is byte `i` (column `j` its bit `j`), transposed: bit
/// `8i + j` goes to bit `8j + i`.
fn transpose8(mut x: u64) -> u64 {
    let t = (x ^ (x >> 7)) & 0x00AA_00AA_00AA_00AA;
    x ^= t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_CCCC_0000_CCCC;
    x ^= t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_F0F0_F0F0;
    x ^ t ^ (t << 28)
}

/// The windows `w` as the span in which things are counted: the year alone for the people
/// still `open` (no window fixed yet).
#[inline]
fn span<const P: usize>(w: &[u64; P], open: u64) -> [u64; P] {
    let mut s = [0u64; P];
    for k in 0..P {
        s[k] = if k == 0 { w[0] | open } else { w[k] & !open };
    }
    s
}

/// The people with at least `count` bits set in `span` across the exact planes of `cols` (the
/// last plane, of the merged years, is left out: its one bit may stand for several years, or
/// for years outside the span).
fn at_least<'a, const P: usize>(cols: impl IntoIterator<Item = &'a [u64; P]>, span: &[u64; P], count: usize) -> u64 {
    const MOST: usize = 16;
    if count == 0 {
        return u64::MAX;
    }
    if count > MOST {
        // Counts no rule asks for today: person by person.
        let mut totals = [0usize; 64];
        for c in cols {
            for k in 0..P - 1 {
                let mut m = c[k] & span[k];
                while m != 0 {
                    totals[m.trailing_zeros() as usize] += 1;
                    m &= m - 1;
                }
            }
        }
        return totals.iter().enumerate().fold(0, |acc, (j, t)| acc | (u64::from(*t >= count) << j));
    }
    if count == 2 {
        // The common case ("two initiatives"), with the two counters in registers.
        let (mut one, mut two) = (0u64, 0u64);
        for c in cols {
            for k in 0..P - 1 {
                let a = c[k] & span[k];
                two |= one & a;
                one |= a;
            }
        }
        return two;
    }
    // ge[t]: the people with more than t so far.
    let mut ge = [0u64; MOST];
    for c in cols {
        for k in 0..P - 1 {
            let a = c[k] & span[k];
            for t in (1..count).rev() {
                ge[t] |= ge[t - 1] & a;
            }
            ge[0] |= a;
        }
    }
    ge[count - 1]
}

/// The whole words of some people (see [`Plan::gather`]) and their recruitment dates.
struct Gathered<'a> {
    cols: &'a [Vec<u64>],
    recruited: &'a [i32],
}

/// A year word seen from the year considered: bit `k` is `k` years before it for `k < BITS - 1`,
/// and the top bit is set when any earlier year is. What it cannot tell (a run of years that
/// goes on into the merged ones) sends the person to the whole words.
trait Short:
    Copy + Default + std::ops::BitAnd<Output = Self> + std::ops::BitOr<Output = Self> + std::ops::BitOrAssign
{
    const ZERO: Self;
    fn shorten(w: u64, b: u32) -> Self;
    fn bits(self) -> u64;
}

macro_rules! short_word {
    ($t:ty) => {
        impl Short for $t {
            const ZERO: Self = 0;
            #[inline(always)]
            fn shorten(w: u64, b: u32) -> Self {
                const EXACT: u32 = <$t>::BITS - 1;
                let v = w >> b;
                (v & ((1 << EXACT) - 1)) as $t | if v >> EXACT != 0 { 1 << EXACT } else { 0 }
            }
            #[inline(always)]
            fn bits(self) -> u64 {
                u64::from(self)
            }
        }
    };
}
short_word!(u8);
short_word!(u16);

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit `k` of person `j`'s word, one bit at a time.
    fn slow<W: Short, const P: usize>(col: &[W]) -> Vec<[u64; P]> {
        let mut out = vec![[0u64; P]; col.len().div_ceil(64)];
        for (j, w) in col.iter().enumerate() {
            for (k, plane) in out[j / 64].iter_mut().enumerate() {
                *plane |= ((w.bits() >> k) & 1) << (j % 64);
            }
        }
        out
    }

    #[test]
    fn bit_planes_hold_each_persons_word() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // Full words, a last word of 64, of 1 and of a length that is not a multiple of 8.
        for n in [64, 128, 65, 77, 3, 1000] {
            let narrow: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            assert_eq!(slice::<u8, 8>(&narrow), slow::<u8, 8>(&narrow), "{n} narrow");
            let wide: Vec<u16> = (0..n).map(|_| next() as u16).collect();
            assert_eq!(slice::<u16, 16>(&wide), slow::<u16, 16>(&wide), "{n} wide");
        }
        let x = 0x0123_4567_89ab_cdefu64;
        assert_eq!(transpose8(transpose8(x)), x);
    }

    #[test]
    fn stored_columns_are_small_and_read_back() {
        // Ids that step by one and units in runs take a few bytes, whatever their size.
        let ids: Vec<i64> = (4096 * 7..4096 * 8).collect();
        let e = encode_ints(ids.iter().copied());
        assert!(e.len() < 12, "{}", e.len());
        let mut back = vec![0i64; ids.len()];
        decode_ints_into(&mut back, &e, "id", Some).unwrap();
        assert_eq!(back, ids);
        let mixed = [i64::from(NO_DATE), 738_000, 738_000, -5, i64::MAX, i64::MIN, 0];
        let mut back = vec![0i64; mixed.len()];
        decode_ints_into(&mut back, &encode_ints(mixed.iter().copied()), "x", Some).unwrap();
        assert_eq!(back, mixed);
        // A count that does not match, or bytes left over, is refused.
        assert!(decode_ints_into(&mut [0i64; 3], &e, "id", Some).is_err());
        let mut long = e.clone();
        long.push(0);
        assert!(decode_ints_into(&mut vec![0i64; ids.len()], &long, "id", Some).is_err());
        // A count beyond any panel is refused before anything is allocated.
        let mut huge = Vec::new();
        put_varint(&mut huge, 1 << 36);
        assert!(Panel::decode([("id", &huge[..])]).is_err());
        assert!(
            decode_ints_into(&mut [0i32; 1], &encode_ints([i64::MAX].into_iter()), "d", |v| i32::try_from(v).ok())
                .is_err()
        );

        // Twenty years of words take three bytes a person, dense or sparse.
        let years = |k: u64| (0..20).filter(|y| k >> y & 1 == 1).fold(0, |w, y| w | 1 << bit(2006 + y).unwrap());
        let dense: Vec<u64> = (0..4096u64).map(|k| years(k * 2_654_435_761)).collect();
        let e = encode_words(&dense, dense.len());
        assert_eq!(e[0], 0);
        assert!(e.len() <= 3 + 3 * dense.len(), "{}", e.len());
        let sparse: Vec<u64> = (0..4096u64).map(|k| if k % 97 == 3 { years(k + 1) } else { 0 }).collect();
        let es = encode_words(&sparse, 5000);
        assert_eq!(es[0], 1);
        for (col, enc, n) in [(&dense, &e, dense.len()), (&sparse, &es, 5000)] {
            let mut back = vec![0u64; n];
            decode_words_into(&mut back, enc, "w").unwrap();
            assert_eq!(&back[..col.len()], &col[..]);
            assert!(back[col.len()..].iter().all(|w| *w == 0));
        }
        // Every width, including the top and bottom bits, sparse and dense.
        for w in [
            1u64,
            0xff,
            0xffff,
            0xffff_ffff,
            1 << 63,
            u64::MAX,
            0x0000_ffff_0000_0000,
            0x0000_00ff_ffff_ff00,
            0x00ff_ffff_ffff_0000,
            0x7fff_ffff_ffff_ff00,
            0,
        ] {
            for col in [vec![w, 0, w, 0, 0, 0, 0, 0], vec![w, w >> 1, w, w & (w << 3), w]] {
                let mut back = vec![0u64; col.len()];
                decode_words_into(&mut back, &encode_words(&col, col.len()), "w").unwrap();
                assert_eq!(back, col, "{w:x}");
            }
            let width = (64 - w.leading_zeros()).saturating_sub(w.trailing_zeros()).div_ceil(8) as usize;
            assert_eq!(encode_words(&[w; 9], 9).len(), 3 + 9 * width, "{w:x} dense");
        }
        // A sparse index past the people is refused.
        assert!(decode_words_into(&mut [0u64; 10], &es, "w").is_err());
    }
}
