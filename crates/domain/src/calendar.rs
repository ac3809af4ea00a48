//! Working days (ngày làm việc): not a Saturday, a Sunday or a public holiday. The holidays come
//! from the caller: the fixed ones shipped with the rules and the days the province enters as the
//! Government announces them each year.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// The days that are not working days besides weekends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays {
    /// (month, day) every year.
    pub fixed: Vec<(u32, u32)>,
    /// Days of one year (lunar New Year, compensation days...).
    pub days: BTreeSet<NaiveDate>,
}

impl Holidays {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.fixed.contains(&(d.month(), d.day()))
            && !self.days.contains(&d)
    }

    /// The `n`th working day counting from `start` (itself included when it is one): the last
    /// day of a period of `n` working days that starts on `start`. `n = 0` gives `start`.
    pub fn nth_working_day(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut counted = 0;
        // A year has far fewer than 366 holidays, so this ends; the bound keeps it total.
        for _ in 0..(n as usize * 7 + 400) {
            if counted == n {
                break;
            }
            if self.is_working_day(d) {
                counted += 1;
                if counted == n {
                    break;
                }
            }
            d = d.succ_opt().unwrap_or(d);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn vietnam() -> Holidays {
        Holidays { fixed: vec![(1, 1), (4, 30), (5, 1), (9, 2)], days: BTreeSet::new() }
    }

    #[test]
    fn weekends_and_holidays_do_not_count() {
        let h = vietnam();
        // Monday 2 November 2026: ten working days end on Friday 13 November.
        assert_eq!(h.nth_working_day(day(2026, 11, 2), 10), day(2026, 11, 13));
        // Started on a Saturday: the count begins on Monday.
        assert_eq!(h.nth_working_day(day(2026, 11, 7), 1), day(2026, 11, 9));
        // 30/4 and 1/5/2026 are Thursday and Friday: from Tuesday 28/4, five working days end on
        // Wednesday 6/5.
        assert_eq!(h.nth_working_day(day(2026, 4, 28), 5), day(2026, 5, 6));
        assert!(!h.is_working_day(day(2026, 9, 2)));
        assert_eq!(h.nth_working_day(day(2026, 11, 2), 0), day(2026, 11, 2));
    }

    #[test]
    fn days_the_province_enters_do_not_count() {
        let mut h = vietnam();
        assert!(h.is_working_day(day(2026, 2, 16)));
        h.days.extend([day(2026, 2, 16), day(2026, 2, 17)]);
        assert!(!h.is_working_day(day(2026, 2, 16)));
        // From Friday 13/2: 13, then 18, 19 (16 and 17 entered, 14-15 a weekend).
        assert_eq!(h.nth_working_day(day(2026, 2, 13), 3), day(2026, 2, 19));
    }
}
