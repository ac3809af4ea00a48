//! Plans and key tasks (module 8): a plan read by `tdkt_domain::plan::parse` is stored with its
//! sections and tasks, the units each task names matched to the registry (unmatched names kept
//! and flagged by the plan check), and the progress units report with their evidence.
//!
//! A task's lead reports the task's progress; cooperating units report their part, shown
//! beside it. A block's plan may carry out the province's (`parent_id`), task by task
//! (`source_task_id`).

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;
use tdkt_domain::plan::{Due, ParsedPlan, Parties, Party, Slip, TaskFacts, Warning, split_parties};
use tdkt_domain::text;

use crate::audit::WriteTx;
use crate::db::{Db, now_text, stmt};
use crate::error::{StoreError, StoreResult};
use crate::files::StoredFile;
use crate::org::IdRow;

/// A plan as listed, with how far its tasks are.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub parent_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub year: i32,
    pub issuer: String,
    pub based_on: String,
    pub source_name: String,
    pub warnings: String,
    pub created_at: String,
    pub tasks: i64,
    pub done: i64,
    pub overdue: i64,
}

impl Plan {
    /// "Kế hoạch số 28/KH-UBND" or "Kế hoạch (chưa có số)".
    pub fn label(&self) -> String {
        if self.number.is_empty() {
            "Kế hoạch (chưa có số)".into()
        } else {
            format!("Kế hoạch số {}", self.number)
        }
    }

    pub fn import_warnings(&self) -> Vec<Warning> {
        #[derive(serde::Deserialize)]
        struct W {
            line: usize,
            message: String,
        }
        serde_json::from_str::<Vec<W>>(&self.warnings)
            .unwrap_or_default()
            .into_iter()
            .map(|w| Warning { line: w.line, message: w.message })
            .collect()
    }
}

/// The plans' select; its one parameter is today (for the overdue count).
fn plan_select() -> String {
    let overdue = "COALESCE(SUM(CASE WHEN t.percent < 100 AND t.due_to < ? THEN 1 ELSE 0 END), 0)";
    format!(
        "SELECT p.id, p.unit_id, u.name AS unit_name, u.path AS unit_path, p.group_id, g.name AS group_name, \
         p.parent_id, p.number, p.title, p.year, p.issuer, p.based_on, p.source_name, p.warnings, p.created_at, \
         COUNT(t.id) AS tasks, COALESCE(SUM(CASE WHEN t.percent >= 100 THEN 1 ELSE 0 END), 0) AS done, \
         {overdue} AS overdue \
         FROM plan p JOIN unit u ON u.id = p.unit_id LEFT JOIN emulation_group g ON g.id = p.group_id \
         LEFT JOIN plan_task t ON t.plan_id = p.id"
    )
}

const PLAN_GROUP_BY: &str = " GROUP BY p.id, p.unit_id, u.name, u.path, p.group_id, g.name, p.parent_id, p.number, \
     p.title, p.year, p.issuer, p.based_on, p.source_name, p.warnings, p.created_at";

/// Every plan, of one year or all, the newest year first.
pub async fn list(db: &Db, year: Option<i32>, today: NaiveDate) -> StoreResult<Vec<Plan>> {
    let mut values: Vec<Value> = vec![today.into()];
    let mut sql = plan_select();
    if let Some(y) = year {
        sql.push_str(" WHERE p.year = ?");
        values.push(y.into());
    }
    sql.push_str(PLAN_GROUP_BY);
    sql.push_str(" ORDER BY p.year DESC, p.group_id IS NOT NULL, p.id");
    Ok(Plan::find_by_statement(stmt(db.backend(), &sql, values)).all(&db.conn).await?)
}

pub async fn get(db: &impl ConnectionTrait, id: i64, today: NaiveDate) -> StoreResult<Plan> {
    let sql = format!("{} WHERE p.id = ?{PLAN_GROUP_BY}", plan_select());
    Plan::find_by_statement(stmt(db.get_database_backend(), &sql, vec![today.into(), id.into()]))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("kế hoạch"))
}

/// The plans that carry out this one (blocks' plans derived from the province's).
pub async fn children(db: &Db, id: i64, today: NaiveDate) -> StoreResult<Vec<Plan>> {
    let sql = format!("{} WHERE p.parent_id = ?{PLAN_GROUP_BY} ORDER BY p.id", plan_select());
    Ok(Plan::find_by_statement(stmt(db.backend(), &sql, vec![today.into(), id.into()])).all(&db.conn).await?)
}

/// One of the plan's numbered parts.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Section {
    pub position: i32,
    pub heading: String,
    pub body: String,
}

