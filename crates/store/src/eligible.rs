//! Bulk eligibility over the registry: everyone who qualifies for an award in a year, read from
//! the eligibility panel ([`crate::panel`]) and judged by a compiled [`Plan`].

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tdkt_rules::Engine;
use tdkt_rules::bulk::{BulkRow, Plan};
use tdkt_rules::history::{AwardKind, Subject, SubjectKind};

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::registry::{Holder, records};

/// Where the time of a run went.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Timing {
    /// Rebuilding stale chunks of the panel.
    pub refresh: Duration,
    /// Reading the columns the rule needs.
    pub read: Duration,
    /// Deriving the rule's columns (unions of award kinds, initiative planes).
    pub bind: Duration,
    /// Evaluating every person.
    pub eval: Duration,
    /// Judging, from their whole history, the few people with records outside the panel's years.
    pub outside: Duration,
    /// Listing who qualifies or holds the award, and counting people by unit.
    pub summary: Duration,
}

impl Timing {
    pub fn total(&self) -> Duration {
        self.refresh + self.read + self.bind + self.eval + self.outside + self.summary
    }
}

/// A hasher for unit ids (integers the database made, never chosen by a user), for counting a
/// million people by unit without SipHash's cost per person.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// How many people each unit has.
fn count_by_unit(units: &[i64]) -> std::collections::HashMap<i64, u64> {
    let mut m: std::collections::HashMap<i64, u64, std::hash::BuildHasherDefault<IdHasher>> =
        std::collections::HashMap::default();
    for u in units {
        *m.entry(*u).or_insert(0) += 1;
    }
    m.into_iter().collect()
}

/// The result of one bulk run.
#[derive(Debug, Clone)]
pub struct BulkRun {
    pub award: String,
    pub award_name: String,
    pub year: i32,
    pub on: NaiveDate,
    pub rule_set_name: String,
    pub route_names: Vec<String>,
    /// Per route, whether data can make it eligible (false: judgements only).
    pub route_checkable: Vec<bool>,
    /// People judged.
    pub people: usize,
    /// People judged, by unit id.
    pub people_by_unit: std::collections::HashMap<i64, u64>,
    /// The people who qualify by at least one route, or already hold the award for the year.
    pub rows: Vec<BulkRow>,
    pub timing: Timing,
}

impl BulkRun {
    /// The names of the routes set in `bits` (bit `r` for route `r`).
    pub fn routes_of(&self, bits: u8) -> Vec<String> {
        self.route_names.iter().enumerate().filter(|(i, _)| bits >> i & 1 == 1).map(|(_, n)| n.clone()).collect()
    }

    /// People judged in the units `within` accepts.
    pub fn people_in(&self, within: impl Fn(i64) -> bool) -> u64 {
        self.people_by_unit.iter().filter(|(u, _)| within(**u)).map(|(_, n)| n).sum()
    }
}

/// Judges every individual in the registry for `award` in `year` (rules taken on `on`, 31/12 of
/// the year by default), on `threads` threads.
pub async fn bulk(
    db: &Db,
    engine: &Engine,
    award: &str,
    year: i32,
    on: Option<NaiveDate>,
    threads: usize,
) -> StoreResult<BulkRun> {
    let plan = Plan::new(engine, award, year, on).map_err(|e| StoreError::invalid("award", e.to_string()))?;
    let mut timing = Timing::default();
    let t = Instant::now();
    crate::panel::refresh(db, &engine.catalogue, &mut |_, _| {}).await?;
    timing.refresh = t.elapsed();
    let t = Instant::now();
    let panel = crate::panel::load(db, &plan.columns(), threads).await?;
    timing.read = t.elapsed();
    let t = Instant::now();
    let bound = plan.bind(&panel);
    timing.bind = t.elapsed();
    let t = Instant::now();
    let mut bits = plan.run(&bound, threads).map_err(|e| StoreError::invalid("award", e.to_string()))?;
    timing.eval = t.elapsed();
    let t = Instant::now();
    let on = plan.prepared.on;
    for &i in &panel.outside {
        let id = panel.ids[i as usize];
        let person = crate::org::get_person(&db.conn, id).await?;
        let subject = Subject {
            kind: SubjectKind::Individual,
            name: Some(person.full_name.clone()),
            recruited_on: person.recruited_on,
            dissolved_on: None,
        };
        let h = records(db, Holder::Person(id)).await?.history(subject, on);
        bits[i as usize] = plan.judge(&h).map_err(|e| StoreError::invalid("history", e.to_string()))?;
    }
    timing.outside = t.elapsed();
    let t = Instant::now();
    let rows = bits
        .iter()
        .enumerate()
        .filter_map(|(i, &routes)| {
            let held = plan.held(&bound, i);
            (routes != 0 || held).then(|| BulkRow { id: panel.ids[i], unit: panel.units[i], routes, held })
        })
        .collect();
    let people_by_unit = count_by_unit(&panel.units);
    timing.summary = t.elapsed();
    let p = plan.prepared;
    Ok(BulkRun {
        award: p.award.code.clone(),
        award_name: p.award.name.clone(),
        year,
        on,
        rule_set_name: p.set.name.clone(),
        route_names: p.rule.routes.iter().map(|r| r.name.clone()).collect(),
        route_checkable: (0..p.rule.routes.len()).map(|r| plan.route_checkable(r)).collect(),
        people: panel.len(),
        people_by_unit,
        rows,
        timing,
    })
}

