//! `tdkt eligible`: everyone in the registry (or a unit) who qualifies for an award in a year.

use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tdkt_store::Db;
use tdkt_store::eligible::BulkRun;
use tdkt_store::org::Person;

#[derive(Args)]
pub struct EligibleArgs {
    /// Award code from the catalogue (LDTT, CSTD_CS, BK_TINH, ...), for individuals.
    #[arg(long)]
    pub award: String,
    /// The last achievement year considered.
    #[arg(long)]
    pub year: i32,
    /// Date the rules are taken at (dd/mm/yyyy); 31/12 of the year by default.
    #[arg(long)]
    pub on: Option<String>,
    /// Only this unit and the units under it (unit code).
    #[arg(long)]
    pub unit: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the list to this .xlsx file.
    #[arg(long)]
    pub xlsx: Option<std::path::PathBuf>,
    /// Only those not yet proposed in a dossier for this award and year.
    #[arg(long)]
    pub not_nominated: bool,
    /// Rows printed in the table (all of them go to JSON and Excel).
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
}

/// One qualifying person, with names resolved.
pub struct Line {
    pub person: Person,
    pub routes: Vec<String>,
    pub held: bool,
    /// Proposed in a dossier for this award and year (under way or decided).
    pub nominated: bool,
}

/// Runs the bulk judgement and resolves the people, limited to a unit's subtree when asked.
pub async fn lines(db: &Db, run: &BulkRun, unit_path: Option<&str>) -> anyhow::Result<Vec<Line>> {
    let nominated = tdkt_store::dossier::nominated_people(&db.conn, &run.award, run.year).await?;
    let ids: Vec<i64> = run.rows.iter().map(|r| r.id).collect();
    let people = tdkt_store::org::people_by_ids(db, &ids).await?;
    let by_id: std::collections::HashMap<i64, &tdkt_rules::bulk::BulkRow> =
        run.rows.iter().map(|r| (r.id, r)).collect();
    let mut out: Vec<Line> = people
        .into_iter()
        .filter(|p| unit_path.is_none_or(|u| p.unit_path.starts_with(u)))
        .filter_map(|p| by_id.get(&p.id).map(|r| (p, *r)))
        .map(|(person, r)| Line {
            nominated: nominated.contains(&person.id),
            person,
            routes: run.routes_of(r.routes),
            held: r.held,
        })
        .collect();
    out.sort_by_cached_key(|l| {
        (l.person.unit_path.clone(), tdkt_domain::text::person_sort_key(&l.person.full_name), l.person.id)
    });
    Ok(out)
}

pub async fn run(db: &Db, args: &EligibleArgs) -> anyhow::Result<ExitCode> {
    let on = match &args.on {
        Some(s) => Some(
            tdkt_domain::text::parse_date(s).with_context(|| format!("ngày xét “{s}” không hợp lệ (dd/mm/yyyy)"))?,
        ),
        None => None,
    };
    let unit = match &args.unit {
        Some(code) => Some(
            tdkt_store::org::find_unit_by_code(&db.conn, code)
                .await?
                .with_context(|| format!("không có đơn vị mã “{code}”"))?,
        ),
        None => None,
    };
    let base = tdkt_rules::Engine::builtin().context("bộ quy tắc đi kèm không đọc được")?;
    let engine = tdkt_store::registry::engine_with_overrides(db, &base).await?;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let pb = crate::cli::spinner("Đang xét…");
    let run = tdkt_store::eligible::bulk(db, &engine, &args.award, args.year, on, threads).await;
    pb.finish_and_clear();
    let run = run?;
    let mut lines = lines(db, &run, unit.as_ref().map(|u| u.path.as_str())).await?;
    let nominated = lines.iter().filter(|l| !l.routes.is_empty() && l.nominated).count();
    let qualify = lines.iter().filter(|l| !l.routes.is_empty()).count();
    if args.not_nominated {
        lines.retain(|l| !l.nominated);
    }
    let eligible: Vec<&Line> = lines.iter().filter(|l| !l.routes.is_empty()).collect();
    let headers = ["STT", "Họ và tên", "Đơn vị", "Đạt theo", "Đã khen năm này", "Đã đề nghị"];
    let table: Vec<Vec<String>> = eligible
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.person.full_name.clone(),
                l.person.unit_name.clone(),
                l.routes.join("; "),
                if l.held { "Có".into() } else { String::new() },
                if l.nominated { "Có".into() } else { String::new() },
            ]
        })
        .collect();
    if let Some(path) = &args.xlsx {
        let title = format!("Danh sách đủ điều kiện “{}” năm {}", run.award_name, run.year);
        let bytes = tdkt_sheets::write_xlsx("Du dieu kien", Some(&title), &headers, &table)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(path, bytes).with_context(|| format!("không ghi được {}", path.display()))?;
    }
    if args.json {
        let json = serde_json::json!({
            "award": run.award,
            "award_name": run.award_name,
            "year": run.year,
            "on": run.on,
            "rule_set": run.rule_set_name,
            "people": run.people,
            "eligible": qualify,
            "nominated": nominated,
            "only_not_nominated": args.not_nominated,
            "held": lines.iter().filter(|l| l.held).count(),
            "routes": run.route_names.iter().map(|n| serde_json::json!({
                "name": n,
                "count": lines.iter().filter(|l| l.routes.contains(n)).count(),
            })).collect::<Vec<_>>(),
            "rows": lines.iter().map(|l| serde_json::json!({
                "person_id": l.person.id,
                "full_name": l.person.full_name,
                "unit_code": l.person.unit_code,
                "unit_name": l.person.unit_name,
                "routes": l.routes,
                "held": l.held,
                "nominated": l.nominated,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    let scope = unit.as_ref().map(|u| format!(" trong {}", u.name)).unwrap_or_default();
    println!(
        "“{}” năm {} ({}, xét ngày {}){scope}: {qualify} người đủ điều kiện trên {} người trong sổ; {} đã được khen năm này; {nominated} đã có trong hồ sơ đề nghị.",
        run.award_name,
        run.year,
        run.rule_set_name,
        tdkt_domain::text::format_date(run.on),
        run.people,
        lines.iter().filter(|l| l.held).count(),
    );
    if args.not_nominated {
        println!("Danh sách dưới đây chỉ gồm {} người chưa được đề nghị.", eligible.len());
    }
    for n in &run.route_names {
        let c = lines.iter().filter(|l| l.routes.contains(n)).count();
        if c > 0 {
            println!("  {c:>7}  {n}");
        }
    }
    for row in table.iter().take(args.limit) {
        println!("{:>5}. {} — {} — {}", row[0], row[1], row[2], row[3]);
    }
    if table.len() > args.limit {
        println!("… và {} người nữa (--json hoặc --xlsx để có đủ danh sách).", table.len() - args.limit);
    }
    Ok(ExitCode::SUCCESS)
}