pub async fn sections(db: &Db, plan_id: i64) -> StoreResult<Vec<Section>> {
    Ok(Section::find_by_statement(stmt(
        db.backend(),
        "SELECT position, heading, body FROM plan_section WHERE plan_id = ? ORDER BY position",
        vec![plan_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

/// A key task, with its lead.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub plan_year: i32,
    pub plan_unit_id: i64,
    pub position: i32,
    pub group_label: String,
    pub number: String,
    pub content: String,
    pub due_text: String,
    pub due_kind: String,
    pub due_to: Option<NaiveDate>,
    pub lead_text: String,
    pub lead_unit_id: Option<i64>,
    pub lead_name: Option<String>,
    pub lead_path: Option<String>,
    pub source_task_id: Option<i64>,
    pub percent: i32,
    pub done_on: Option<NaiveDate>,
    pub updated_at: Option<String>,
    pub confirmed: String,
}

impl Task {
    /// The time as tdkt reads it.
    pub fn due(&self) -> Due {
        Due::parse(&self.due_text, Some(self.plan_year))
    }

    pub fn is_confirmed(&self, kind: &str) -> bool {
        self.confirmed.split(',').any(|k| k == kind)
    }
}

/// Roman numbers for group labels.
pub fn roman(n: usize) -> String {
    const R: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    R.get(n.wrapping_sub(1)).map_or_else(|| n.to_string(), |s| (*s).to_owned())
}

const TASK_SELECT: &str = "SELECT t.id, t.plan_id, p.year AS plan_year, p.unit_id AS plan_unit_id, t.position, \
     t.group_label, t.number, t.content, t.due_text, t.due_kind, t.due_to, t.lead_text, t.lead_unit_id, \
     lu.name AS lead_name, lu.path AS lead_path, t.source_task_id, t.percent, t.done_on, t.updated_at, t.confirmed \
     FROM plan_task t JOIN plan p ON p.id = t.plan_id LEFT JOIN unit lu ON lu.id = t.lead_unit_id";

pub async fn tasks(db: &Db, plan_id: i64) -> StoreResult<Vec<Task>> {
    Ok(Task::find_by_statement(stmt(
        db.backend(),
        &format!("{TASK_SELECT} WHERE t.plan_id = ? ORDER BY t.position"),
        vec![plan_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn task(db: &impl ConnectionTrait, id: i64) -> StoreResult<Task> {
    Task::find_by_statement(stmt(db.get_database_backend(), &format!("{TASK_SELECT} WHERE t.id = ?"), vec![id.into()]))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("nhiệm vụ"))
}

/// A name a task gives for its cooperating units, as matched.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct PartyRow {
    pub task_id: i64,
    pub position: i32,
    pub name: String,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
}

pub async fn parties(db: &Db, plan_id: i64) -> StoreResult<Vec<PartyRow>> {
    Ok(PartyRow::find_by_statement(stmt(
        db.backend(),
        "SELECT x.task_id, x.position, x.name, x.kind, x.unit_id, u.name AS unit_name FROM plan_task_party x \
         JOIN plan_task t ON t.id = x.task_id LEFT JOIN unit u ON u.id = x.unit_id \
         WHERE t.plan_id = ? ORDER BY x.task_id, x.position",
        vec![plan_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn task_parties(db: &impl ConnectionTrait, task_id: i64) -> StoreResult<Vec<PartyRow>> {
    Ok(PartyRow::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT x.task_id, x.position, x.name, x.kind, x.unit_id, u.name AS unit_name FROM plan_task_party x \
         LEFT JOIN unit u ON u.id = x.unit_id WHERE x.task_id = ? ORDER BY x.position",
        vec![task_id.into()],
    ))
    .all(db)
    .await?)
}

#[derive(FromQueryResult)]
struct UnitName {
    id: i64,
    name: String,
}

/// The units tasks may name: those active on the day.
async fn registry_parties(db: &impl ConnectionTrait, on: NaiveDate) -> StoreResult<Parties> {
    let units = UnitName::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT id, name FROM unit WHERE (active_to IS NULL OR active_to >= ?) ORDER BY id",
        vec![on.into()],
    ))
    .all(db)
    .await?;
    Ok(Parties::new(units.iter().map(|u| (u.id, u.name.as_str()))))
}

/// What is needed to store a plan that was read from a text.
pub struct NewPlan<'a> {
    pub parsed: &'a ParsedPlan,
    /// The issuing unit (for a block's plan, its head unit).
    pub unit_id: i64,
    pub group_id: Option<i64>,
    /// The plan it carries out; when `None`, the plan whose number the text cites, if stored.
    pub parent_id: Option<i64>,
    /// The year, when the text does not give one (or to correct it).
    pub year: Option<i32>,
    pub source_name: &'a str,
}

/// Stores a plan read from a text, with every task. Refuses a plan without a year or without
/// tasks, with the field named.
pub async fn create(w: &mut WriteTx, p: &NewPlan<'_>) -> StoreResult<i64> {
    let parsed = p.parsed;
    if parsed.tasks.is_empty() {
        return Err(StoreError::invalid(
            "text",
            "không tìm thấy nhiệm vụ nào trong văn bản: phụ lục cần có dòng tiêu đề cột, hoặc các nhiệm vụ là gạch đầu dòng dưới tiêu đề theo quý",
        ));
    }
    let Some(year) = p.year.or(parsed.year) else {
        return Err(StoreError::invalid("year", "không đọc được năm của kế hoạch: hãy nhập năm"));
    };
    if !(2000..=2100).contains(&year) {
        return Err(StoreError::invalid("year", "năm của kế hoạch phải từ 2000 đến 2100"));
    }
    let title = text::clean(&parsed.title);
    if title.is_empty() {
        return Err(StoreError::invalid("text", "không tìm thấy trích yếu của kế hoạch (dòng sau “KẾ HOẠCH”)"));
    }
    let number = parsed.number.clone().unwrap_or_default();
    let based_on = parsed.based_on.clone().unwrap_or_default();
    let parent_id = match p.parent_id {
        Some(id) => {
            // A plan carries out a unit's or the province's plan (not a block's) of its year.
            let ok = crate::org::count(
                &w.tx,
                "SELECT COUNT(*) AS n FROM plan WHERE id = ? AND group_id IS NULL AND year = ?",
                vec![id.into(), year.into()],
            )
            .await?;
            if ok == 0 {
                return Err(StoreError::invalid(
                    "parent",
                    format!("kế hoạch được thực hiện phải là kế hoạch năm {year} của một đơn vị"),
                ));
            }
            Some(id)
        }
        None if !based_on.is_empty() => IdRow::find_by_statement(stmt(
            w.backend(),
            "SELECT id FROM plan WHERE number = ? ORDER BY id LIMIT 1",
            vec![based_on.clone().into()],
        ))
        .one(&w.tx)
        .await?
        .map(|r| r.id),
        None => None,
    };
    let warnings = serde_json::to_string(&parsed.warnings).map_err(|e| StoreError::Other(e.to_string()))?;
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO plan (unit_id, group_id, parent_id, number, title, year, issuer, based_on, source_name, warnings, \
         created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            p.unit_id.into(),
            p.group_id.into(),
            parent_id.into(),
            number.clone().into(),
            title.clone().into(),
            year.into(),
            parsed.issuer.clone().unwrap_or_default().into(),
            based_on.into(),
            text::clean(p.source_name).into(),
            warnings.into(),
            w.actor.user_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("kế hoạch vừa thêm"))?
    .id;
    for (i, s) in parsed.sections.iter().enumerate() {
        w.exec(
            "INSERT INTO plan_section (plan_id, position, heading, body) VALUES (?, ?, ?, ?)",
            vec![id.into(), (i as i32).into(), s.heading.clone().into(), s.body.clone().into()],
        )
        .await?;
    }
    let registry = registry_parties(&w.tx, NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()).await?;
    let unmatched = insert_tasks(w, id, p.unit_id, year, &parsed.tasks, &registry).await?;
    w.record(
        "plan.import",
        "plan",
        Some(id.to_string()),
        Some(p.unit_id),
        serde_json::json!({"title": title, "number": number, "year": year, "tasks": parsed.tasks.len(),
            "warnings": parsed.warnings.len(), "unmatched": unmatched, "source": p.source_name}),
    )
    .await?;
    Ok(id)
}

/// A task's fields as a person writes them.
#[derive(Debug, Clone, Default)]
pub struct TaskFields {
    pub group_label: String,
    pub number: String,
    pub content: String,
    pub due_text: String,
    /// Empty: the plan's issuer leads.
    pub lead_text: String,
    pub cooperating: Vec<String>,
}

/// Inserts a whole plan's tasks and their parties, many rows per statement; returns how many
/// names matched nothing.
async fn insert_tasks(
    w: &WriteTx,
    plan_id: i64,
    plan_unit: i64,
    year: i32,
    tasks: &[tdkt_domain::plan::ParsedTask],
    registry: &Parties,
) -> StoreResult<usize> {
    #[derive(FromQueryResult)]
    struct IdPos {
        id: i64,
        position: i32,
    }
    const COLUMNS: usize = 11;
    let mut ids = vec![0i64; tasks.len()];
    for (c, chunk) in tasks.chunks(200).enumerate() {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        for (k, t) in chunk.iter().enumerate() {
            let due = Due::parse(&t.due, Some(year));
            let (from, to) = match due.window() {
                Some((from, to)) => (from, Some(to)),
                None => (None, None),
            };
            let lead_text = text::clean(t.lead.as_deref().unwrap_or_default());
            let lead_unit = if lead_text.is_empty() { Some(plan_unit) } else { registry.resolve(&lead_text).unit_id() };
            values.extend([
                plan_id.into(),
                ((c * 200 + k) as i32).into(),
                text::clean(&t.group).into(),
                text::clean(&t.number).into(),
                text::clean(&t.content).into(),
                text::clean(&t.due).into(),
                due.kind().into(),
                from.into(),
                to.into(),
                lead_text.into(),
                lead_unit.into(),
            ]);
        }
        let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let inserted = IdPos::find_by_statement(stmt(
            w.backend(),
            &format!(
                "INSERT INTO plan_task (plan_id, position, group_label, number, content, due_text, due_kind, due_from, \
                 due_to, lead_text, lead_unit_id) VALUES {rows} RETURNING id, position"
            ),
            values,
        ))
        .all(&w.tx)
        .await?;
        for r in inserted {
            if let Some(slot) = ids.get_mut(r.position as usize) {
                *slot = r.id;
            }
        }
    }
    let mut unmatched = 0;
    let mut parties: Vec<Value> = Vec::new();
    for (t, id) in tasks.iter().zip(&ids) {
        for (k, (name, party)) in registry.resolve_all(&t.cooperating).into_iter().enumerate() {
            if party == Party::Unmatched {
                unmatched += 1;
            }
            parties.extend([(*id).into(), (k as i32).into(), name.into(), party.kind().into(), party.unit_id().into()]);
        }
    }
    for chunk in parties.chunks(5 * 300) {
        let rows = vec!["(?, ?, ?, ?, ?)"; chunk.len() / 5].join(", ");
        w.exec(
            &format!("INSERT INTO plan_task_party (task_id, position, name, kind, unit_id) VALUES {rows}"),
            chunk.to_vec(),
        )
        .await?;
    }
    Ok(unmatched)
}

/// Inserts one task and its parties; returns its id and how many names matched nothing.
#[allow(clippy::too_many_arguments)]
async fn insert_task(
    w: &WriteTx,
    plan_id: i64,
    plan_unit: i64,
    year: i32,
    position: i32,
    t: &TaskFields,
    source_task_id: Option<i64>,
    registry: &Parties,
) -> StoreResult<(i64, usize)> {
    let due = Due::parse(&t.due_text, Some(year));
    let (from, to) = match due.window() {
        Some((from, to)) => (from, Some(to)),
        None => (None, None),
    };
    let lead_text = text::clean(&t.lead_text);
    let lead_unit = if lead_text.is_empty() { Some(plan_unit) } else { registry.resolve(&lead_text).unit_id() };
    let task_id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO plan_task (plan_id, position, group_label, number, content, due_text, due_kind, due_from, due_to, \
         lead_text, lead_unit_id, source_task_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            plan_id.into(),
            position.into(),
            text::clean(&t.group_label).into(),
            text::clean(&t.number).into(),
            text::clean(&t.content).into(),
            text::clean(&t.due_text).into(),
            due.kind().into(),
            from.into(),
            to.into(),
            lead_text.into(),
            lead_unit.into(),
            source_task_id.into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("nhiệm vụ vừa thêm"))?
    .id;
    Ok((task_id, insert_parties(w, task_id, &t.cooperating, registry).await?))
}

async fn insert_parties(w: &WriteTx, task_id: i64, names: &[String], registry: &Parties) -> StoreResult<usize> {
    let mut unmatched = 0;
    for (i, (name, party)) in registry.resolve_all(names).into_iter().enumerate() {
        if party == Party::Unmatched {
            unmatched += 1;
        }
        w.exec(
            "INSERT INTO plan_task_party (task_id, position, name, kind, unit_id) VALUES (?, ?, ?, ?, ?)",
            vec![task_id.into(), (i as i32).into(), name.into(), party.kind().into(), party.unit_id().into()],
        )
        .await?;
    }
    Ok(unmatched)
}

/// Changes a task as a person corrects it (its time, lead, cooperating units or content); the
/// names are matched again. Confirmed slips are cleared, since the task changed.
pub async fn update_task(w: &mut WriteTx, task_id: i64, t: &TaskFields) -> StoreResult<()> {
    let before = task(&w.tx, task_id).await?;
    let content = text::clean(&t.content);
    if content.is_empty() {
        return Err(StoreError::invalid("content", "cần ghi nội dung nhiệm vụ"));
    }
    let due = Due::parse(&t.due_text, Some(before.plan_year));
    let (from, to) = match due.window() {
        Some((from, to)) => (from, Some(to)),
        None => (None, None),
    };
    let registry = registry_parties(&w.tx, NaiveDate::from_ymd_opt(before.plan_year, 1, 1).unwrap_or_default()).await?;
    let lead_text = text::clean(&t.lead_text);
    let lead_unit =
        if lead_text.is_empty() { Some(before.plan_unit_id) } else { registry.resolve(&lead_text).unit_id() };
    w.exec(
        "UPDATE plan_task SET content = ?, due_text = ?, due_kind = ?, due_from = ?, due_to = ?, lead_text = ?, \
         lead_unit_id = ?, confirmed = '' WHERE id = ?",
        vec![
            content.clone().into(),
            text::clean(&t.due_text).into(),
            due.kind().into(),
            from.into(),
            to.into(),
            lead_text.clone().into(),
            lead_unit.into(),
            task_id.into(),
        ],
    )
    .await?;
    w.exec("DELETE FROM plan_task_party WHERE task_id = ?", vec![task_id.into()]).await?;
    let cooperating: Vec<String> = t.cooperating.iter().flat_map(|c| split_parties(c)).collect();
    insert_parties(w, task_id, &cooperating, &registry).await?;
    w.record(
        "plan.task_update",
        "plan",
        Some(before.plan_id.to_string()),
        Some(before.plan_unit_id),
        serde_json::json!({"task": task_id, "before": {"content": before.content, "due": before.due_text, "lead": before.lead_text},
            "after": {"content": content, "due": t.due_text, "lead": lead_text, "cooperating": cooperating}}),
    )
    .await?;
    Ok(())
}

/// Records that a person has looked at a slip of the plan check and keeps the task as written.
pub async fn confirm_slip(w: &mut WriteTx, task_id: i64, kind: &str) -> StoreResult<()> {
    let t = task(&w.tx, task_id).await?;
    if t.is_confirmed(kind) {
        return Ok(());
    }
    let confirmed = if t.confirmed.is_empty() { kind.to_owned() } else { format!("{},{kind}", t.confirmed) };
    w.exec("UPDATE plan_task SET confirmed = ? WHERE id = ?", vec![confirmed.into(), task_id.into()]).await?;
    w.record(
        "plan.confirm_slip",
        "plan",
        Some(t.plan_id.to_string()),
        Some(t.plan_unit_id),
        serde_json::json!({"task": task_id, "kind": kind}),
    )
    .await
}

/// Deletes a plan that was imported by mistake; refused once a unit has reported on it or a
/// block's plan carries it out.
pub async fn delete(w: &mut WriteTx, plan_id: i64) -> StoreResult<()> {
    let p = get(&w.tx, plan_id, NaiveDate::default()).await?;
    let reports = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM plan_report r JOIN plan_task t ON t.id = r.task_id WHERE t.plan_id = ?",
        vec![plan_id.into()],
    )
    .await?;
    if reports > 0 {
        return Err(StoreError::invalid("plan", format!("kế hoạch đã có {reports} báo cáo tiến độ, không xóa được")));
    }
    let children =
        crate::org::count(&w.tx, "SELECT COUNT(*) AS n FROM plan WHERE parent_id = ?", vec![plan_id.into()]).await?;
    if children > 0 {
        return Err(StoreError::invalid("plan", "có kế hoạch của khối thực hiện kế hoạch này, không xóa được"));
    }
    for sql in [
        "DELETE FROM plan_task_party WHERE task_id IN (SELECT id FROM plan_task WHERE plan_id = ?)",
        "DELETE FROM plan_task WHERE plan_id = ?",
        "DELETE FROM plan_section WHERE plan_id = ?",
        "DELETE FROM plan WHERE id = ?",
    ] {
        w.exec(sql, vec![plan_id.into()]).await?;
    }
    w.record(
        "plan.delete",
        "plan",
        Some(plan_id.to_string()),
        Some(p.unit_id),
        serde_json::json!({"title": p.title, "number": p.number, "year": p.year}),
    )
    .await
}

/// Derives a block's plan from the province's: every task that names the block's members (or
/// all units) becomes a task of the block, led by the block's head unit, carried out by its
/// members, and linked to the task it comes from.
pub async fn derive(w: &mut WriteTx, parent_id: i64, group_id: i64, head_unit_id: i64) -> StoreResult<i64> {
    let parent = get(&w.tx, parent_id, NaiveDate::default()).await?;
    #[derive(FromQueryResult)]
    struct GroupRow {
        name: String,
    }
    let group = GroupRow::find_by_statement(stmt(
        w.backend(),
        "SELECT name FROM emulation_group WHERE id = ?",
        vec![group_id.into()],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("khối, cụm thi đua"))?;
    let existing = crate::org::count(
        &w.tx,
        "SELECT COUNT(*) AS n FROM plan WHERE parent_id = ? AND group_id = ?",
        vec![parent_id.into(), group_id.into()],
    )
    .await?;
    if existing > 0 {
        return Err(StoreError::invalid("group", format!("{} đã có kế hoạch thực hiện kế hoạch này", group.name)));
    }
    #[derive(FromQueryResult)]
    struct Source {
        id: i64,
        group_label: String,
        content: String,
        due_text: String,
    }
    // Tasks that name every unit, the members of clusters and blocks, or one of this block's
    // members.
    let sources = Source::find_by_statement(stmt(
        w.backend(),
        "SELECT t.id, t.group_label, t.content, t.due_text FROM plan_task t WHERE t.plan_id = ? AND EXISTS (\
         SELECT 1 FROM plan_task_party x WHERE x.task_id = t.id AND (x.kind IN ('all_units', 'group_members') \
         OR x.unit_id IN (SELECT unit_id FROM emulation_group_member WHERE group_id = ?))) ORDER BY t.position",
        vec![parent_id.into(), group_id.into()],
    ))
    .all(&w.tx)
    .await?;
    if sources.is_empty() {
        return Err(StoreError::invalid("plan", "kế hoạch không có nhiệm vụ nào giao cho các đơn vị của khối"));
    }
    let title = format!("Công tác thi đua, khen thưởng năm {} của {}", parent.year, group.name);
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO plan (unit_id, group_id, parent_id, number, title, year, issuer, based_on, source_name, warnings, \
         created_by, created_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, '', '[]', ?, ?) RETURNING id",
        vec![
            head_unit_id.into(),
            group_id.into(),
            parent_id.into(),
            title.clone().into(),
            parent.year.into(),
            group.name.clone().into(),
            parent.number.clone().into(),
            w.actor.user_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("kế hoạch vừa thêm"))?
    .id;
    let registry = Parties::new(std::iter::empty());
    let mut numbers: Vec<(String, u32)> = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let n = match numbers.iter_mut().find(|(g, _)| *g == s.group_label) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                numbers.push((s.group_label.clone(), 1));
                1
            }
        };
        let fields = TaskFields {
            group_label: s.group_label.clone(),
            number: n.to_string(),
            content: s.content.clone(),
            due_text: s.due_text.clone(),
            lead_text: String::new(),
            cooperating: Vec::new(),
        };
        let (task_id, _) =
            insert_task(w, id, head_unit_id, parent.year, i as i32, &fields, Some(s.id), &registry).await?;
        w.exec(
            "INSERT INTO plan_task_party (task_id, position, name, kind, unit_id) VALUES (?, 0, ?, 'group_members', NULL)",
            vec![task_id.into(), format!("Các đơn vị thành viên {}", group.name).into()],
        )
        .await?;
    }
    w.record(
        "plan.derive",
        "plan",
        Some(id.to_string()),
        Some(head_unit_id),
        serde_json::json!({"parent": parent_id, "group": group_id, "tasks": sources.len(), "title": title}),
    )
    .await?;
    Ok(id)
}

/// A progress report of a unit on a task.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct Report {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_path: String,
    pub percent: i32,
    pub note: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_by_name: Option<String>,
    pub created_at: String,
}

pub async fn reports(db: &Db, task_id: i64) -> StoreResult<Vec<Report>> {
    Ok(Report::find_by_statement(stmt(
        db.backend(),
        "SELECT r.id, r.task_id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.percent, r.note, r.file_name, \
         r.media_type, r.size, r.sha256, a.display_name AS created_by_name, r.created_at \
         FROM plan_report r JOIN unit u ON u.id = r.unit_id LEFT JOIN app_user a ON a.id = r.created_by \
         WHERE r.task_id = ? ORDER BY r.created_at DESC, r.id DESC",
        vec![task_id.into()],
    ))
    .all(&db.conn)
    .await?)
}

pub async fn report(db: &Db, id: i64) -> StoreResult<Report> {
    Report::find_by_statement(stmt(
        db.backend(),
        "SELECT r.id, r.task_id, r.unit_id, u.name AS unit_name, u.path AS unit_path, r.percent, r.note, r.file_name, \
         r.media_type, r.size, r.sha256, a.display_name AS created_by_name, r.created_at \
         FROM plan_report r JOIN unit u ON u.id = r.unit_id LEFT JOIN app_user a ON a.id = r.created_by WHERE r.id = ?",
        vec![id.into()],
    ))
    .one(&db.conn)
    .await?
    .ok_or(StoreError::NotFound("báo cáo tiến độ"))
}

/// What a unit reports.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub unit_id: i64,
    pub percent: i32,
    pub note: String,
    /// Evidence already in the file store.
    pub file: Option<StoredFile>,
    /// The day the lead reports the task done (when `percent` is 100).
    pub on: NaiveDate,
}

/// Records a report. The lead's report is the task's progress; a cooperating unit's is shown
/// beside it. The caller has checked that the unit takes part in the task.
pub async fn add_report(w: &mut WriteTx, task_id: i64, r: &NewReport) -> StoreResult<i64> {
    let t = task(&w.tx, task_id).await?;
    if !(0..=100).contains(&r.percent) {
        return Err(StoreError::invalid("percent", "tiến độ là số phần trăm từ 0 đến 100"));
    }
    let note = r.note.lines().map(text::clean).collect::<Vec<_>>().join("\n").trim().to_owned();
    if note.is_empty() {
        return Err(StoreError::invalid("note", "cần ghi kết quả đã làm"));
    }
    if note.chars().count() > 4000 {
        return Err(StoreError::invalid("note", "kết quả không quá 4000 ký tự"));
    }
    let StoredFile { name: file_name, media_type, size, sha256: sha } = r.file.clone().unwrap_or_default();
    let id = IdRow::find_by_statement(stmt(
        w.backend(),
        "INSERT INTO plan_report (task_id, unit_id, percent, note, file_name, media_type, size, sha256, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        vec![
            task_id.into(),
            r.unit_id.into(),
            r.percent.into(),
            note.clone().into(),
            text::clean(&file_name).into(),
            media_type.into(),
            size.into(),
            sha.into(),
            w.actor.user_id.into(),
            now_text().into(),
        ],
    ))
    .one(&w.tx)
    .await?
    .ok_or(StoreError::NotFound("báo cáo vừa thêm"))?
    .id;
    let is_lead = t.lead_unit_id == Some(r.unit_id);
    if is_lead {
        let done_on = (r.percent >= 100).then_some(r.on);
        w.exec(
            "UPDATE plan_task SET percent = ?, done_on = ?, updated_at = ? WHERE id = ?",
            vec![r.percent.into(), done_on.into(), now_text().into(), task_id.into()],
        )
        .await?;
    }
    w.record(
        "plan.report",
        "plan",
        Some(t.plan_id.to_string()),
        Some(r.unit_id),
        serde_json::json!({"task": task_id, "report": id, "percent": r.percent, "lead": is_lead,
            "file": if file_name.is_empty() { None } else { Some(&file_name) }}),
    )
    .await?;
    Ok(id)
}

/// A task as a unit sees it on its own list, with how the unit takes part.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct UnitTask {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub plan_number: String,
    pub plan_year: i32,
    pub group_label: String,
    pub number: String,
    pub content: String,
    pub due_text: String,
    pub due_to: Option<NaiveDate>,
    pub percent: i32,
    pub lead_name: Option<String>,
    /// Whether one of the units leads it (otherwise they cooperate).
    pub leads: bool,
}