/// For the benchmark's comparison only: the two routes of Đ74 k1 d (Bằng khen of the province's
/// chairman) for `year` written as one SQL query over the registry tables, set by set (the people
/// with two CSTĐCS, those with two HTXSNV years and two initiatives of a kind), as a report writer
/// would put it: a fixed two-year window, no restart after an earlier Bằng khen, no discipline cut;
/// it counts people, it does not explain anything.
pub async fn bk_tinh_sql_count(db: &Db, year: i32) -> StoreResult<u64> {
    let prev = year - 1;
    crate::org::count(
        &db.conn,
        "WITH \
         cs AS (SELECT person_id FROM award WHERE award_code = 'CSTD_CS' AND year IN (?, ?) AND revoked_on IS NULL \
                AND person_id IS NOT NULL AND kind NOT IN ('dot_xuat', 'chuyen_de') GROUP BY person_id HAVING COUNT(*) = 2), \
         xs AS (SELECT person_id FROM rating WHERE person_id IS NOT NULL AND year IN (?, ?) AND rating = 'HTXSNV' \
                GROUP BY person_id HAVING COUNT(*) = 2), \
         sk AS (SELECT DISTINCT person_id FROM initiative WHERE year IN (?, ?) AND kind IN ('sang_kien', 'de_tai') \
                GROUP BY person_id, kind HAVING COUNT(*) >= 2), \
         q AS (SELECT person_id FROM cs UNION SELECT xs.person_id FROM xs JOIN sk ON sk.person_id = xs.person_id) \
         SELECT COUNT(*) AS n FROM q \
         WHERE NOT EXISTS (SELECT 1 FROM award a WHERE a.person_id = q.person_id AND a.award_code = 'BK_TINH' \
                           AND a.year = ? AND a.revoked_on IS NULL) \
           AND NOT EXISTS (SELECT 1 FROM pending_matter m WHERE m.person_id = q.person_id AND m.closed_on IS NULL)",
        vec![prev.into(), year.into(), prev.into(), year.into(), prev.into(), year.into(), year.into()],
    )
    .await
}

/// How many people of each unit hold `code` (any kind, not revoked) for `year`: the base of a
/// quota. Read from the panel, like the bulk run it goes with.
pub async fn holders_by_unit(
    db: &Db,
    catalogue: &tdkt_rules::Catalogue,
    code: &str,
    year: i32,
) -> StoreResult<std::collections::HashMap<i64, u64>> {
    let mut by_unit = std::collections::HashMap::new();
    let Some(b) = tdkt_rules::bulk::bit(year) else { return Ok(by_unit) };
    let code = catalogue.canonical(code).unwrap_or(code);
    crate::panel::refresh(db, catalogue, &mut |_, _| {}).await?;
    let columns: Vec<String> = AwardKind::ALL.iter().map(|k| tdkt_rules::bulk::award_column(code, *k)).collect();
    let mut read = columns.clone();
    read.extend(["id".to_string(), "unit".to_string()]);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let panel = crate::panel::load(db, &read, threads).await?;
    let masks: Vec<&Vec<u64>> = columns.iter().filter_map(|c| panel.masks.get(c)).collect();
    for (i, unit) in panel.units.iter().enumerate() {
        if masks.iter().any(|m| m.get(i).is_some_and(|w| w >> b & 1 == 1)) {
            *by_unit.entry(*unit).or_insert(0) += 1;
        }
    }
    Ok(by_unit)
}
