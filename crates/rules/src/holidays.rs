//! The public holidays with a fixed date (`data/holidays.toml`); the province adds the days that
//! move each year.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedHoliday {
    pub month: u32,
    pub day: u32,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayFile {
    pub basis: String,
    pub fixed: Vec<FixedHoliday>,
}

/// The shipped file; the tests check it parses and names real days.
pub fn builtin() -> &'static HolidayFile {
    static FILE: OnceLock<HolidayFile> = OnceLock::new();
    FILE.get_or_init(|| {
        toml::from_str(include_str!("../data/holidays.toml"))
            .unwrap_or(HolidayFile { basis: String::new(), fixed: vec![] })
    })
}

/// The calendar with the fixed holidays and `days` entered by the province.
pub fn calendar(days: impl IntoIterator<Item = chrono::NaiveDate>) -> tdkt_domain::calendar::Holidays {
    tdkt_domain::calendar::Holidays {
        fixed: builtin().fixed.iter().map(|f| (f.month, f.day)).collect(),
        days: days.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_with_real_days() {
        let parsed: HolidayFile = toml::from_str(include_str!("../data/holidays.toml")).expect("holidays.toml");
        assert_eq!(parsed.fixed.len(), 4);
        assert!(parsed.basis.contains("Điều 112"));
        for f in &parsed.fixed {
            assert!(chrono::NaiveDate::from_ymd_opt(2026, f.month, f.day).is_some(), "{}", f.name);
        }
        assert_eq!(builtin().fixed.len(), 4);
    }
}
