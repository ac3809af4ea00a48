//! Dated parameters (`data/params.toml`) and a province's own values on top of them.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One dated value of a parameter. No `value` means "not set from this date".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamValue {
    pub from: NaiveDate,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub evidence: String,
    pub basis: String,
    pub values: Vec<ParamValue>,
}

/// A value a province set, which wins over the shipped ones from its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub key: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The value in force on a date, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub value: Option<f64>,
    /// Whether the value is the province's own.
    pub province: bool,
    pub basis: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    #[error("tệp tham số không đọc được: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("tham số “{0}” không có trong danh mục tham số")]
    Unknown(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    param: Vec<Param>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    #[serde(default, rename = "override")]
    overrides: Vec<Override>,
}

#[derive(Debug, Clone)]
pub struct Params {
    params: Vec<Param>,
    overrides: Vec<Override>,
}

impl Params {
    pub fn parse(text: &str) -> Result<Params, ParamError> {
        let mut file: File = toml::from_str(text)?;
        for p in &mut file.param {
            p.values.sort_by_key(|v| v.from);
        }
        Ok(Params { params: file.param, overrides: vec![] })
    }

    /// The parameters shipped with this version of tdkt, without a province's values.
    pub fn builtin() -> &'static Params {
        static PARAMS: OnceLock<Params> = OnceLock::new();
        PARAMS.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Params::parse(include_str!("../data/params.toml")).expect("data/params.toml is checked by tests")
        })
    }

    pub fn all(&self) -> &[Param] {
        &self.params
    }

    pub fn overrides(&self) -> &[Override] {
        &self.overrides
    }

    /// Adds a province's value; an unknown key is refused.
    pub fn add_override(&mut self, o: Override) -> Result<(), ParamError> {
        if !self.params.iter().any(|p| p.key == o.key) {
            return Err(ParamError::Unknown(o.key));
        }
        self.overrides.push(o);
        self.overrides.sort_by_key(|o| o.from);
        Ok(())
    }

    /// Reads a province's values from TOML: `[[override]] key = "...", from = "2026-01-01", value = 0.15`.
    pub fn with_overrides_toml(&self, text: &str) -> Result<Params, ParamError> {
        let file: OverrideFile = toml::from_str(text)?;
        let mut out = self.clone();
        for o in file.overrides {
            out.add_override(o)?;
        }
        Ok(out)
    }

    /// The value of `key` in force on `on`: the latest province value from on or before that
    /// date if there is one, otherwise the latest shipped value.
    pub fn resolve(&self, key: &str, on: NaiveDate) -> Option<Resolved> {
        let p = self.params.iter().find(|p| p.key == key)?;
        if let Some(o) = self.overrides.iter().rev().find(|o| o.key == key && o.from <= on) {
            return Some(Resolved {
                value: o.value,
                province: true,
                basis: o.note.clone().unwrap_or_else(|| "Quy định của tỉnh".into()),
            });
        }
        let v = p.values.iter().rev().find(|v| v.from <= on)?;
        Some(Resolved { value: v.value, province: false, basis: p.basis.clone() })
    }

    pub fn value(&self, key: &str, on: NaiveDate) -> Option<f64> {
        self.resolve(key, on).and_then(|r| r.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dated_values_and_province_overrides() {
        let p = Params::builtin();
        assert_eq!(p.value("base_salary", d("2024-06-30")), Some(1_800_000.0));
        assert_eq!(p.value("base_salary", d("2024-07-01")), Some(2_340_000.0));
        assert_eq!(p.value("base_salary", d("2020-01-01")), None);
        assert_eq!(p.value("ldtt.min_service_months", d("2026-12-31")), Some(6.0));
        // Not found in any current text: not set.
        assert_eq!(p.value("ttldtt.min_ldtt_ratio", d("2026-12-31")), None);
        let q = p
            .with_overrides_toml(
                "[[override]]\nkey = \"ttldtt.min_ldtt_ratio\"\nfrom = \"2026-01-01\"\nvalue = 0.5\nnote = \"QĐ 12/2026 của UBND tỉnh\"\n",
            )
            .unwrap();
        assert_eq!(q.value("ttldtt.min_ldtt_ratio", d("2025-12-31")), None);
        let r = q.resolve("ttldtt.min_ldtt_ratio", d("2026-12-31")).unwrap();
        assert_eq!((r.value, r.province, r.basis.as_str()), (Some(0.5), true, "QĐ 12/2026 của UBND tỉnh"));
        assert!(matches!(
            p.with_overrides_toml("[[override]]\nkey = \"nope\"\nfrom = \"2026-01-01\"\n"),
            Err(ParamError::Unknown(_))
        ));
    }
}
