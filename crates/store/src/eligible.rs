//! Bulk eligibility over the registry: everyone who qualifies for an award in a year, read from
//! the eligibility panel ([`crate::panel`]) and judged by a compiled [`Plan`].

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use tdkt_rules::Engine;
use tdkt_rules::bulk::{BulkRow, Plan};
use tdkt_rules::history::{Subject, SubjectKind};

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
}

impl Timing {
    pub fn total(&self) -> Duration {
        self.refresh + self.read + self.bind + self.eval + self.outside
    }
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
    /// People judged.
    pub people: usize,
    /// The people who qualify by at least one route, or already hold the award for the year.
    pub rows: Vec<BulkRow>,
    pub timing: Timing,
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
    let panel = crate::panel::load(db, &engine.catalogue, &plan.columns()).await?;
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
    let rows = bits
        .iter()
        .enumerate()
        .filter_map(|(i, &routes)| {
            let held = plan.held(&bound, i);
            (routes != 0 || held).then(|| BulkRow { id: panel.ids[i], unit: panel.units[i], routes, held })
        })
        .collect();
    let p = plan.prepared;
    Ok(BulkRun {
        award: p.award.code.clone(),
        award_name: p.award.name.clone(),
        year,
        on,
        rule_set_name: p.set.name.clone(),
        route_names: p.rule.routes.iter().map(|r| r.name.clone()).collect(),
        people: panel.len(),
        rows,
        timing,
    })
}