impl UnitTask {
    pub fn due(&self) -> Due {
        Due::parse(&self.due_text, Some(self.plan_year))
    }
}

/// The tasks of a year's plans that the units lead or join: named as lead or cooperating unit,
/// or covered by "every unit", or by "the members of the clusters and blocks" (of the plan's
/// block, or of any of the year) when a unit is one.
pub async fn unit_tasks(db: &Db, unit_ids: &[i64], year: i32) -> StoreResult<Vec<UnitTask>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; unit_ids.len()].join(", ");
    let sql = format!(
        "SELECT t.id, t.plan_id, p.title AS plan_title, p.number AS plan_number, p.year AS plan_year, t.group_label, \
         t.number, t.content, t.due_text, t.due_to, t.percent, lu.name AS lead_name, \
         CASE WHEN t.lead_unit_id IN ({marks}) THEN TRUE ELSE FALSE END AS leads \
         FROM plan_task t JOIN plan p ON p.id = t.plan_id JOIN unit pu ON pu.id = p.unit_id \
         LEFT JOIN unit lu ON lu.id = t.lead_unit_id \
         WHERE p.year = ? AND (t.lead_unit_id IN ({marks}) OR EXISTS (SELECT 1 FROM plan_task_party x WHERE x.task_id = t.id AND (\
           x.unit_id IN ({marks}) \
           OR (x.kind = 'all_units' AND EXISTS (SELECT 1 FROM unit me WHERE me.id IN ({marks}) AND me.path LIKE pu.path || '%')) \
           OR (x.kind = 'group_members' AND EXISTS (\
             SELECT 1 FROM emulation_group_member m JOIN emulation_group g ON g.id = m.group_id JOIN unit mu ON mu.id = m.unit_id \
             WHERE m.unit_id IN ({marks}) AND g.year = p.year AND (p.group_id IS NULL OR g.id = p.group_id) \
             AND mu.path LIKE pu.path || '%'))))) \
         ORDER BY t.due_to IS NULL, t.due_to, p.id, t.position"
    );
    // "Every unit" and "the members of the clusters and blocks" reach the units below the plan's
    // issuer only: a commune's plan does not give tasks to the rest of the province.
    let mut values: Vec<Value> = Vec::new();
    values.extend(unit_ids.iter().map(|&u| Value::from(u)));
    values.push(year.into());
    for _ in 0..4 {
        values.extend(unit_ids.iter().map(|&u| Value::from(u)));
    }
    Ok(UnitTask::find_by_statement(stmt(db.backend(), &sql, values)).all(&db.conn).await?)
}

