//! A job queue in the database, which every `tdkt serve` process works from, and the reminders
//! its jobs leave for the officers of a unit and for the office.
//!
//! - [`enqueue`] adds a job once per `dedupe_key` (two servers scheduling the same day's scan add
//!   one row).
//! - [`claim`] takes one due job for a worker, with a lease: on PostgreSQL `FOR UPDATE SKIP
//!   LOCKED` lets servers claim different jobs at once; on SQLite the writer queue serialises
//!   claims. A job whose lease ran out (its server died) is due again.
//! - [`finish`] marks the job done inside the transaction that holds its effects, and only if the
//!   worker still holds the lease; otherwise the caller's transaction is rolled back, effects
//!   included. So a job's effects are committed exactly once: none is lost, none is doubled.
//! - [`fail`] puts it back with a growing delay, and gives up after [`MAX_ATTEMPTS`].

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};

/// Attempts before a job is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

fn text_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub dedupe_key: String,
    pub payload: String,
    pub attempts: i64,
}

/// Queues a job unless one with the same key exists; returns whether it was added.
pub async fn enqueue(
    db: &Db,
    kind: &str,
    dedupe_key: &str,
    payload: &serde_json::Value,
    run_at: DateTime<Utc>,
) -> StoreResult<bool> {
    let _turn = db.turn().await;
    let n = db
        .conn
        .execute_raw(stmt(
            db.backend(),
            "INSERT INTO job (kind, dedupe_key, payload, run_at, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?) \
             ON CONFLICT (dedupe_key) DO NOTHING",
            vec![
                kind.into(),
                dedupe_key.into(),
                payload.to_string().into(),
                text_time(run_at).into(),
                now_text().into(),
            ],
        ))
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Takes the oldest due job for `worker`, leased until `now + lease`.
pub async fn claim(db: &Db, worker: &str, now: DateTime<Utc>, lease: Duration) -> StoreResult<Option<Job>> {
    let _turn = db.turn().await;
    let now_t = text_time(now);
    // A job whose server died with it every time is given up rather than taken again.
    db.conn
        .execute_raw(stmt(
            db.backend(),
            "UPDATE job SET status = 'failed', last_error = 'hết hạn nhận việc quá nhiều lần', locked_by = NULL, \
             locked_until = NULL WHERE status = 'running' AND locked_until < ? AND attempts >= ?",
            vec![now_t.clone().into(), MAX_ATTEMPTS.into()],
        ))
        .await?;
    let lock = if db.is_sqlite() { "" } else { " FOR UPDATE SKIP LOCKED" };
    let sql = format!(
        "UPDATE job SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM job WHERE (status = 'queued' AND run_at <= ?) \
                     OR (status = 'running' AND locked_until < ?) ORDER BY run_at, id LIMIT 1{lock}) \
         AND (status = 'queued' OR locked_until < ?) \
         RETURNING id, kind, dedupe_key, payload, attempts"
    );
    Ok(Job::find_by_statement(stmt(
        db.backend(),
        &sql,
        vec![worker.into(), text_time(now + lease).into(), now_t.clone().into(), now_t.clone().into(), now_t.into()],
    ))
    .one(&db.conn)
    .await?)
}

/// Marks the job done in the transaction of its effects; refuses when the lease was lost (the
/// caller then drops the transaction, so the effects are not committed twice).
pub async fn finish(w: &mut WriteTx, job: &Job, worker: &str, detail: serde_json::Value) -> StoreResult<()> {
    let n = w
        .exec(
            "UPDATE job SET status = 'done', finished_at = ?, locked_by = NULL, locked_until = NULL \
             WHERE id = ? AND status = 'running' AND locked_by = ?",
            vec![now_text().into(), job.id.into(), worker.into()],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Other(format!("việc #{} đã được máy chủ khác nhận lại", job.id)));
    }
    w.record("job.run", "job", Some(job.id.to_string()), None, serde_json::json!({"kind": job.kind, "result": detail}))
        .await
}

