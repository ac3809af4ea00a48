//! Plans and key tasks (module 8): the list of plans, importing a plan's text (pasted or as a
//! .txt file) with a preview of every task, the warnings and the plan check before anything is
//! stored, the plan with its tasks by group, its slips and a progress chart, a calendar by
//! month, a task with its reports and evidence, a block's plan derived from the province's, and
//! each unit's own list of the tasks it leads or joins.
//!
//! Everyone signed in reads the plans (they are the province's published documents); a plan is
//! changed by those who may manage its issuing unit's plans (`ManagePlans`), and progress is
//! reported for a unit taking part in the task by those who may report for it (`ReportProgress`).

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use tdkt_domain::authz::Permission;
use tdkt_domain::error::Invalid;
use tdkt_domain::plan::{self as rules, Due, ParsedPlan, Progress, Slip, Warning};
use tdkt_domain::text;
use tdkt_store::StoreError;
use tdkt_store::files;
use tdkt_store::org::{self, Unit};
use tdkt_store::plans::{self as store, LedGroup, Plan, StoredSlip, Task};

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{actor, keep_upload, led_groups, own_units, render, send_file, upload_failed};
use crate::view::Chrome;

/// Longest plan text accepted, in bytes (the Sơn La plan is 19 kB).
const MAX_PLAN_BYTES: usize = 2 * 1024 * 1024;

fn today() -> NaiveDate {
    tdkt_store::db::today()
}

fn can_manage(ctx: &Ctx, plan: &Plan) -> bool {
    ctx.subject.can(Permission::ManagePlans, &plan.unit_path)
}

// ---------------------------------------------------------------------------------------------
// The list

struct PlanRow {
    id: i64,
    label: String,
    title: String,
    year: i32,
    issuer: String,
    tasks: i64,
    done: i64,
    overdue: i64,
    percent: i64,
    is_block: bool,
}

