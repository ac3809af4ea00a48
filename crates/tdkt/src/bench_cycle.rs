//! `tdkt bench cycle`: the yearly cycle's bulk work on generated data, on SQLite or PostgreSQL.
//!
//! 1. Scoring and ranking: `blocks` blocks of `units` units each, a score sheet of `criteria`
//!    criteria per block; every unit's own points are written (one transaction per unit, as the
//!    page does), then every block is ranked `runs` times (the ranking reads the block's scores
//!    and totals them).
//! 2. Plan import: a plan of `tasks` tasks in its tab-separated appendix, naming the generated
//!    units, is read (`plan::parse`) and stored with every task and matched unit (`plans::create`),
//!    `runs` times.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure};
use tdkt_domain::emulation::{CriterionInput, CriterionKind};
use tdkt_domain::org::{GroupKind, GroupRole, UnitInput, UnitKind};
use tdkt_store::{Actor, Db, org, plans, scoring};

use crate::bench::bar;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort_unstable();
    let pick = |q: f64| v.get(((v.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default();
    (ms(v[0]), ms(pick(0.5)), ms(*v.last().unwrap_or(&Duration::ZERO)))
}

pub async fn run(
    database_url: Option<&str>,
    blocks: usize,
    units: usize,
    criteria: usize,
    tasks: usize,
    runs: usize,
) -> anyhow::Result<ExitCode> {
    ensure!(blocks > 0 && units > 0 && criteria > 0 && tasks > 0 && runs > 0, "các số phải lớn hơn 0");
    let url = crate::bench::bench_url(database_url)?;
    let db = Db::connect(&url).await?;
    tdkt_store::migrate::migrate(&db).await?;
    if !org::is_empty(&db).await? {
        bail!("cơ sở dữ liệu benchmark phải trống");
    }
    println!("Cơ sở dữ liệu: {}", tdkt_store::db::redact(&url));

    // The province and its units, grouped into blocks.
    let t = Instant::now();
    let mut w = db.write(&Actor::system("tdkt bench")).await?;
    let unit = |code: String, name: String, parent: Option<&str>| UnitInput {
        code,
        name,
        kind: if parent.is_none() { UnitKind::PeoplesCommittee } else { UnitKind::Department },
        parent_code: parent.map(str::to_owned),
        active_from: None,
        active_to: None,
    };
    org::create_unit(&mut w, &unit("UBND".into(), "Ủy ban nhân dân tỉnh".into(), None)).await?;
    for b in 0..blocks {
        for u in 0..units {
            let code = format!("DV-{b:02}-{u:02}");
            let name = format!("Cơ quan thử nghiệm số {} của khối {}", u + 1, b + 1);
            org::create_unit(&mut w, &unit(code, name, Some("UBND"))).await?;
        }
        let members = (0..units)
            .map(|u| {
                let role = match u {
                    0 => GroupRole::Head,
                    1 => GroupRole::Deputy,
                    _ => GroupRole::Member,
                };
                (format!("DV-{b:02}-{u:02}"), role)
            })
            .collect();
        org::create_group(
            &mut w,
            &org::GroupInput {
                code: format!("KHOI-{b:02}-2026"),
                name: format!("Khối thi đua số {}", b + 1),
                kind: GroupKind::Block,
                year: 2026,
                members,
            },
        )
        .await?;
    }
    w.commit().await?;
    println!("{} đơn vị, {blocks} khối: {:.1} s", blocks * units, t.elapsed().as_secs_f64());

    // Score sheets and every unit's own points.
    let sheet_criteria: Vec<CriterionInput> = (0..criteria)
        .map(|i| CriterionInput {
            section: format!("Phần {}", i / 10 + 1),
            code: format!("{}.{}", i / 10 + 1, i % 10 + 1),
            content: format!("Tiêu chí thử nghiệm số {}", i + 1),
            max_points: 10_000,
            kind: match i % 25 {
                23 => CriterionKind::Bonus,
                24 => CriterionKind::Penalty,
                _ => CriterionKind::Normal,
            },
            evidence_required: false,
        })
        .collect();
    let groups = org::list_groups(&db, 2026).await?;
    let mut sheets = Vec::new();
    let mut w = db.write(&Actor::system("tdkt bench")).await?;
    for g in &groups {
        sheets.push(scoring::create_sheet(&mut w, g.id, "Bảng chấm điểm thử nghiệm", &sheet_criteria).await?);
    }
    w.commit().await?;
    let pb = bar((blocks * units) as u64, "đơn vị tự chấm");
    let t = Instant::now();
    let mut writes = Vec::with_capacity(blocks * units);
    for (g, sheet) in groups.iter().zip(&sheets) {
        let crits = scoring::criteria(&db.conn, *sheet).await?;
        for (k, m) in org::group_members(&db, g.id).await?.iter().enumerate() {
            let points: Vec<scoring::Points> = crits
                .iter()
                .enumerate()
                .map(|(i, c)| scoring::Points {
                    criterion_id: c.id,
                    points: ((k * 37 + i * 11) % 10_001) as i64,
                    note: String::new(),
                    file: None,
                })
                .collect();
            let one = Instant::now();
            let mut w = db.write(&Actor::system("tdkt bench")).await?;
            scoring::save(&mut w, *sheet, m.unit_id, scoring::Stage::Own, &points).await?;
            w.commit().await?;
            writes.push(one.elapsed());
            pb.inc(1);
        }
    }
    pb.finish_and_clear();
    let total_writes = t.elapsed();
    let (_, p50, max) = median(writes);
    println!(
        "Tự chấm: {} đơn vị × {criteria} tiêu chí = {} điểm trong {:.1} s (mỗi đơn vị: trung vị {p50:.1} ms, lâu nhất {max:.1} ms)",
        blocks * units,
        blocks * units * criteria,
        total_writes.as_secs_f64()
    );
    let mut rank_runs = Vec::new();
    let mut per_block = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        for sheet in &sheets {
            let one = Instant::now();
            let s = scoring::sheet(&db.conn, *sheet).await?;
            let r = scoring::ranking(&db, &s).await?;
            ensure!(r.len() == units && r[0].rank == 1, "xếp hạng sai");
            per_block.push(one.elapsed());
        }
        rank_runs.push(t.elapsed());
    }
    let (min, p50, max) = median(rank_runs);
    let (_, b50, bmax) = median(per_block);
    println!(
        "Xếp hạng cả {blocks} khối ({runs} lần): nhanh nhất {min:.1} ms, trung vị {p50:.1} ms, lâu nhất {max:.1} ms; mỗi khối trung vị {b50:.2} ms, lâu nhất {bmax:.2} ms"
    );

    // A plan of `tasks` tasks naming the generated units.
    let mut text = String::from(
        "KẾ HOẠCH\nCông tác thi đua, khen thưởng năm 2026 (thử nghiệm)\n\nTT\tNỘI DUNG\tDỰ KIẾN THỜI GIAN\tĐƠN VỊ CHỦ TRÌ\tĐƠN VỊ PHỐI HỢP\n",
    );
    let per_group = tasks.div_ceil(4);
    let mut written = 0;
    for q in 1..=4 {
        text.push_str(&format!(
            "<b>{}</b>\t<b>Nhiệm vụ thực hiện trong quý {}</b>\t\t\t\n",
            ["I", "II", "III", "IV"][q - 1],
            ["I", "II", "III", "IV"][q - 1]
        ));
        for n in 1..=per_group {
            if written == tasks {
                break;
            }
            let lead = format!("Cơ quan thử nghiệm số {} của khối {}", n % units + 1, q % blocks + 1);
            let coop = format!(
                "Cơ quan thử nghiệm số {} của khối {}; Các cơ quan, đơn vị, địa phương tham gia cụm, khối thi đua của tỉnh",
                (n + 1) % units + 1,
                (n + 2) % blocks + 1
            );
            let month = (q - 1) * 3 + n % 3 + 1;
            text.push_str(&format!("{n}\tNhiệm vụ thử nghiệm số {n} của quý {q}: tổ chức thực hiện và báo cáo kết quả\t{month:02}/2026\t{lead}\t{coop}\n"));
            written += 1;
        }
    }
    let root = org::find_unit_by_code(&db.conn, "UBND").await?.ok_or_else(|| anyhow::anyhow!("UBND"))?;
    let (mut parse_t, mut store_t) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let parsed = tdkt_domain::plan::parse(&text);
        parse_t.push(t.elapsed());
        ensure!(parsed.tasks.len() == tasks, "đọc được {} nhiệm vụ, cần {tasks}", parsed.tasks.len());
        let t = Instant::now();
        let mut w = db.write(&Actor::system("tdkt bench")).await?;
        let id = plans::create(
            &mut w,
            &plans::NewPlan {
                parsed: &parsed,
                unit_id: root.id,
                group_id: None,
                parent_id: None,
                year: None,
                source_name: "bench",
            },
        )
        .await?;
        w.commit().await?;
        store_t.push(t.elapsed());
        let p = plans::get(&db.conn, id, tdkt_store::db::today()).await?;
        ensure!(p.tasks as usize == tasks, "lưu {} nhiệm vụ, cần {tasks}", p.tasks);
    }
    let (pmin, p50, pmax) = median(parse_t);
    let (smin, s50, smax) = median(store_t);
    println!(
        "Kế hoạch {tasks} nhiệm vụ ({} KB), {runs} lần: đọc văn bản trung vị {p50:.1} ms ({pmin:.1}–{pmax:.1}); lưu kèm đối chiếu đơn vị trung vị {s50:.1} ms ({smin:.1}–{smax:.1})",
        text.len() / 1024
    );
    Ok(ExitCode::SUCCESS)
}