/// Whether the unit takes part in the task (as `unit_tasks` decides), for authorising a report.
pub async fn takes_part(db: &Db, task_id: i64, unit_id: i64) -> StoreResult<bool> {
    let t = task(&db.conn, task_id).await?;
    Ok(unit_tasks(db, &[unit_id], t.plan_year).await?.iter().any(|u| u.id == task_id))
}

/// A task whose lead has not reported it done, due on or before a day.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DueTask {
    pub id: i64,
    pub plan_id: i64,
    pub number: String,
    pub content: String,
    pub due_to: NaiveDate,
    pub lead_unit_id: i64,
    pub plan_unit_id: i64,
}

/// Tasks not done whose last day is on or before `until`, for the reminders.
pub async fn due_tasks(db: &impl ConnectionTrait, until: NaiveDate) -> StoreResult<Vec<DueTask>> {
    Ok(DueTask::find_by_statement(stmt(
        db.get_database_backend(),
        "SELECT t.id, t.plan_id, t.number, t.content, t.due_to, t.lead_unit_id, p.unit_id AS plan_unit_id \
         FROM plan_task t JOIN plan p ON p.id = t.plan_id \
         WHERE t.percent < 100 AND t.due_to IS NOT NULL AND t.due_to <= ? AND t.lead_unit_id IS NOT NULL \
         ORDER BY t.due_to, t.id",
        vec![until.into()],
    ))
    .all(db)
    .await?)
}