fn plan_row(p: &Plan) -> PlanRow {
    PlanRow {
        id: p.id,
        label: p.label(),
        title: p.title.clone(),
        year: p.year,
        issuer: p.group_name.clone().unwrap_or_else(|| p.unit_name.clone()),
        tasks: p.tasks,
        done: p.done,
        overdue: p.overdue,
        percent: (p.done * 100).checked_div(p.tasks).unwrap_or(0),
        is_block: p.group_id.is_some(),
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct ListPage {
    chrome: Chrome,
    plans: Vec<PlanRow>,
    /// Each year with plans, and whether it is the one shown.
    years: Vec<(i32, bool)>,
    can_import: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    year: Option<String>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok());
    let all = store::list(&state.db, None, today()).await?;
    let mut years: Vec<i32> = all.iter().map(|p| p.year).collect();
    years.dedup();
    let years = years.into_iter().map(|y| (y, Some(y) == year)).collect();
    let plans = all.iter().filter(|p| year.is_none_or(|y| p.year == y)).map(plan_row).collect();
    Ok(render(&ListPage {
        chrome: Chrome::new(&state, &ctx, "/plans", "Kế hoạch, nhiệm vụ trọng tâm"),
        plans,
        years,
        can_import: ctx.subject.can_anywhere(Permission::ManagePlans),
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Importing

struct PreviewTask {
    label: String,
    group: String,
    content: String,
    due: String,
    due_label: String,
    lead: String,
    cooperating: String,
}

struct Preview {
    title: String,
    number: String,
    year: String,
    issuer: String,
    based_on: String,
    sections: usize,
    tasks: Vec<PreviewTask>,
    warnings: Vec<Warning>,
    slips: Vec<Slip>,
}

#[derive(Template)]
#[template(path = "plan_import.html")]
struct ImportPage {
    chrome: Chrome,
    text: String,
    /// Choices as (id, name, selected).
    units: Vec<(i64, String, bool)>,
    groups: Vec<(i64, String, bool)>,
    parents: Vec<(i64, String, bool)>,
    year: String,
    source_name: String,
    preview: Option<Preview>,
    errors: Vec<String>,
}

/// The units whose plans the user may import: every unit they manage plans of, as a short
/// list (the units of their grants and their own unit).
async fn import_units(state: &AppState, ctx: &Ctx) -> AppResult<Vec<Unit>> {
    let mut out = Vec::new();
    for id in own_units(ctx) {
        let u = org::get_unit(&state.db.conn, id).await?;
        if ctx.subject.can(Permission::ManagePlans, &u.path) {
            out.push(u);
        }
    }
    Ok(out)
}

async fn import_page(
    state: &AppState,
    ctx: &Ctx,
    form: ImportForm,
    preview: Option<Preview>,
    errors: Vec<String>,
) -> AppResult<Response> {
    let units = import_units(state, ctx).await?;
    if units.is_empty() {
        return Err(AppError::Forbidden);
    }
    let groups = led_groups(state, ctx, Permission::ManagePlans)
        .await?
        .into_iter()
        .map(|g| (g.id, format!("{} ({})", g.name, g.year), Some(g.id) == form.group))
        .collect();
    let parents = store::list(&state.db, None, today())
        .await?
        .into_iter()
        .filter(|p| p.group_id.is_none())
        .map(|p| (p.id, format!("{} — {} ({})", p.label(), p.title, p.year), Some(p.id) == form.parent))
        .collect();
    let unit_id = form.unit.unwrap_or(units[0].id);
    Ok(render(&ImportPage {
        chrome: Chrome::new(state, ctx, "/plans", "Nhập kế hoạch"),
        text: form.text,
        units: units.into_iter().map(|u| (u.id, u.name, u.id == unit_id)).collect(),
        groups,
        parents,
        year: form.year,
        source_name: form.source_name,
        preview,
        errors,
    })?
    .into_response())
}

pub async fn import_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManagePlans)?;
    import_page(&state, &ctx, ImportForm::default(), None, Vec::new()).await
}

#[derive(Default)]
struct ImportForm {
    text: String,
    source_name: String,
    unit: Option<i64>,
    group: Option<i64>,
    parent: Option<i64>,
    year: String,
    save: bool,
}

/// Reads the import form: the pasted text, or a .txt file (UTF-8, or UTF-16 as Windows saves
/// it), which replaces the text.
async fn read_import(mut mp: Multipart) -> AppResult<(ImportForm, Vec<String>)> {
    let mut f = ImportForm::default();
    let mut errors = Vec::new();
    let id = |s: String| s.trim().parse::<i64>().ok();
    while let Some(field) = mp.next_field().await.map_err(upload_failed)? {
        match field.name().unwrap_or("") {
            "text" => f.text = field.text().await.map_err(upload_failed)?,
            "source_name" => f.source_name = field.text().await.map_err(upload_failed)?,
            "unit" => f.unit = id(field.text().await.map_err(upload_failed)?),
            "group" => f.group = id(field.text().await.map_err(upload_failed)?),
            "parent" => f.parent = id(field.text().await.map_err(upload_failed)?),
            "year" => f.year = field.text().await.map_err(upload_failed)?.trim().to_owned(),
            "action" => f.save = field.text().await.map_err(upload_failed)? == "save",
            "file" => {
                let name = text::clean(field.file_name().unwrap_or(""));
                let bytes = field.bytes().await.map_err(upload_failed)?;
                if bytes.is_empty() {
                    continue;
                }
                if bytes.len() > MAX_PLAN_BYTES {
                    errors.push(format!("Tệp “{name}” quá lớn (tối đa 2 MB văn bản)"));
                    continue;
                }
                match decode_text(&bytes) {
                    Some(t) => {
                        f.text = t;
                        f.source_name = name;
                    }
                    None => errors.push(format!(
                        "Tệp “{name}” không phải văn bản thuần (.txt). Với tệp Word hoặc PDF, hãy mở tệp, chọn toàn bộ, sao chép và dán vào ô nội dung"
                    )),
                }
            }
            _ => {}
        }
    }
    if f.text.len() > MAX_PLAN_BYTES {
        errors.push("Nội dung quá dài (tối đa 2 MB)".into());
        f.text.clear();
    }
    Ok((f, errors))
}

/// Text of a .txt file: UTF-8 (with or without a byte order mark) or UTF-16 with its mark.
fn decode_text(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).ok();
    }
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => {
            let s = String::from_utf8(bytes.to_vec()).ok()?;
            // A binary file (Word, PDF) that happens to be valid UTF-8 still holds control bytes.
            let controls = s.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).count();
            (controls * 100 <= s.len().max(1)).then_some(s)
        }
    }
}

