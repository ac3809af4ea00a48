//! When a key task is due, as plans write it: a month (`01/2026`, `6/2026`, "tháng 10"), a
//! quarter ("Quý 1", "Trong quý III"), half a year ("6 tháng đầu năm"), a last day ("Xong trước
//! 30/11/2026"), or "Thường xuyên".

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::text;

/// A task's time, read from the words of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Due {
    Month {
        year: i32,
        month: u32,
    },
    Quarter {
        year: i32,
        quarter: u32,
    },
    Half {
        year: i32,
        half: u32,
    },
    /// To be done by this day.
    By {
        date: NaiveDate,
    },
    /// All year round ("Thường xuyên").
    Regular,
    /// The plan gives no time.
    Missing,
    /// Words tdkt cannot read as a time; kept as written for a person to confirm.
    Unclear,
}

impl Due {
    /// Reads a time as written; `plan_year` completes a month or quarter written without a year.
    pub fn parse(input: &str, plan_year: Option<i32>) -> Due {
        let raw = text::clean(input);
        let folded = text::fold(&raw);
        if folded.is_empty() {
            return Due::Missing;
        }
        if folded.contains("thuong xuyen") || (folded.contains("ca nam") && !folded.contains("thang")) {
            return Due::Regular;
        }
        let year_in_text = year_of(&folded);
        let year = year_in_text.or(plan_year);
        if let Some(date) = full_date(&raw) {
            return Due::By { date };
        }
        if let Some(quarter) = quarter_of(&folded) {
            return year.map_or(Due::Unclear, |year| Due::Quarter { year, quarter });
        }
        if folded.contains("6 thang dau") || folded.contains("sau thang dau") {
            return year.map_or(Due::Unclear, |year| Due::Half { year, half: 1 });
        }
        if folded.contains("6 thang cuoi") || folded.contains("sau thang cuoi") {
            return year.map_or(Due::Unclear, |year| Due::Half { year, half: 2 });
        }
        if let Some((month, y)) = month_slash_year(&raw) {
            return Due::Month { year: y, month };
        }
        if let Some(month) = month_word(&folded) {
            return year.map_or(Due::Unclear, |year| Due::Month { year, month });
        }
        Due::Unclear
    }

    /// A stable code for storage and the API.
    pub fn kind(&self) -> &'static str {
        match self {
            Due::Month { .. } => "month",
            Due::Quarter { .. } => "quarter",
            Due::Half { .. } => "half",
            Due::By { .. } => "by",
            Due::Regular => "regular",
            Due::Missing => "missing",
            Due::Unclear => "unclear",
        }
    }

    /// The first and last day of the period the task is due in; `None` for a task without a
    /// period (regular, missing, unclear). A "by" date has no first day of its own.
    pub fn window(&self) -> Option<(Option<NaiveDate>, NaiveDate)> {
        match *self {
            Due::Month { year, month } => {
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                Some((Some(first), last_of_month(year, month)?))
            }
            Due::Quarter { year, quarter } => {
                let first = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
                Some((Some(first), last_of_month(year, quarter * 3)?))
            }
            Due::Half { year, half } => {
                let first = NaiveDate::from_ymd_opt(year, half * 6 - 5, 1)?;
                Some((Some(first), last_of_month(year, half * 6)?))
            }
            Due::By { date } => Some((None, date)),
            Due::Regular | Due::Missing | Due::Unclear => None,
        }
    }

    /// The last day the task may be done on.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.window().map(|(_, last)| last)
    }

    /// The year the time falls in, when it has one.
    pub fn year(&self) -> Option<i32> {
        match *self {
            Due::Month { year, .. } | Due::Quarter { year, .. } | Due::Half { year, .. } => Some(year),
            Due::By { date } => Some(date.year()),
            Due::Regular | Due::Missing | Due::Unclear => None,
        }
    }

    /// The months (1–12) of `year` a calendar shows the task in: every month of its period, or
    /// the month of its last day.
    pub fn months_in(&self, year: i32) -> Vec<u32> {
        match self.window() {
            Some((Some(first), last)) => (1..=12)
                .filter(|&m| {
                    let (Some(a), Some(b)) = (NaiveDate::from_ymd_opt(year, m, 1), last_of_month(year, m)) else {
                        return false;
                    };
                    a <= last && b >= first
                })
                .collect(),
            Some((None, last)) if last.year() == year => vec![last.month()],
            _ => Vec::new(),
        }
    }

    /// How the time reads in Vietnamese.
    pub fn label(&self) -> String {
        match *self {
            Due::Month { year, month } => format!("Tháng {month:02}/{year}"),
            Due::Quarter { year, quarter } => format!("Quý {} năm {year}", roman(quarter)),
            Due::Half { year, half } => {
                format!("6 tháng {} năm {year}", if half == 1 { "đầu" } else { "cuối" })
            }
            Due::By { date } => format!("Xong trước {}", text::format_date(date)),
            Due::Regular => "Thường xuyên".into(),
            Due::Missing => "Chưa có thời gian".into(),
            Due::Unclear => "Chưa rõ thời gian".into(),
        }
    }
}

