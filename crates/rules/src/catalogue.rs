//! The catalogue of emulation titles and forms of commendation (`data/catalogue.toml`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::history::SubjectKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    DanhHieuThiDua,
    HuanChuong,
    HuyChuong,
    DanhHieuVinhDu,
    GiaiThuong,
    KyNiemChuong,
    BangKhen,
    GiayKhen,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::DanhHieuThiDua => "Danh hiệu thi đua",
            Category::HuanChuong => "Huân chương",
            Category::HuyChuong => "Huy chương",
            Category::DanhHieuVinhDu => "Danh hiệu vinh dự nhà nước",
            Category::GiaiThuong => "Giải thưởng",
            Category::KyNiemChuong => "Kỷ niệm chương",
            Category::BangKhen => "Bằng khen",
            Category::GiayKhen => "Giấy khen",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    Annual,
    Period,
    AdHoc,
    FiveYearly,
    Seniority,
}

impl Periodicity {
    pub fn label(self) -> &'static str {
        match self {
            Periodicity::Annual => "Hằng năm",
            Periodicity::Period => "Theo giai đoạn",
            Periodicity::AdHoc => "Khi có thành tích",
            Periodicity::FiveYearly => "05 năm một lần",
            Periodicity::Seniority => "Theo thời gian công tác",
        }
    }
}

/// One title or form of commendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardType {
    pub code: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub name: String,
    pub category: Category,
    pub subjects: Vec<SubjectKind>,
    pub level: String,
    pub authority: String,
    pub periodicity: Periodicity,
    /// Years of achievement one award covers; 1 when not given.
    #[serde(default)]
    pub period_years: Option<u8>,
    /// Reward in multiples of the base salary, where a text gives it.
    #[serde(default)]
    pub multiplier: Option<f64>,
    pub article: String,
    pub evidence: String,
}

impl AwardType {
    pub fn period(&self) -> i32 {
        i32::from(self.period_years.unwrap_or(1).max(1))
    }

    pub fn level_label(&self) -> &'static str {
        match self.level.as_str() {
            "nha_nuoc" => "Nhà nước",
            "chinh_phu" => "Chính phủ",
            "tinh" => "Tỉnh",
            "co_so" => "Cơ sở",
            _ => "",
        }
    }

    pub fn subjects_label(&self) -> String {
        self.subjects.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    award: Vec<AwardType>,
}

/// The catalogue, looked up by code or alias, case-insensitively.
#[derive(Debug, Clone)]
pub struct Catalogue {
    awards: Vec<AwardType>,
    index: HashMap<String, usize>,
}

/// A catalogue file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("danh mục khen thưởng không đọc được: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("mã {0} xuất hiện hai lần trong danh mục")]
    Duplicate(String),
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let file: File = toml::from_str(text)?;
        let mut index = HashMap::new();
        for (i, a) in file.award.iter().enumerate() {
            for code in std::iter::once(&a.code).chain(&a.aliases) {
                if index.insert(code.to_ascii_uppercase(), i).is_some() {
                    return Err(CatalogueError::Duplicate(code.clone()));
                }
            }
        }
        Ok(Catalogue { awards: file.award, index })
    }

    /// The catalogue shipped with this version of tdkt.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Catalogue::parse(include_str!("../data/catalogue.toml")).expect("data/catalogue.toml is checked by tests")
        })
    }

    pub fn get(&self, code: &str) -> Option<&AwardType> {
        self.index.get(&code.trim().to_ascii_uppercase()).map(|&i| &self.awards[i])
    }

    /// The primary code of a code or alias.
    pub fn canonical<'a>(&'a self, code: &str) -> Option<&'a str> {
        self.get(code).map(|a| a.code.as_str())
    }

    pub fn all(&self) -> &[AwardType] {
        &self.awards
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_has_every_code_of_the_law_notes() {
        let c = Catalogue::builtin();
        for code in [
            "LDTT",
            "CSTT",
            "CSTD_CS",
            "CSTD_TINH",
            "CSTD_TQ",
            "TTLDTT",
            "TTLDXS",
            "CO_TD_TINH",
            "CO_TD_CP",
            "BK_TINH",
            "BK_TTG",
            "GK",
            "HCLD1",
            "HCLD2",
            "HCLD3",
            "HC_SAO_VANG",
            "HC_HCM",
            "XA_TIEU_BIEU",
            "THON_VH",
            "GD_VH",
            "KNC",
            "GT_HCM",
            "GT_NN",
            "DH_AHLD",
            "HUYC_TNXP",
        ] {
            assert!(c.get(code).is_some(), "{code} missing");
        }
        assert_eq!(c.canonical("bk_bbnt"), Some("BK_TINH"));
        assert_eq!(c.canonical("CSTD_BO"), Some("CSTD_TINH"));
        assert_eq!(c.canonical("CO_TD_BBNT"), Some("CO_TD_TINH"));
        assert_eq!(c.get("CSTD_TINH").map(AwardType::period), Some(3));
        assert_eq!(c.get("LDTT").and_then(|a| a.multiplier), Some(0.3));
        assert!(c.get("NOPE").is_none());
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let text = r#"
[[award]]
code = "A"
name = "a"
category = "bang_khen"
subjects = ["individual"]
level = "tinh"
authority = "x"
periodicity = "ad_hoc"
article = "Điều 1"
evidence = "I"
aliases = ["A"]
"#;
        assert!(matches!(Catalogue::parse(text), Err(CatalogueError::Duplicate(_))));
    }
}
