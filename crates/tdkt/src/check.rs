//! `tdkt check`: the eligibility verdict for one history file, without a database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tdkt_rules::{Engine, History, Status, Verdict};

#[derive(Args)]
pub struct CheckArgs {
    /// JSON file with the subject's history (ratings, awards, initiatives, discipline, pending, members).
    #[arg(long)]
    pub history: PathBuf,
    /// Award code from the catalogue (LDTT, CSTD_CS, BK_TINH, ...).
    #[arg(long)]
    pub award: String,
    /// The last achievement year considered.
    #[arg(long)]
    pub year: i32,
    /// Date the rules are taken at (dd/mm/yyyy or yyyy-mm-dd); 31/12 of the year by default.
    #[arg(long)]
    pub on: Option<String>,
    /// The province's own parameter values (TOML, `[[override]]` tables).
    #[arg(long)]
    pub params: Option<PathBuf>,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads and judges; every error names what is wrong in Vietnamese.
pub fn verdict(args: &CheckArgs) -> anyhow::Result<Verdict> {
    let text = std::fs::read_to_string(&args.history)
        .with_context(|| format!("không đọc được tệp {}", args.history.display()))?;
    let history: History = serde_json::from_str(&text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "tệp kết thúc giữa chừng",
            serde_json::error::Category::Syntax => "sai cú pháp JSON",
            serde_json::error::Category::Data => "sai dữ liệu",
            serde_json::error::Category::Io => "lỗi đọc",
        };
        anyhow::anyhow!("tệp {}, dòng {}, cột {}: {what} ({e})", args.history.display(), e.line(), e.column())
    })?;
    let mut engine = Engine::builtin().context("bộ quy tắc đi kèm không đọc được")?;
    if let Some(p) = &args.params {
        let text = std::fs::read_to_string(p).with_context(|| format!("không đọc được tệp tham số {}", p.display()))?;
        let params =
            engine.params.with_overrides_toml(&text).with_context(|| format!("tệp tham số {}", p.display()))?;
        engine = engine.with_params(params);
    }
    let on = match &args.on {
        Some(s) => Some(
            tdkt_domain::text::parse_date(s).with_context(|| format!("ngày xét “{s}” không hợp lệ (dd/mm/yyyy)"))?,
        ),
        None => None,
    };
    Ok(engine.check(&history, &args.award, args.year, on)?)
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let v = verdict(args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", render(&v));
    }
    Ok(ExitCode::SUCCESS)
}

/// The verdict as an officer reads it.
pub fn render(v: &Verdict) -> String {
    let mut out = format!(
        "{} ({}), thành tích đến năm {}\nBộ quy tắc: {} (áp dụng ngày {})\nKết quả: {}\n",
        v.award_name,
        v.award,
        v.year,
        v.rule_set_name,
        v.on.format("%d/%m/%Y"),
        if v.eligible() { "ĐỦ ĐIỀU KIỆN" } else { "CHƯA ĐỦ ĐIỀU KIỆN" }
    );
    for (i, r) in v.routes.iter().enumerate() {
        out.push_str(&format!("\nCách {}: {}{}\n", i + 1, r.name, if r.eligible { " — đủ điều kiện" } else { "" }));
        for c in &r.conditions {
            let mark = match c.status {
                Status::Met => "[đạt]",
                Status::NotMet => "[chưa đạt]",
                Status::Review => "[cần xem xét]",
            };
            out.push_str(&format!("  {mark} {}\n", c.text));
            if !c.detail.is_empty() {
                out.push_str(&format!("      {}\n", c.detail));
            }
            out.push_str(&format!("      Căn cứ: {}\n", c.basis));
        }
    }
    out
}
