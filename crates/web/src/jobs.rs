//! The work `tdkt serve` does in the background, through the database's job queue
//! (`tdkt_store::jobs`): every server schedules the day's deadline scan (one job per day, however
//! many servers), and runs whatever job is due. The scan leaves reminders:
//!
//! - for a unit's officers, a dossier still being prepared or supplemented whose round's last day
//!   is within [`REMIND_DAYS_BEFORE`] days, and once the day has passed;
//! - for the office, a round whose last day has passed with dossiers still at the units, and a
//!   dossier whose public posting period is over (the council may take it);
//! - for the lead unit of a plan's key task not reported done, the same two reminders about the
//!   task's last day.

use chrono::{DateTime, Duration, Utc};
use tdkt_domain::text;
use tdkt_store::Actor;
use tdkt_store::jobs::{self as store, Job};

use crate::AppState;
use crate::error::{AppError, AppResult};

/// How many days before a round's last day a unit is reminded of a dossier not yet sent.
pub const REMIND_DAYS_BEFORE: u64 = 7;
/// How long a worker holds a job before another server may take it over.
const LEASE_MINUTES: i64 = 10;
pub const DEADLINE_SCAN: &str = "deadline_scan";

/// Queues today's deadline scan (once per day, in Vietnam's date).
pub async fn schedule_today(state: &AppState, now: DateTime<Utc>) -> AppResult<bool> {
    let today = tdkt_store::db::today();
    Ok(store::enqueue(
        &state.db,
        DEADLINE_SCAN,
        &format!("{DEADLINE_SCAN}:{today}"),
        &serde_json::json!({"day": today}),
        now,
    )
    .await?)
}

/// Runs every due job; returns how many ran to the end.
pub async fn run_due(state: &AppState, worker: &str, now: DateTime<Utc>) -> AppResult<usize> {
    let mut done = 0;
    // Each lease starts when its job is claimed (`now` is later than the clock only in tests).
    while let Some(job) = store::claim(&state.db, worker, now.max(Utc::now()), Duration::minutes(LEASE_MINUTES)).await?
    {
        match run(state, &job, worker).await {
            Ok(()) => done += 1,
            Err(e) => {
                tracing::warn!(job = job.id, kind = %job.kind, error = %e.message(), "a background job failed");
                store::fail(&state.db, &job, worker, &e.message(), Utc::now()).await?;
            }
        }
    }
    Ok(done)
}

async fn run(state: &AppState, job: &Job, worker: &str) -> AppResult<()> {
    match job.kind.as_str() {
        DEADLINE_SCAN => deadline_scan(state, job, worker).await,
        other => Err(AppError::Internal(format!("không biết việc “{other}”"))),
    }
}