/// The blocks and clusters whose head or deputy is one of the units, with the head unit (which
/// leads the block's plan).
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct LedGroup {
    pub id: i64,
    pub name: String,
    pub year: i32,
    /// The block's head unit.
    pub unit_id: i64,
    /// The unit (of those asked about) that heads or deputises the block, and its path.
    pub via_unit_id: i64,
    pub via_path: String,
}

pub async fn led_groups(db: &Db, unit_ids: &[i64]) -> StoreResult<Vec<LedGroup>> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; unit_ids.len()].join(", ");
    Ok(LedGroup::find_by_statement(stmt(
        db.backend(),
        &format!(
            "SELECT g.id, g.name, g.year, h.unit_id, m.unit_id AS via_unit_id, mu.path AS via_path FROM emulation_group g \
             JOIN emulation_group_member m ON m.group_id = g.id JOIN unit mu ON mu.id = m.unit_id \
             JOIN emulation_group_member h ON h.group_id = g.id AND h.role = 'truong' \
             WHERE m.role IN ('truong', 'pho') AND m.unit_id IN ({marks}) ORDER BY g.year DESC, g.name"
        ),
        unit_ids.iter().map(|&u| Value::from(u)).collect(),
    ))
    .all(&db.conn)
    .await?)
}

/// A slip of the plan check on a stored task, and whether a person has confirmed it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredSlip {
    pub task_id: i64,
    pub confirmed: bool,
    #[serde(flatten)]
    pub slip: Slip,
}

