//! Award histories of generated people: yearly ratings, emulation titles, Bằng khen, initiatives,
//! the odd discipline period or open complaint. Each person's history depends only on the seed,
//! the person's index and recruitment date, so it can be made for any one person on its own.
//!
//! The titles follow the shape of the law (a title needs its ratings; Bằng khen follow runs of
//! titles) without being a copy of the eligibility rules: units do not nominate everyone who
//! qualifies, which is what the "qualifies but not nominated" search is for.

use chrono::{Datelike, NaiveDate};

use crate::rng::Rng;

/// One award of a generated history: code, achievement year, kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardSeed {
    pub code: &'static str,
    pub year: i32,
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiativeSeed {
    pub year: i32,
    pub title: String,
    /// co_so, tinh or toan_quoc
    pub level: &'static str,
    /// sang_kien or de_tai
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistorySeed {
    /// (year, HTXSNV | HTTNV | HTNV | KHTNV)
    pub ratings: Vec<(i32, &'static str)>,
    pub awards: Vec<AwardSeed>,
    pub initiatives: Vec<InitiativeSeed>,
    /// (from, to) of a discipline period.
    pub discipline: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// (kind, opened on) of an open complaint or inspection.
    pub pending: Vec<(&'static str, NaiveDate)>,
}

const TOPICS: &[&str] = &[
    "cải cách thủ tục hành chính",
    "chuyển đổi số trong tiếp nhận hồ sơ",
    "quản lý văn bản điện tử",
    "nâng cao chất lượng khám chữa bệnh",
    "đổi mới phương pháp dạy học",
    "tuyên truyền pháp luật cho đồng bào dân tộc thiểu số",
    "phát triển cây ăn quả trên đất dốc",
    "bảo vệ rừng phòng hộ",
    "quản lý tài chính, ngân sách",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "phòng chống thiên tai, sạt lở",
];

fn rating_code(i: usize) -> &'static str {
    ["HTXSNV", "HTTNV", "HTNV", "KHTNV"][i]
}

/// The history of the person with this index, from `first_year` (or the year after recruitment)
/// to `last_year`.
pub fn history(seed: u64, index: u64, recruited_on: NaiveDate, first_year: i32, last_year: i32) -> HistorySeed {
    let mut rng = Rng::stream(seed ^ 0x4849_5354, index);
    let mut h = HistorySeed::default();
    // How strong this person's record tends to be, 0..=9.
    let merit = rng.below(10) as u32;
    let start = first_year.max(recruited_on.year());
    let mut cstd_run = 0; // consecutive CSTĐCS up to the year
    let mut last_bk: Option<i32> = None;
    let mut last_cstd_tinh: Option<i32> = None;
    let mut htt_run_since_bk = 0;
    let mut cstd_since_bk = 0;
    let mut last_bk_ttg: Option<i32> = None;
    for year in start..=last_year {
        let w = [30 + 25 * merit, 700 - 20 * merit, 150, 20];
        let r = rng.weighted_index(&w);
        h.ratings.push((year, rating_code(r)));
        let good = r <= 1;
        // Initiatives: better records bring more.
        let mut initiative = false;
        let mut tinh_initiative = false;
        if good && rng.chance(40 + 45 * merit) {
            let level = if rng.chance(8) {
                "toan_quoc"
            } else if rng.chance(120) {
                "tinh"
            } else {
                "co_so"
            };
            let kind = if rng.chance(200) { "de_tai" } else { "sang_kien" };
            let topic = rng.pick(TOPICS);
            let title = if kind == "de_tai" {
                format!("Nghiên cứu giải pháp {topic}")
            } else {
                format!("Sáng kiến {topic}")
            };
            h.initiatives.push(InitiativeSeed { year, title, level, kind });
            initiative = true;
            tinh_initiative = level != "co_so";
        }
        let six_months = NaiveDate::from_ymd_opt(year, 7, 1).is_some_and(|d| recruited_on <= d);
        let ldtt = good && six_months && rng.chance(960);
        if ldtt {
            h.awards.push(AwardSeed { code: "LDTT", year, kind: "cong_trang" });
        }
        let cstd = ldtt && (r == 0 || initiative) && rng.chance(450);
        if cstd {
            h.awards.push(AwardSeed { code: "CSTD_CS", year, kind: "cong_trang" });
            cstd_run += 1;
        } else {
            cstd_run = 0;
        }
        if last_bk.is_some() {
            if good {
                htt_run_since_bk += 1;
                cstd_since_bk += u32::from(cstd);
            } else {
                htt_run_since_bk = 0;
                cstd_since_bk = 0;
            }
        }
        if cstd_run >= 3 && tinh_initiative && last_cstd_tinh.is_none_or(|y| year - y >= 3) && rng.chance(600) {
            h.awards.push(AwardSeed { code: "CSTD_TINH", year, kind: "cong_trang" });
            last_cstd_tinh = Some(year);
        }
        if cstd_run >= 2 && last_bk.is_none_or(|y| year - y >= 2) && rng.chance(450) {
            h.awards.push(AwardSeed { code: "BK_TINH", year, kind: "cong_trang" });
            last_bk = Some(year);
            htt_run_since_bk = 0;
            cstd_since_bk = 0;
        } else if htt_run_since_bk >= 5
            && cstd_since_bk >= 3
            && last_bk_ttg.is_none_or(|y| year - y >= 5)
            && rng.chance(300)
        {
            h.awards.push(AwardSeed { code: "BK_TTG", year, kind: "cong_trang" });
            last_bk_ttg = Some(year);
        }
        // Now and then an ad-hoc or thematic award.
        if rng.chance(12) {
            let code = if rng.chance(300) { "BK_TINH" } else { "GK" };
            let kind = if rng.chance(500) { "dot_xuat" } else { "chuyen_de" };
            h.awards.push(AwardSeed { code, year, kind });
        }
    }
    if rng.chance(6) && start < last_year {
        let y = rng.range(i64::from(start), i64::from(last_year)) as i32;
        let from = NaiveDate::from_ymd_opt(y, rng.range(1, 12) as u32, 1).unwrap_or(recruited_on);
        let to = from.checked_add_months(chrono::Months::new(6)).map(|d| d.pred_opt().unwrap_or(d));
        h.discipline.push((from, to));
    }
    if rng.chance(3) {
        let kind = if rng.chance(600) { "complaint" } else { "inspection" };
        h.pending
            .push((kind, NaiveDate::from_ymd_opt(last_year + 1, rng.range(1, 10) as u32, 5).unwrap_or(recruited_on)));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn histories_are_deterministic_and_shaped_like_the_law() {
        let a = history(7, 42, d(2010, 3, 1), 2019, 2025);
        assert_eq!(a, history(7, 42, d(2010, 3, 1), 2019, 2025));
        let mut titles = 0;
        let mut bk = 0;
        for i in 0..3000 {
            let h = history(7, i, d(2012, 9, 1), 2019, 2025);
            assert_eq!(h.ratings.len(), 7);
            for aw in &h.awards {
                let rating = h.ratings.iter().find(|r| r.0 == aw.year).map(|r| r.1);
                if aw.code == "LDTT" || aw.code == "CSTD_CS" {
                    titles += 1;
                    assert!(matches!(rating, Some("HTXSNV" | "HTTNV")), "{aw:?} with {rating:?}");
                }
                if aw.code == "CSTD_CS" {
                    assert!(h.awards.iter().any(|x| x.code == "LDTT" && x.year == aw.year));
                }
                bk += usize::from(aw.code == "BK_TINH");
            }
        }
        assert!(titles > 10_000 && bk > 50, "titles {titles}, BK {bk}");
        // Recruited in the autumn: no title that year.
        let late = history(7, 1, d(2025, 9, 1), 2019, 2025);
        assert!(late.awards.iter().all(|a| a.code != "LDTT"));
    }
}
