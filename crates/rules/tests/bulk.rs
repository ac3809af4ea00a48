//! The bulk plan gives every person the routes `Engine::check` finds eligible, on random histories
//! made to sit near the rules' boundaries, for every individual rule, several years and dates.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use tdkt_rules::Engine;
use tdkt_rules::bulk::{Panel, Plan, Width};
use tdkt_rules::history::{
    AwardKind, AwardRecord, DisciplineRecord, History, InitiativeRecord, Level, Rating, RatingRecord, SubjectKind,
    WorkKind,
};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const CODES: &[&str] = &["LDTT", "CSTD_CS", "CSTD_TINH", "CSTD_BBNT", "BK_TINH", "BK_BO", "BK_TTG", "CSTD_TQ", "HCLD3"];

fn history(rng: &mut Rng) -> History {
    let mut h = History::new(SubjectKind::Individual);
    let first = 2000 + rng.below(26) as i32;
    if rng.chance(90) {
        let y = first - 1 + rng.below(2) as i32;
        h.subject.recruited_on = NaiveDate::from_ymd_opt(y, 1 + rng.below(12) as u32, 1 + rng.below(31) as u32)
            .or(NaiveDate::from_ymd_opt(y, 6, 30));
    }
    let good = rng.below(100);
    for y in first..=2026 {
        if rng.chance(4) {
            continue;
        }
        let roll = rng.below(100);
        let rating = if roll < good / 2 {
            Rating::Htxsnv
        } else if roll < 90 {
            Rating::Httnv
        } else if roll < 97 {
            Rating::Htnv
        } else {
            Rating::Khtnv
        };
        h.ratings.push(RatingRecord { year: y, rating });
        if rating <= Rating::Httnv && rng.chance(80) {
            h.awards.push(AwardRecord {
                code: "LDTT".into(),
                year: y,
                kind: AwardKind::CongTrang,
                revoked: false,
                decision: None,
            });
        }
        if rating == Rating::Htxsnv && rng.chance(60) {
            h.awards.push(AwardRecord {
                code: "CSTD_CS".into(),
                year: y,
                kind: AwardKind::CongTrang,
                revoked: rng.chance(3),
                decision: None,
            });
        }
        for _ in 0..rng.below(3) {
            if rng.chance(40) {
                let level = [Level::CoSo, Level::CoSo, Level::Tinh, Level::ToanQuoc][rng.below(4) as usize];
                let kind = if rng.chance(70) { WorkKind::SangKien } else { WorkKind::DeTai };
                h.initiatives.push(InitiativeRecord { year: y, level, kind });
            }
        }
        if rng.chance(12) {
            let code = CODES[rng.below(CODES.len() as u64) as usize];
            let kind = AwardKind::ALL[if rng.chance(70) { 0 } else { rng.below(7) as usize }];
            h.awards.push(AwardRecord { code: code.into(), year: y, kind, revoked: rng.chance(5), decision: None });
        }
    }
    if rng.chance(8) {
        let y = 2015 + rng.below(12) as i32;
        let from = NaiveDate::from_ymd_opt(y, 1 + rng.below(12) as u32, 10).unwrap();
        let to = if rng.chance(20) { None } else { from.checked_add_days(chrono::Days::new(100 + rng.below(500))) };
        h.discipline.push(DisciplineRecord { from, to });
    }
    if rng.chance(4) {
        h.pending.push("complaint".into());
    }
    if rng.chance(1) {
        // Outside the years a panel word holds: judged by the engine itself.
        h.ratings.push(RatingRecord { year: 1985, rating: Rating::Httnv });
    }
    h
}