/// The label of each task ("I.9"): the place of its group among the plan's groups, and its
/// number.
pub fn labels<'a>(groups_and_numbers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut groups: Vec<&str> = Vec::new();
    groups_and_numbers
        .into_iter()
        .map(|(g, n)| {
            let i = groups.iter().position(|x| *x == g).unwrap_or_else(|| {
                groups.push(g);
                groups.len() - 1
            });
            format!("{}.{n}", roman(i + 1))
        })
        .collect()
}

/// The plan check of a stored plan.
pub async fn check(db: &Db, plan: &Plan) -> StoreResult<Vec<StoredSlip>> {
    let tasks = tasks(db, plan.id).await?;
    let parties = parties(db, plan.id).await?;
    let labels = labels(tasks.iter().map(|t| (t.group_label.as_str(), t.number.as_str())));
    let facts: Vec<TaskFacts<'_>> = tasks
        .iter()
        .zip(&labels)
        .map(|(t, label)| TaskFacts {
            label: label.clone(),
            content: &t.content,
            due_text: &t.due_text,
            due: t.due(),
            lead: (!t.lead_text.is_empty()).then_some((t.lead_text.as_str(), t.lead_unit_id.is_some())),
            unmatched: parties
                .iter()
                .filter(|p| p.task_id == t.id && p.kind == "unmatched")
                .map(|p| p.name.as_str())
                .collect(),
        })
        .collect();
    let slips = tdkt_domain::plan::check(plan.year, &facts);
    Ok(slips
        .into_iter()
        .filter_map(|slip| {
            let i = labels.iter().position(|l| *l == slip.task)?;
            let t = &tasks[i];
            Some(StoredSlip { task_id: t.id, confirmed: t.is_confirmed(slip.kind), slip })
        })
        .collect())
}

