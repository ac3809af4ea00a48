//! `tdkt import plan FILE`: reads a plan's text (`tdkt_domain::plan::parse`) and stores it with
//! every task (`tdkt_store::plans::create`), or with `--dry-run` prints what would be imported
//! and writes nothing.

use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use tdkt_domain::plan::{self, Due, ParsedPlan, Slip, Warning};
use tdkt_store::{Actor, Db, StoreError};

use crate::config::Config;

/// How the plan is imported.
pub struct PlanOptions<'a> {
    pub dry_run: bool,
    pub json: bool,
    /// The issuing unit's code; the province's root unit when `None`.
    pub unit: Option<&'a str>,
    /// The block or cluster the plan is for (its head unit issues it).
    pub group: Option<&'a str>,
    pub year: Option<i32>,
}

#[derive(Serialize)]
struct TaskOut<'a> {
    group: &'a str,
    number: &'a str,
    content: &'a str,
    due: &'a str,
    due_kind: &'static str,
    due_last_day: Option<chrono::NaiveDate>,
    lead: Option<&'a str>,
    cooperating: &'a [String],
    line: usize,
}

#[derive(Serialize)]
struct DryRun<'a> {
    title: &'a str,
    year: Option<i32>,
    number: Option<&'a str>,
    issuer: Option<&'a str>,
    based_on: Option<&'a str>,
    sections: Vec<&'a str>,
    tasks: Vec<TaskOut<'a>>,
    warnings: &'a [Warning],
    /// The plan check; `null` when the unit registry could not be read.
    slips: Option<Vec<Slip>>,
}

fn dry_run_of<'a>(p: &'a ParsedPlan, year: Option<i32>, slips: Option<Vec<Slip>>) -> DryRun<'a> {
    DryRun {
        title: &p.title,
        year,
        number: p.number.as_deref(),
        issuer: p.issuer.as_deref(),
        based_on: p.based_on.as_deref(),
        sections: p.sections.iter().map(|s| s.heading.as_str()).collect(),
        tasks: p
            .tasks
            .iter()
            .map(|t| {
                let due = Due::parse(&t.due, year);
                TaskOut {
                    group: &t.group,
                    number: &t.number,
                    content: &t.content,
                    due: &t.due,
                    due_kind: due.kind(),
                    due_last_day: due.deadline(),
                    lead: t.lead.as_deref(),
                    cooperating: &t.cooperating,
                    line: t.line,
                }
            })
            .collect(),
        warnings: &p.warnings,
        slips,
    }
}

/// The database, when it already exists: a dry run creates no file and applies no migration.
async fn existing_db(config: &Config) -> Option<Db> {
    let url = &config.database_url;
    if url.starts_with("sqlite:") && !std::path::Path::new(&tdkt_store::db::sqlite_path(url)).exists() {
        return None;
    }
    Db::connect(url).await.ok()
}

pub async fn run(config: &Config, file: &str, o: &PlanOptions<'_>) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("không đọc được tệp {file}"))?;
    let text = String::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes).to_vec()).map_err(|_| {
        anyhow::anyhow!("{file}: tệp không phải văn bản UTF-8 (hãy lưu kế hoạch dưới dạng .txt, mã UTF-8)")
    })?;
    let parsed = plan::parse(&text);
    let year = o.year.or(parsed.year);
    if o.dry_run {
        let slips = match (existing_db(config).await, year) {
            (Some(db), Some(y)) => tdkt_store::plans::check_parsed(&db, &parsed, y).await.ok(),
            _ => None,
        };
        let out = dry_run_of(&parsed, year, slips);
        if o.json {
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            print_summary(&out);
        }
        return Ok(if parsed.tasks.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS });
    }
    let db = crate::cli::open(config).await?;
    let (unit_id, group_id) = match (o.group, o.unit) {
        (Some(code), _) => {
            let (gid, head) = tdkt_store::plans::group_head(&db, code)
                .await?
                .with_context(|| format!("không có khối, cụm mã “{code}” có trưởng khối"))?;
            (head, Some(gid))
        }
        (None, Some(code)) => {
            let u = tdkt_store::org::find_unit_by_code(&db.conn, code)
                .await?
                .with_context(|| format!("không có đơn vị mã “{code}”"))?;
            (u.id, None)
        }
        (None, None) => {
            let root = tdkt_store::org::all_units(&db, &["/".to_string()], false)
                .await?
                .into_iter()
                .find(|u| u.parent_id.is_none())
                .context("chưa có đơn vị cấp tỉnh: hãy nhập danh sách đơn vị trước, hoặc ghi --unit")?;
            (root.id, None)
        }
    };
    let mut w = db.write(&Actor::system("tdkt import plan")).await?;
    let new = tdkt_store::plans::NewPlan {
        parsed: &parsed,
        unit_id,
        group_id,
        parent_id: None,
        year: o.year,
        source_name: std::path::Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file),
    };
    match tdkt_store::plans::create(&mut w, &new).await {
        Ok(id) => {
            w.commit().await?;
            let stored = tdkt_store::plans::get(&db.conn, id, tdkt_store::db::today()).await?;
            let slips = tdkt_store::plans::check(&db, &stored).await?;
            if o.json {
                println!(
                    "{}",
                    serde_json::json!({"id": id, "tasks": stored.tasks, "warnings": parsed.warnings, "slips": slips})
                );
            } else {
                println!("Đã nhập kế hoạch #{id} “{}” ({}): {} nhiệm vụ.", stored.title, stored.year, stored.tasks);
                print_notes(&parsed.warnings, &slips.iter().map(|s| s.slip.clone()).collect::<Vec<_>>());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Invalid(i)) => {
            w.rollback().await?;
            for e in &i.0 {
                eprintln!("{file}: {}", e.message);
            }
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_summary(out: &DryRun<'_>) {
    println!("Trích yếu: {}", out.title);
    println!("Năm: {}", out.year.map_or("(không đọc được)".to_owned(), |y| y.to_string()));
    println!("Số: {}", out.number.unwrap_or("(chưa có số)"));
    println!("Nhiệm vụ: {}", out.tasks.len());
    let mut group = "";
    for t in &out.tasks {
        if t.group != group {
            println!("  {}", t.group);
            group = t.group;
        }
        let lead = t.lead.unwrap_or("(đơn vị ban hành)");
        println!(
            "    {}. {} — {} — {}",
            t.number,
            t.content,
            if t.due.is_empty() { "(chưa ghi)" } else { t.due },
            lead
        );
    }
    print_notes(out.warnings, out.slips.as_deref().unwrap_or_default());
    if out.slips.is_none() {
        println!("(Chưa kiểm tra đơn vị: chưa có cơ sở dữ liệu đơn vị.)");
    }
    println!("Chạy thử: chưa ghi gì.");
}

fn print_notes(warnings: &[Warning], slips: &[Slip]) {
    for w in warnings {
        if w.line > 0 {
            println!("Lưu ý, dòng {}: {}", w.line, w.message);
        } else {
            println!("Lưu ý: {}", w.message);
        }
    }
    for s in slips {
        println!("Kiểm tra: {}", s.message);
    }
}