fn preview_of(parsed: &ParsedPlan, year: i32, slips: Vec<Slip>) -> Preview {
    let labels = store::labels(parsed.tasks.iter().map(|t| (t.group.as_str(), t.number.as_str())));
    Preview {
        title: parsed.title.clone(),
        number: parsed.number.clone().unwrap_or_default(),
        year: parsed.year.map(|y| y.to_string()).unwrap_or_default(),
        issuer: parsed.issuer.clone().unwrap_or_default(),
        based_on: parsed.based_on.clone().unwrap_or_default(),
        sections: parsed.sections.len(),
        tasks: parsed
            .tasks
            .iter()
            .zip(labels)
            .map(|(t, label)| PreviewTask {
                label,
                group: t.group.clone(),
                content: t.content.clone(),
                due: t.due.clone(),
                due_label: Due::parse(&t.due, Some(year)).label(),
                lead: t.lead.clone().unwrap_or_default(),
                cooperating: t.cooperating.join("; "),
            })
            .collect(),
        warnings: parsed.warnings.clone(),
        slips,
    }
}

/// Previews the plan (every task, the warnings and the plan check), or stores it when the
/// officer confirms.
pub async fn import(State(state): State<AppState>, ctx: Ctx, mp: Multipart) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManagePlans)?;
    let (form, mut errors) = read_import(mp).await?;
    let units = import_units(&state, &ctx).await?;
    // A unit the user does not manage the plans of is refused, never replaced by another.
    let unit = match form.unit {
        Some(id) => units.iter().find(|u| u.id == id),
        None => units.first(),
    };
    let Some(unit) = unit.cloned() else {
        return Err(AppError::Forbidden);
    };
    // A block's plan belongs to the block's head unit; the user must lead or deputise the block.
    let (owner, group) = match form.group {
        Some(g) => {
            let led = led_groups(&state, &ctx, Permission::ManagePlans).await?;
            let Some(lg) = led.into_iter().find(|l| l.id == g) else {
                return Err(AppError::Forbidden);
            };
            (lg.unit_id, Some(g))
        }
        None => (unit.id, None),
    };
    if form.text.trim().is_empty() && errors.is_empty() {
        errors.push("Hãy dán nội dung kế hoạch hoặc chọn tệp văn bản".into());
    }
    let year_override = if form.year.is_empty() {
        None
    } else {
        match form.year.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                errors.push(format!("Năm “{}” không hợp lệ: ghi bốn chữ số, ví dụ 2026", form.year));
                None
            }
        }
    };
    if !errors.is_empty() {
        return import_page(&state, &ctx, form, None, errors).await;
    }
    let parsed = rules::parse(&form.text);
    let year = year_override.or(parsed.year);
    if form.save {
        let mut w = state.db.write(&actor(&ctx)).await?;
        let new = store::NewPlan {
            parsed: &parsed,
            unit_id: owner,
            group_id: group,
            parent_id: form.parent,
            year: year_override,
            source_name: if form.source_name.is_empty() { "nội dung dán vào" } else { &form.source_name },
        };
        match store::create(&mut w, &new).await {
            Ok(id) => {
                w.commit().await?;
                return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
            }
            Err(StoreError::Invalid(i)) => {
                w.rollback().await?;
                errors.extend(i.0.into_iter().map(|e| e.message));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let slips = match year {
        Some(y) => store::check_parsed(&state.db, &parsed, y).await?,
        None => Vec::new(),
    };
    let preview = preview_of(&parsed, year.unwrap_or(0), slips);
    import_page(&state, &ctx, form, Some(preview), errors).await
}

// ---------------------------------------------------------------------------------------------
// A plan

struct PartyView {
    name: String,
    /// What it matched: a unit's name, "mọi đơn vị", ... or empty when it matched nothing.
    matched: String,
}

struct TaskView {
    id: i64,
    label: String,
    content: String,
    due_text: String,
    due_label: String,
    lead: String,
    lead_unknown: bool,
    parties: Vec<PartyView>,
    percent: i32,
    status: Progress,
}

struct GroupView {
    label: String,
    tasks: Vec<TaskView>,
}

/// One bar of the progress chart: the share of tasks in each state.
struct Bar {
    label: String,
    total: usize,
    segments: Vec<Segment>,
}

struct Segment {
    /// Share of the bar, in percent.
    width: f64,
    class: &'static str,
    count: usize,
    label: &'static str,
}

const STATES: [Progress; 5] =
    [Progress::Done, Progress::InProgress, Progress::Ongoing, Progress::NotStarted, Progress::Overdue];

fn bar(label: String, statuses: &[Progress]) -> Bar {
    let total = statuses.len();
    let mut segments = Vec::new();
    for s in STATES {
        let count = statuses.iter().filter(|p| **p == s).count();
        if count == 0 {
            continue;
        }
        let width = count as f64 * 100.0 / total.max(1) as f64;
        segments.push(Segment { width, class: s.code(), count, label: s.label() });
    }
    Bar { label, total, segments }
}

fn party_view(p: &store::PartyRow) -> PartyView {
    let matched = match p.kind.as_str() {
        "unit" => p.unit_name.clone().unwrap_or_default(),
        "all_units" => "mọi cơ quan, đơn vị, địa phương".into(),
        "group_members" => "các đơn vị thành viên cụm, khối".into(),
        "council" => "thành viên Hội đồng TĐKT".into(),
        _ => String::new(),
    };
    PartyView { name: p.name.clone(), matched }
}

fn task_view(t: &Task, label: String, parties: &[store::PartyRow], today: NaiveDate) -> TaskView {
    let due = t.due();
    TaskView {
        id: t.id,
        label,
        content: t.content.clone(),
        due_text: t.due_text.clone(),
        due_label: due.label(),
        lead: t.lead_name.clone().unwrap_or_else(|| t.lead_text.clone()),
        lead_unknown: t.lead_unit_id.is_none(),
        parties: parties.iter().filter(|p| p.task_id == t.id).map(party_view).collect(),
        percent: t.percent,
        status: Progress::of(t.percent.into(), due, today),
    }
}

struct SlipView {
    task_id: i64,
    kind: &'static str,
    message: String,
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: PlanRow,
    p: Plan,
    parent: Option<PlanRow>,
    children: Vec<PlanRow>,
    sections: Vec<store::Section>,
    groups: Vec<GroupView>,
    chart: Vec<Bar>,
    overall: Bar,
    slips: Vec<SlipView>,
    open_slips: usize,
    warnings: Vec<Warning>,
    can_manage: bool,
    derive_groups: Vec<LedGroup>,
    error: Option<String>,
}

async fn plan_page(state: &AppState, ctx: &Ctx, id: i64, error: Option<String>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let today = today();
    let p = store::get(&state.db.conn, id, today).await?;
    let tasks = store::tasks(&state.db, id).await?;
    let parties = store::parties(&state.db, id).await?;
    let labels = store::labels(tasks.iter().map(|t| (t.group_label.as_str(), t.number.as_str())));
    let mut groups: Vec<GroupView> = Vec::new();
    for (t, label) in tasks.iter().zip(labels) {
        let view = task_view(t, label, &parties, today);
        match groups.last_mut() {
            Some(g) if g.label == t.group_label => g.tasks.push(view),
            _ => groups.push(GroupView { label: t.group_label.clone(), tasks: vec![view] }),
        }
    }
    let chart =
        groups.iter().map(|g| bar(g.label.clone(), &g.tasks.iter().map(|t| t.status).collect::<Vec<_>>())).collect();
    let overall =
        bar("Cả kế hoạch".into(), &groups.iter().flat_map(|g| g.tasks.iter().map(|t| t.status)).collect::<Vec<_>>());
    let slips: Vec<SlipView> = store::check(&state.db, &p)
        .await?
        .into_iter()
        .map(|s: StoredSlip| SlipView {
            task_id: s.task_id,
            kind: s.slip.kind,
            message: s.slip.message,
            confirmed: s.confirmed,
        })
        .collect();
    let parent = match p.parent_id {
        Some(pid) => Some(plan_row(&store::get(&state.db.conn, pid, today).await?)),
        None => None,
    };
    let child_plans = store::children(&state.db, id, today).await?;
    let derive_groups = if p.group_id.is_none() {
        let made: Vec<Option<i64>> = child_plans.iter().map(|c| c.group_id).collect();
        led_groups(state, ctx, Permission::ManagePlans)
            .await?
            .into_iter()
            .filter(|g| g.year == p.year && !made.contains(&Some(g.id)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&PlanPage {
        chrome: Chrome::new(state, ctx, "/plans", p.title.clone()),
        plan: plan_row(&p),
        can_manage: can_manage(ctx, &p),
        warnings: p.import_warnings(),
        sections: store::sections(&state.db, id).await?,
        open_slips: slips.iter().filter(|s| !s.confirmed).count(),
        p,
        parent,
        children: child_plans.iter().map(plan_row).collect(),
        groups,
        chart,
        overall,
        slips,
        derive_groups,
        error,
    })?
    .into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    plan_page(&state, &ctx, id, None).await
}

async fn managed(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<Plan> {
    let p = store::get(&state.db.conn, id, today()).await?;
    if !can_manage(ctx, &p) {
        return Err(AppError::Forbidden);
    }
    Ok(p)
}

pub async fn delete(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    managed(&state, &ctx, id).await?;
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::delete(&mut w, id).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to("/plans").into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            plan_page(&state, &ctx, id, Some(i.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DeriveForm {
    group: i64,
}

/// A block's plan from the province's: the block head (or deputy) of a block of the plan's
/// year makes it; the block's head unit leads it.
pub async fn derive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DeriveForm>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ManagePlans)?;
    let p = store::get(&state.db.conn, id, today()).await?;
    let Some(g) = led_groups(&state, &ctx, Permission::ManagePlans).await?.into_iter().find(|g| g.id == f.group) else {
        return Err(AppError::Forbidden);
    };
    if g.year != p.year {
        return plan_page(
            &state,
            &ctx,
            id,
            Some(format!("{} là khối của năm {}, kế hoạch là năm {}", g.name, g.year, p.year)),
        )
        .await;
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::derive(&mut w, id, g.id, g.unit_id).await {
        Ok(new_id) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/plans/{new_id}")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            plan_page(&state, &ctx, id, Some(i.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ")))
                .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// The calendar

struct MonthView {
    name: String,
    tasks: Vec<TaskView>,
}

#[derive(Template)]
#[template(path = "plan_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    plan: PlanRow,
    months: Vec<MonthView>,
    regular: Vec<TaskView>,
    other: Vec<TaskView>,
}

pub async fn calendar(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let today = today();
    let p = store::get(&state.db.conn, id, today).await?;
    let tasks = store::tasks(&state.db, id).await?;
    let parties = store::parties(&state.db, id).await?;
    let labels = store::labels(tasks.iter().map(|t| (t.group_label.as_str(), t.number.as_str())));
    let mut months: Vec<MonthView> =
        (1..=12).map(|m| MonthView { name: format!("Tháng {m}/{}", p.year), tasks: Vec::new() }).collect();
    let (mut regular, mut other) = (Vec::new(), Vec::new());
    for (t, label) in tasks.iter().zip(labels) {
        let due = t.due();
        let in_months = due.months_in(p.year);
        if due == Due::Regular {
            regular.push(task_view(t, label, &parties, today));
        } else if in_months.is_empty() {
            other.push(task_view(t, label, &parties, today));
        } else {
            for m in in_months {
                months[m as usize - 1].tasks.push(task_view(t, label.clone(), &parties, today));
            }
        }
    }
    Ok(render(&CalendarPage {
        chrome: Chrome::new(&state, &ctx, "/plans", format!("Lịch thực hiện — {}", p.title)),
        plan: plan_row(&p),
        months,
        regular,
        other,
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// A task

struct ReportView {
    id: i64,
    unit_name: String,
    percent: i32,
    note: String,
    file_name: String,
    size_kb: i64,
    by: String,
    at: String,
    is_lead: bool,
}

#[derive(Template)]
#[template(path = "plan_task.html")]
struct TaskPage {
    chrome: Chrome,
    plan: PlanRow,
    task: TaskView,
    lead_text: String,
    cooperating_text: String,
    source: Option<(i64, String)>,
    slips: Vec<SlipView>,
    reports: Vec<ReportView>,
    report_units: Vec<(i64, String)>,
    can_manage: bool,
    accept: String,
    errors: Vec<String>,
}

/// The units the user may report for on this task: the task's lead when it is within their
/// reach, and their units that take part.
async fn report_units(state: &AppState, ctx: &Ctx, t: &Task) -> AppResult<Vec<Unit>> {
    // The lead first (its report is the task's progress), then the user's own unit.
    let mut ids: Vec<i64> = t.lead_unit_id.into_iter().collect();
    ids.push(ctx.user.unit_id);
    ids.extend(own_units(ctx));
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let mut out = Vec::new();
    for id in ids {
        let u = org::get_unit(&state.db.conn, id).await?;
        if ctx.subject.can(Permission::ReportProgress, &u.path) && store::takes_part(&state.db, t.id, u.id).await? {
            out.push(u);
        }
    }
    Ok(out)
}

async fn task_page(
    state: &AppState,
    ctx: &Ctx,
    plan_id: i64,
    task_id: i64,
    errors: Vec<String>,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ViewOrg)?;
    let today = today();
    let p = store::get(&state.db.conn, plan_id, today).await?;
    let t = store::task(&state.db.conn, task_id).await?;
    if t.plan_id != plan_id {
        return Err(AppError::NotFound("Không tìm thấy nhiệm vụ".into()));
    }
    let all = store::tasks(&state.db, plan_id).await?;
    let labels = store::labels(all.iter().map(|t| (t.group_label.as_str(), t.number.as_str())));
    let label = all.iter().zip(&labels).find(|(x, _)| x.id == t.id).map(|(_, l)| l.clone()).unwrap_or_default();
    let parties = store::task_parties(&state.db.conn, task_id).await?;
    let slips = store::check(&state.db, &p)
        .await?
        .into_iter()
        .filter(|s| s.task_id == task_id)
        .map(|s| SlipView { task_id, kind: s.slip.kind, message: s.slip.message, confirmed: s.confirmed })
        .collect();
    let source = match t.source_task_id {
        Some(s) => {
            let st = store::task(&state.db.conn, s).await?;
            Some((st.plan_id, format!("/plans/{}/tasks/{}", st.plan_id, st.id)))
        }
        None => None,
    };
    let manage = can_manage(ctx, &p);
    let reports = store::reports(&state.db, task_id)
        .await?
        .into_iter()
        .filter(|r| manage || ctx.subject.can(Permission::ViewOrg, &r.unit_path))
        .map(|r| ReportView {
            id: r.id,
            is_lead: Some(r.unit_id) == t.lead_unit_id,
            unit_name: r.unit_name,
            percent: r.percent,
            note: r.note,
            file_name: r.file_name,
            size_kb: (r.size + 1023) / 1024,
            by: r.created_by_name.unwrap_or_default(),
            at: crate::pages::dossiers::at_text(&r.created_at),
        })
        .collect();
    let report_units = report_units(state, ctx, &t).await?.into_iter().map(|u| (u.id, u.name)).collect();
    Ok(render(&TaskPage {
        chrome: Chrome::new(state, ctx, "/plans", format!("Nhiệm vụ {label}")),
        plan: plan_row(&p),
        lead_text: t.lead_text.clone(),
        cooperating_text: parties.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join("; "),
        task: task_view(&t, label, &parties, today),
        source,
        slips,
        reports,
        report_units,
        can_manage: manage,
        accept: files::accept_attribute(),
        errors,
    })?
    .into_response())
}

pub async fn show_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((plan_id, task_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    task_page(&state, &ctx, plan_id, task_id, Vec::new()).await
}

#[derive(Deserialize)]
pub struct TaskForm {
    content: String,
    due_text: String,
    lead_text: String,
    cooperating: String,
}

/// Corrects a task (its time, lead, cooperating units, content); the names are matched again.
pub async fn update_task(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((plan_id, task_id)): Path<(i64, i64)>,
    Form(f): Form<TaskForm>,
) -> AppResult<Response> {
    managed(&state, &ctx, plan_id).await?;
    let t = store::task(&state.db.conn, task_id).await?;
    if t.plan_id != plan_id {
        return Err(AppError::NotFound("Không tìm thấy nhiệm vụ".into()));
    }
    let fields = store::TaskFields {
        group_label: t.group_label.clone(),
        number: t.number.clone(),
        content: f.content,
        due_text: f.due_text,
        lead_text: f.lead_text,
        cooperating: vec![f.cooperating],
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    match store::update_task(&mut w, task_id, &fields).await {
        Ok(()) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/plans/{plan_id}/tasks/{task_id}")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            task_page(&state, &ctx, plan_id, task_id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    kind: String,
}

/// Keeps a task as written after looking at one of its slips.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((plan_id, task_id)): Path<(i64, i64)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    managed(&state, &ctx, plan_id).await?;
    let t = store::task(&state.db.conn, task_id).await?;
    const KINDS: [&str; 6] =
        ["due_outside_year", "no_time", "unclear_time", "unknown_lead", "unknown_party", "duplicate"];
    if t.plan_id != plan_id || !KINDS.contains(&f.kind.as_str()) {
        return Err(AppError::Invalid(Invalid::one("kind", "không có sai sót này")));
    }
    if t.is_confirmed(&f.kind) {
        return Ok(Redirect::to(&format!("/plans/{plan_id}#check")).into_response());
    }
    let mut w = state.db.write(&actor(&ctx)).await?;
    store::confirm_slip(&mut w, task_id, &f.kind).await?;
    w.commit().await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}#check")).into_response())
}

/// Records a unit's progress on a task, with a note and an optional piece of evidence.
pub async fn add_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((plan_id, task_id)): Path<(i64, i64)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ReportProgress)?;
    let t = store::task(&state.db.conn, task_id).await?;
    if t.plan_id != plan_id {
        return Err(AppError::NotFound("Không tìm thấy nhiệm vụ".into()));
    }
    let (mut unit, mut percent, mut note, mut file) = (None, String::new(), String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(upload_failed)? {
        match field.name().unwrap_or("") {
            "unit" => unit = field.text().await.map_err(upload_failed)?.trim().parse::<i64>().ok(),
            "percent" => percent = field.text().await.map_err(upload_failed)?,
            "note" => note = field.text().await.map_err(upload_failed)?,
            "file" => {
                let name = text::clean(field.file_name().unwrap_or(""));
                let bytes = field.bytes().await.map_err(upload_failed)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let allowed = report_units(&state, &ctx, &t).await?;
    let Some(unit) = allowed.iter().find(|u| Some(u.id) == unit) else {
        return Err(AppError::Forbidden);
    };
    let mut errors = Vec::new();
    let percent = match percent.trim().trim_end_matches('%').trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => p,
        _ => {
            errors.push("Tiến độ: ghi số phần trăm từ 0 đến 100".to_owned());
            0
        }
    };
    let stored = match &file {
        Some((name, bytes)) => match files::check("file", name, bytes, state.config.max_upload_bytes) {
            Ok(kind) => Some((name.clone(), kind.media_type.to_owned(), bytes)),
            Err(i) => {
                errors.extend(i.0.into_iter().map(|e| format!("Tệp minh chứng: {}", e.message)));
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return task_page(&state, &ctx, plan_id, task_id, errors).await;
    }
    let file = match stored {
        Some((name, media, bytes)) => Some(keep_upload(&state, &name, &media, bytes).await?),
        None => None,
    };
    let mut w = state.db.write(&actor(&ctx)).await?;
    let r = store::NewReport { unit_id: unit.id, percent, note, file, on: today() };
    match store::add_report(&mut w, task_id, &r).await {
        Ok(_) => {
            w.commit().await?;
            Ok(Redirect::to(&format!("/plans/{plan_id}/tasks/{task_id}#reports")).into_response())
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            task_page(&state, &ctx, plan_id, task_id, i.0.into_iter().map(|e| e.message).collect()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The evidence of a report: for the plan's managers and those who may read the reporting unit.
pub async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((plan_id, report_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let p = store::get(&state.db.conn, plan_id, today()).await?;
    let r = store::report(&state.db, report_id).await?;
    if !(can_manage(&ctx, &p) || ctx.subject.can(Permission::ViewOrg, &r.unit_path)) {
        return Err(AppError::Forbidden);
    }
    let t = store::task(&state.db.conn, r.task_id).await?;
    if t.plan_id != plan_id || r.sha256.is_empty() {
        return Err(AppError::NotFound("Không tìm thấy tệp minh chứng".into()));
    }
    send_file(&state, &r.sha256, &r.media_type, &r.file_name).await
}

// ---------------------------------------------------------------------------------------------
// A unit's tasks

struct UnitTaskView {
    id: i64,
    plan_id: i64,
    plan: String,
    group: String,
    number: String,
    content: String,
    due_label: String,
    lead: String,
    leads: bool,
    percent: i32,
    status: Progress,
}

#[derive(Template)]
#[template(path = "unit_tasks.html")]
struct UnitTasksPage {
    chrome: Chrome,
    year: i32,
    units: String,
    tasks: Vec<UnitTaskView>,
    overdue: usize,
    due_soon: usize,
}

#[derive(Deserialize)]
pub struct TasksQuery {
    year: Option<i32>,
}

/// The tasks the user's units lead or join this year, the nearest last day first.
pub async fn unit_tasks(State(state): State<AppState>, ctx: Ctx, Query(q): Query<TasksQuery>) -> AppResult<Response> {
    ctx.require_anywhere(Permission::ReportProgress)?;
    let today = today();
    let year = q.year.unwrap_or(today.year());
    let mut ids = Vec::new();
    let mut names = Vec::new();
    for id in own_units(&ctx) {
        let u = org::get_unit(&state.db.conn, id).await?;
        if ctx.subject.can(Permission::ReportProgress, &u.path) {
            ids.push(u.id);
            names.push(u.name);
        }
    }
    let found = store::unit_tasks(&state.db, &ids, year).await?;
    let soon = today + chrono::Days::new(crate::jobs::REMIND_DAYS_BEFORE);
    let due_soon =
        found.iter().filter(|t| t.percent < 100 && t.due_to.is_some_and(|d| d >= today && d <= soon)).count();
    let tasks: Vec<UnitTaskView> = found
        .into_iter()
        .map(|t| {
            let due = t.due();
            UnitTaskView {
                id: t.id,
                plan_id: t.plan_id,
                plan: if t.plan_number.is_empty() {
                    t.plan_title.clone()
                } else {
                    format!("{} ({})", t.plan_title, t.plan_number)
                },
                group: t.group_label.clone(),
                number: t.number.clone(),
                content: t.content.clone(),
                due_label: due.label(),
                lead: t.lead_name.clone().unwrap_or_default(),
                leads: t.leads,
                percent: t.percent,
                status: Progress::of(t.percent.into(), due, today),
            }
        })
        .collect();
    let overdue = tasks.iter().filter(|t| t.status == Progress::Overdue).count();
    Ok(render(&UnitTasksPage {
        chrome: Chrome::new(&state, &ctx, "/tasks", "Nhiệm vụ của đơn vị"),
        year,
        units: names.join(", "),
        tasks,
        overdue,
        due_soon,
    })?
    .into_response())
}