#[test]
fn bulk_agrees_with_the_engine() {
    let engine = Engine::builtin().unwrap();
    let mut rng = Rng(20261121);
    let histories: Vec<History> = (0..3000).map(|_| history(&mut rng)).collect();
    let mut panel = Panel::default();
    for (i, h) in histories.iter().enumerate() {
        panel.push(i as i64 + 1, (i % 7) as i64, h, &engine.catalogue);
    }
    panel.finish();
    assert!(!panel.outside.is_empty(), "some histories fall outside the panel's years");
    // The stored form reads back the same.
    let enc = panel.encode();
    let back = Panel::decode(enc.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).unwrap();
    assert_eq!(back, panel);
    // So do chunks of it, read into one panel.
    let mut parts = Vec::new();
    for (k, hs) in histories.chunks(1000).enumerate() {
        let mut part = Panel::default();
        for (j, h) in hs.iter().enumerate() {
            let i = k * 1000 + j;
            part.push(i as i64 + 1, (i % 7) as i64, h, &engine.catalogue);
        }
        part.finish();
        parts.push(part.encode());
    }
    let views: Vec<Vec<(&str, &[u8])>> =
        parts.iter().map(|p| p.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect()).collect();
    for threads in [1, 2, 3] {
        assert_eq!(Panel::decode_chunks(&views, threads).unwrap(), panel, "{threads} threads");
    }

    let mut compared = 0;
    let mut eligible = 0;
    for award in ["LDTT", "CSTD_CS", "CSTD_TINH", "CSTD_TQ", "BK_TINH", "BK_TTG", "HCLD3", "BK_BBNT"] {
        for (year, on) in [
            (2024, None),
            (2025, None),
            (2025, NaiveDate::from_ymd_opt(2025, 3, 1)),
            (2026, None),
            (2024, NaiveDate::from_ymd_opt(2026, 5, 20)),
        ] {
            let plan = Plan::new(&engine, award, year, on).unwrap();
            let verdicts: Vec<_> = histories.iter().map(|h| engine.check(h, award, year, on).unwrap()).collect();
            // Both widths of short words give the engine's answer, on one thread or several.
            for width in [Some(Width::Narrow), Some(Width::Wide), None] {
                let bound = match width {
                    Some(w) => plan.bind_as(&back, w),
                    None => plan.bind(&back),
                };
                let undecided = plan.undecided(&bound);
                println!("{award} {year} {on:?} {width:?}: {undecided} to the whole words");
                if width.is_none() && award != "CSTD_TQ" {
                    // The width the plan picks leaves few to the whole words (CSTD_TQ asks for
                    // titles awarded every few years: all of them).
                    assert!(undecided * 10 < histories.len(), "{award} {year}: {undecided} to the whole words");
                }
                for threads in [1, 2, 3] {
                    let mut bits = plan.run(&bound, threads).unwrap();
                    for &i in &back.outside {
                        bits[i as usize] = plan.judge(&histories[i as usize]).unwrap();
                    }
                    for (i, (h, v)) in histories.iter().zip(&verdicts).enumerate() {
                        let want = v.routes.iter().enumerate().fold(0u8, |a, (r, x)| a | (u8::from(x.eligible) << r));
                        assert_eq!(
                            bits[i],
                            want,
                            "{award} {year} {on:?} {width:?} {threads} threads, person {i}: bulk {:b}, engine {want:b}\n{}",
                            bits[i],
                            serde_json::to_string_pretty(v).unwrap()
                        );
                        let held = h.awards.iter().any(|a| {
                            !a.revoked && a.year == year && engine.catalogue.canonical(&a.code) == Some(&v.award)
                        });
                        if !back.outside.contains(&(i as u32)) {
                            assert_eq!(plan.held(&bound, i), held, "{award} {year} {width:?} person {i}: held");
                        }
                        compared += 1;
                        eligible += usize::from(want != 0);
                    }
                }
            }
        }
    }
    // The histories reach both outcomes often enough for the comparison to mean something.
    assert!(eligible > compared / 20 && eligible < compared * 19 / 20, "{eligible} of {compared}");
}

#[test]
fn plans_read_only_the_columns_they_need() {
    let engine = Engine::builtin().unwrap();
    let plan = Plan::new(&engine, "BK_TINH", 2025, None).unwrap();
    let cols = plan.columns();
    assert!(cols.contains(&"award:CSTD_CS:cong_trang".to_string()));
    assert!(cols.contains(&"rating:HTXSNV".to_string()));
    assert!(cols.contains(&"init:sang_kien:co_so".to_string()));
    assert!(!cols.iter().any(|c| c.starts_with("rating:HTTNV") || c.starts_with("award:LDTT")));
    assert!(!cols.contains(&"recruited".to_string()));
    // Two years back and a restart after the last Bằng khen: one byte a person and column.
    assert_eq!(plan.width(), Width::Narrow);
    // Years since an earlier award, which may be long ago: two bytes.
    assert_eq!(Plan::new(&engine, "BK_TTG", 2025, None).unwrap().width(), Width::Wide);
}

#[test]
fn collective_rules_and_far_years_are_refused() {
    let engine = Engine::builtin().unwrap();
    assert!(Plan::new(&engine, "TTLDTT", 2025, None).is_err());
    let e = Plan::new(&engine, "BK_TINH", 2070, None).unwrap_err();
    assert!(e.to_string().contains("2070"), "{e}");
    assert!(Panel::decode([("id", &[1u8, 2, 3][..])]).is_err());
}