/// Puts a failed job back, due again after 1, 4, 9... minutes, or marks it failed.
pub async fn fail(db: &Db, job: &Job, worker: &str, error: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let _turn = db.turn().await;
    let (status, run_at) = if job.attempts >= MAX_ATTEMPTS {
        ("failed", now)
    } else {
        ("queued", now + Duration::minutes(job.attempts * job.attempts))
    };
    db.conn
        .execute_raw(stmt(
            db.backend(),
            "UPDATE job SET status = ?, run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL \
             WHERE id = ? AND locked_by = ?",
            vec![status.into(), text_time(run_at).into(), error.into(), job.id.into(), worker.into()],
        ))
        .await?;
    Ok(())
}

/// How many jobs are in each status (for the operator and the tests).
pub async fn counts(db: &Db) -> StoreResult<Vec<(String, i64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        status: String,
        n: i64,
    }
    Ok(Row::find_by_statement(stmt(
        db.backend(),
        "SELECT status, COUNT(*) AS n FROM job GROUP BY status ORDER BY status",
        vec![],
    ))
    .all(&db.conn)
    .await?
    .into_iter()
    .map(|r| (r.status, r.n))
    .collect())
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// A reminder left by a job.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Reminder {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub created_at: String,
}

/// Adds a reminder once per `dedupe_key`; returns whether it was new.
pub async fn remind(
    w: &mut WriteTx,
    unit_id: i64,
    kind: &str,
    text: &str,
    link: &str,
    dedupe_key: &str,
    job_id: i64,
) -> StoreResult<bool> {
    let n = w
        .exec(
            "INSERT INTO reminder (unit_id, kind, text, link, dedupe_key, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (dedupe_key) DO NOTHING",
            vec![
                unit_id.into(),
                kind.into(),
                text.into(),
                link.into(),
                dedupe_key.into(),
                job_id.into(),
                now_text().into(),
            ],
        )
        .await?;
    Ok(n > 0)
}

/// The newest reminders of the units in `scope` (exactly those units, not their subtrees: a
/// unit's reminders are for its own officers; the office's are on the root unit).
pub async fn reminders(db: &Db, unit_ids: &[i64], limit: u64) -> StoreResult<Vec<Reminder>> {
    if unit_ids.is_empty() {
        return Ok(vec![]);
    }
    let marks = vec!["?"; unit_ids.len()].join(", ");
    let mut vals: Vec<sea_orm::Value> = unit_ids.iter().map(|u| (*u).into()).collect();
    vals.push((limit as i64).into());
    Ok(Reminder::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT r.id, r.unit_id, u.name AS unit_name, r.kind, r.text, r.link, r.created_at \
             FROM reminder r JOIN unit u ON u.id = r.unit_id WHERE r.unit_id IN ({marks}) \
             ORDER BY r.created_at DESC, r.id DESC LIMIT ?"
        ),
        vals,
    ))
    .all(&db.conn)
    .await?)
}

/// A dossier still with its unit, with its round's deadline.
#[derive(Debug, Clone, FromQueryResult)]
pub struct WithUnit {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub round_id: i64,
    pub round_name: String,
    pub submit_by: NaiveDate,
}

/// Dossiers being prepared or supplemented whose round's deadline is on or before `until`.
pub async fn with_unit_due(db: &impl ConnectionTrait, until: NaiveDate) -> StoreResult<Vec<WithUnit>> {
    Ok(WithUnit::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT d.id, d.unit_id, d.title, r.id AS round_id, r.name AS round_name, r.submit_by \
         FROM dossier d JOIN dossier_round r ON r.id = d.round_id \
         WHERE d.status IN ('draft', 'returned') AND r.submit_by <= ? ORDER BY r.submit_by, d.id",
        vec![until.into()],
    ))
    .all(db)
    .await?)
}

/// A dossier on public posting, with the day it was posted.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Posted {
    pub id: i64,
    pub title: String,
    pub posted_on: NaiveDate,
}

pub async fn posted(db: &impl ConnectionTrait) -> StoreResult<Vec<Posted>> {
    Ok(Posted::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, title, posted_on FROM dossier WHERE status = 'posting' AND posted_on IS NOT NULL ORDER BY id",
        vec![],
    ))
    .all(db)
    .await?)
}