async fn deadline_scan(state: &AppState, job: &Job, worker: &str) -> AppResult<()> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload).unwrap_or_default();
    let today = payload["day"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(tdkt_store::db::today);
    let root = crate::pages::province_root(state).await?;
    // The posting periods are computed before the transaction (they read the parameters).
    let mut posting_over = vec![];
    for p in store::posted(&state.db.conn).await? {
        let period = crate::pages::dossiers::posting_from(state, p.posted_on).await?;
        // The last day of posting is still posting: the office may end it the day after.
        if period.end.is_some_and(|end| end < today) {
            posting_over.push(p);
        }
    }
    let mut w = state.db.write(&Actor::system("nhắc việc")).await?;
    let until = today + chrono::Days::new(REMIND_DAYS_BEFORE);
    let (mut due, mut late) = (0, 0);
    let mut rounds: Vec<(i64, String, String, usize)> = vec![];
    for d in store::with_unit_due(&w.tx, until).await? {
        let link = format!("/dossiers/{}", d.id);
        let deadline = text::format_date(d.submit_by);
        if d.submit_by >= today {
            let left = (d.submit_by - today).num_days();
            let msg = format!("Hồ sơ “{}” cần gửi chậm nhất trong ngày {deadline} (còn {left} ngày).", d.title);
            let key = format!("due_soon:{}:{}", d.id, d.submit_by);
            due += usize::from(store::remind(&mut w, d.unit_id, "due_soon", &msg, &link, &key, job.id).await?);
        } else {
            let msg = format!("Hồ sơ “{}” đã quá hạn gửi ({deadline}, {}).", d.title, d.round_name);
            let key = format!("overdue:{}:{}", d.id, d.submit_by);
            late += usize::from(store::remind(&mut w, d.unit_id, "overdue", &msg, &link, &key, job.id).await?);
            match rounds.iter_mut().find(|(id, ..)| *id == d.round_id) {
                Some((_, _, _, n)) => *n += 1,
                None => rounds.push((d.round_id, d.round_name.clone(), deadline, 1)),
            }
        }
    }
    for (round, name, deadline, n) in &rounds {
        let msg = format!("{name} đã hết hạn gửi ({deadline}): {n} hồ sơ còn ở đơn vị.");
        let link = format!("/dossiers?round={round}&overdue=1");
        store::remind(&mut w, root.id, "overdue", &msg, &link, &format!("overdue_round:{round}"), job.id).await?;
    }
    for p in &posting_over {
        let msg = format!("Đã hết thời gian công khai hồ sơ “{}”: có thể kết thúc công khai, trình Hội đồng.", p.title);
        let key = format!("posting_over:{}:{}", p.id, p.posted_on);
        store::remind(&mut w, root.id, "posting_over", &msg, &format!("/dossiers/{}", p.id), &key, job.id).await?;
    }
    // Key tasks of the plans: the lead's officers, before the last day and once it has passed.
    let (mut tasks_due, mut tasks_late) = (0, 0);
    for t in tdkt_store::plans::due_tasks(&w.tx, until).await? {
        let link = format!("/plans/{}/tasks/{}", t.plan_id, t.id);
        let deadline = text::format_date(t.due_to);
        let what = short(&t.content);
        if t.due_to >= today {
            let left = (t.due_to - today).num_days();
            let msg = format!("Nhiệm vụ “{what}” đến hạn ngày {deadline} (còn {left} ngày): hãy báo cáo tiến độ.");
            let key = format!("task_due:{}:{}", t.id, t.due_to);
            tasks_due +=
                usize::from(store::remind(&mut w, t.lead_unit_id, "due_soon", &msg, &link, &key, job.id).await?);
        } else {
            let msg = format!("Nhiệm vụ “{what}” đã quá hạn ({deadline}) mà chưa báo cáo hoàn thành.");
            let key = format!("task_overdue:{}:{}", t.id, t.due_to);
            tasks_late +=
                usize::from(store::remind(&mut w, t.lead_unit_id, "overdue", &msg, &link, &key, job.id).await?);
        }
    }
    let detail = serde_json::json!({"day": today, "due_soon": due, "overdue": late, "posting_over": posting_over.len(),
        "tasks_due_soon": tasks_due, "tasks_overdue": tasks_late});
    store::finish(&mut w, job, worker, detail).await?;
    w.commit().await?;
    Ok(())
}

/// The first words of a long text, for a reminder.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(90).collect();
    if s.chars().count() > 90 {
        out.push('…');
    }
    out
}

/// The background loop of one server: schedule today's scan and run due jobs, every minute.
/// Each server works the shared queue under its own name.
pub async fn worker(state: AppState) {
    let worker_id = format!("{}-{}", std::process::id(), &crate::auth::random_token()[..8]);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = Utc::now();
        if let Err(e) = schedule_today(&state, now).await {
            tracing::warn!(error = %e.message(), "scheduling the deadline scan failed");
        }
        if let Err(e) = run_due(&state, &worker_id, now).await {
            tracing::warn!(error = %e.message(), "running background jobs failed");
        }
    }
}