/// The plan check of a plan read from a text, before it is stored, against the units of the
/// database.
pub async fn check_parsed(db: &Db, parsed: &ParsedPlan, year: i32) -> StoreResult<Vec<Slip>> {
    let registry = registry_parties(&db.conn, NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default()).await?;
    let labels = labels(parsed.tasks.iter().map(|t| (t.group.as_str(), t.number.as_str())));
    let resolved: Vec<Vec<(String, Party)>> =
        parsed.tasks.iter().map(|t| registry.resolve_all(&t.cooperating)).collect();
    let facts: Vec<TaskFacts<'_>> = parsed
        .tasks
        .iter()
        .zip(&labels)
        .zip(&resolved)
        .map(|((t, label), parties)| TaskFacts {
            label: label.clone(),
            content: &t.content,
            due_text: &t.due,
            due: Due::parse(&t.due, Some(year)),
            lead: t.lead.as_deref().map(|l| (l, registry.resolve(l).unit_id().is_some())),
            unmatched: parties.iter().filter(|(_, p)| *p == Party::Unmatched).map(|(n, _)| n.as_str()).collect(),
        })
        .collect();
    Ok(tdkt_domain::plan::check(year, &facts))
}

/// A block or cluster by its code, with its head unit (which issues the block's plan).
pub async fn group_head(db: &Db, code: &str) -> StoreResult<Option<(i64, i64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        unit_id: i64,
    }
    Ok(Row::find_by_statement(stmt(
        db.backend(),
        "SELECT g.id, m.unit_id FROM emulation_group g JOIN emulation_group_member m ON m.group_id = g.id \
         WHERE g.code = ? AND m.role = 'truong'",
        vec![code.into()],
    ))
    .one(&db.conn)
    .await?
    .map(|r| (r.id, r.unit_id)))
}
