//! `tdkt bench eval`: the evaluation of bulk eligibility alone, in memory. The same generated
//! province as `tdkt bench registry` (same people, same 20 years of records), put straight into
//! a panel without a database, then the award's plan bound and run many times: the figure to set
//! beside a vectorised evaluation such as OpenFisca's, which also starts from arrays in memory.

use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use tdkt_rules::Engine;
use tdkt_rules::bulk::{Panel, Plan, Span, Width};
use tdkt_rules::history::{AwardKind, DisciplineRecord, Level, Rating, WorkKind};

use crate::bench::bar;
use crate::bench_registry::{FIRST, LAST, SEED};

pub fn run(people: usize, award: &str, year: i32, runs: usize) -> anyhow::Result<ExitCode> {
    let engine = Engine::builtin()?;
    let t = Instant::now();
    let panel = generate(&engine, people)?;
    println!(
        "bảng tổng hợp của {people} người trong bộ nhớ: {:.1} s ({} cột năm, {} cột sáng kiến)",
        t.elapsed().as_secs_f64(),
        panel.masks.len(),
        panel.planes.len()
    );
    let plan = Plan::new(&engine, award, year, None)?;
    let t = Instant::now();
    let bound = plan.bind(&panel);
    println!("ghép cột {award} {year}: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let years = match bound.width() {
        Width::Narrow => 7,
        Width::Wide => 15,
    };
    println!("xét trên {years} năm gần nhất; {} người cần xét lại trên cả chuỗi năm", plan.undecided(&bound));
    let runs = runs.max(1);
    let mut first: Option<Vec<u8>> = None;
    for t in if threads > 1 { vec![threads, 1] } else { vec![1] } {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let bits = plan.run(&bound, t)?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            // Every run must give the same answer, whatever the number of threads.
            match &first {
                None => first = Some(bits),
                Some(f) => anyhow::ensure!(*f == bits, "hai lần xét cho kết quả khác nhau"),
            }
        }
        times.sort_by(f64::total_cmp);
        let eligible = first.as_ref().map(|b| b.iter().filter(|&&r| r != 0).count()).unwrap_or(0);
        println!(
            "xét {award} {year} ({t} luồng), {runs} lần: nhanh nhất {:.2} ms, trung vị {:.2} ms, chậm nhất {:.2} ms; {eligible} người đủ điều kiện",
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The province of `tdkt bench registry`, person by person, straight into a panel: the rows its
/// CSV files hold (ratings, awards, initiatives), with the discipline periods and open matters
/// the generator gives as well.
fn generate(engine: &Engine, people: usize) -> anyhow::Result<Panel> {
    let province = tdkt_demo::province(2_000, 1);
    let active: Vec<String> = province.units.iter().filter(|u| u.active_to.is_none()).map(|u| u.code.clone()).collect();
    let unit_index: std::collections::HashMap<&str, i64> =
        active.iter().enumerate().map(|(i, c)| (c.as_str(), i as i64 + 1)).collect();
    let recruited_by = NaiveDate::from_ymd_opt(FIRST - 1, 9, 1).unwrap_or_default();
    let mut panel = Panel::default();
    let pb = bar(people as u64, "người");
    for (k, s) in tdkt_demo::people(people, 7, &active, 0).enumerate() {
        let recruited = s.recruited_on.min(recruited_by);
        let unit = unit_index.get(s.unit_code.as_str()).copied().unwrap_or(0);
        let i = panel.add_person(k as i64 + 1, unit, Some(recruited));
        let h = tdkt_demo::history::history(SEED, k as u64, recruited, FIRST, LAST);
        for (y, r) in &h.ratings {
            let r = Rating::parse(r).ok_or_else(|| anyhow::anyhow!("mức đánh giá “{r}”"))?;
            panel.add_rating(i, *y, r);
        }
        for a in &h.awards {
            let Some(code) = engine.catalogue.canonical(a.code) else { continue };
            let kind = AwardKind::parse(a.kind).ok_or_else(|| anyhow::anyhow!("loại khen thưởng “{}”", a.kind))?;
            panel.add_award(i, code, kind, a.year, None);
        }
        for x in &h.initiatives {
            let level = Level::parse(x.level).ok_or_else(|| anyhow::anyhow!("cấp “{}”", x.level))?;
            let kind = WorkKind::parse(x.kind).ok_or_else(|| anyhow::anyhow!("loại “{}”", x.kind))?;
            panel.add_initiative(i, kind, level, x.year);
        }
        for (from, to) in &h.discipline {
            panel.add_discipline(i, DisciplineRecord { from: *from, to: *to });
        }
        for (_, opened) in &h.pending {
            panel.add_pending(i, Span { from: *opened, to: None });
        }
        if k % 10_000 == 0 {
            pb.set_position(k as u64);
        }
    }
    pb.finish_and_clear();
    panel.finish();
    Ok(panel)
}