fn roman(n: u32) -> &'static str {
    ["", "I", "II", "III", "IV"].get(n as usize).copied().unwrap_or("?")
}

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// A four-digit year between 1990 and 2100 among the folded words.
fn year_of(folded: &str) -> Option<i32> {
    folded.split(' ').filter(|w| w.len() == 4).filter_map(|w| w.parse::<i32>().ok()).find(|y| (1990..=2100).contains(y))
}

/// A whole date `d/m/yyyy` in the text.
fn full_date(raw: &str) -> Option<NaiveDate> {
    raw.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| w.matches(['/', '.', '-']).count() == 2)
        .find_map(|w| text::parse_date(w.trim_end_matches('.')))
}

/// `mm/yyyy` or `m/yyyy`.
fn month_slash_year(raw: &str) -> Option<(u32, i32)> {
    raw.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')').find_map(|w| {
        let (m, y) = w.trim_end_matches('.').split_once('/')?;
        let (m, y): (u32, i32) = (m.parse().ok()?, y.parse().ok()?);
        ((1..=12).contains(&m) && (1990..=2100).contains(&y)).then_some((m, y))
    })
}

/// "quý 1", "quý I", "trong quý III".
pub(crate) fn quarter_of(folded: &str) -> Option<u32> {
    let words: Vec<&str> = folded.split(' ').collect();
    words.windows(2).find(|w| w[0] == "quy").and_then(|w| match w[1] {
        "1" | "i" => Some(1),
        "2" | "ii" => Some(2),
        "3" | "iii" => Some(3),
        "4" | "iv" => Some(4),
        _ => None,
    })
}

/// "tháng 10".
fn month_word(folded: &str) -> Option<u32> {
    let words: Vec<&str> = folded.split(' ').collect();
    words.windows(2).find(|w| w[0] == "thang").and_then(|w| w[1].parse().ok()).filter(|m| (1..=12).contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_ways_plans_write_time() {
        assert_eq!(Due::parse("01/2026", Some(2026)), Due::Month { year: 2026, month: 1 });
        assert_eq!(Due::parse("6/2026", None), Due::Month { year: 2026, month: 6 });
        assert_eq!(Due::parse("03/2025", Some(2026)), Due::Month { year: 2025, month: 3 });
        assert_eq!(Due::parse("Trong quý III", Some(2026)), Due::Quarter { year: 2026, quarter: 3 });
        assert_eq!(Due::parse("Quý 1", Some(2024)), Due::Quarter { year: 2024, quarter: 1 });
        assert_eq!(Due::parse("Quý IV năm 2025", Some(2026)), Due::Quarter { year: 2025, quarter: 4 });
        assert_eq!(Due::parse("Thường xuyên", Some(2026)), Due::Regular);
        assert_eq!(Due::parse("Xong trước 30/11/2026", Some(2026)), Due::By { date: d(2026, 11, 30) });
        assert_eq!(Due::parse("6 tháng đầu năm", Some(2026)), Due::Half { year: 2026, half: 1 });
        assert_eq!(Due::parse("tháng 10", Some(2024)), Due::Month { year: 2024, month: 10 });
        assert_eq!(Due::parse("", Some(2026)), Due::Missing);
        assert_eq!(Due::parse("khi có hướng dẫn", Some(2026)), Due::Unclear);
        assert_eq!(Due::parse("Quý 2", None), Due::Unclear);
    }

    #[test]
    fn windows_and_calendar_months() {
        assert_eq!(Due::Month { year: 2026, month: 2 }.window(), Some((Some(d(2026, 2, 1)), d(2026, 2, 28))));
        assert_eq!(Due::Quarter { year: 2026, quarter: 4 }.deadline(), Some(d(2026, 12, 31)));
        assert_eq!(Due::Half { year: 2026, half: 1 }.deadline(), Some(d(2026, 6, 30)));
        assert_eq!(Due::Quarter { year: 2026, quarter: 3 }.months_in(2026), vec![7, 8, 9]);
        assert_eq!(Due::By { date: d(2026, 11, 30) }.months_in(2026), vec![11]);
        assert!(Due::Month { year: 2025, month: 3 }.months_in(2026).is_empty());
        assert!(Due::Regular.window().is_none());
        assert_eq!(Due::Quarter { year: 2026, quarter: 3 }.label(), "Quý III năm 2026");
    }
}
