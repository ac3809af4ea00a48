//! What the engine knows about one subject: the history a verdict is computed from.
//!
//! The same shape is read from a JSON file by `tdkt check` and built from the registry by the
//! server; unknown fields in the file are ignored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who an award is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Individual,
    Collective,
    Household,
}

impl SubjectKind {
    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::Individual => "cá nhân",
            SubjectKind::Collective => "tập thể",
            SubjectKind::Household => "hộ gia đình",
        }
    }
}

/// The yearly rating of a person or collective, best first in the order of the variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rating {
    /// Hoàn thành xuất sắc nhiệm vụ.
    #[serde(rename = "HTXSNV", alias = "HTXS")]
    Htxsnv,
    /// Hoàn thành tốt nhiệm vụ.
    #[serde(rename = "HTTNV", alias = "HTT")]
    Httnv,
    /// Hoàn thành nhiệm vụ.
    #[serde(rename = "HTNV", alias = "HT")]
    Htnv,
    /// Không hoàn thành nhiệm vụ.
    #[serde(rename = "KHTNV", alias = "KHT")]
    Khtnv,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Htxsnv, Rating::Httnv, Rating::Htnv, Rating::Khtnv];

    pub fn code(self) -> &'static str {
        match self {
            Rating::Htxsnv => "HTXSNV",
            Rating::Httnv => "HTTNV",
            Rating::Htnv => "HTNV",
            Rating::Khtnv => "KHTNV",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Htxsnv => "hoàn thành xuất sắc nhiệm vụ",
            Rating::Httnv => "hoàn thành tốt nhiệm vụ",
            Rating::Htnv => "hoàn thành nhiệm vụ",
            Rating::Khtnv => "không hoàn thành nhiệm vụ",
        }
    }

    /// Whether this rating is `min` or better.
    pub fn at_least(self, min: Rating) -> bool {
        self <= min
    }

    pub fn parse(code: &str) -> Option<Rating> {
        let c = code.trim().to_ascii_uppercase();
        Rating::ALL.into_iter().find(|r| r.code() == c || r.code().strip_suffix("NV") == Some(c.as_str()))
    }
}

/// The kind of commendation (Law Đ8; the reporting list of form 0603.N).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// Theo công trạng và thành tích đạt được (thường xuyên).
    #[default]
    CongTrang,
    DotXuat,
    ChuyenDe,
    CongHien,
    NienHan,
    DoiNgoai,
    KhangChien,
}

impl AwardKind {
    pub const ALL: [AwardKind; 7] = [
        AwardKind::CongTrang,
        AwardKind::DotXuat,
        AwardKind::ChuyenDe,
        AwardKind::CongHien,
        AwardKind::NienHan,
        AwardKind::DoiNgoai,
        AwardKind::KhangChien,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AwardKind::CongTrang => "cong_trang",
            AwardKind::DotXuat => "dot_xuat",
            AwardKind::ChuyenDe => "chuyen_de",
            AwardKind::CongHien => "cong_hien",
            AwardKind::NienHan => "nien_han",
            AwardKind::DoiNgoai => "doi_ngoai",
            AwardKind::KhangChien => "khang_chien",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AwardKind::CongTrang => "Thường xuyên (công trạng, thành tích)",
            AwardKind::DotXuat => "Đột xuất",
            AwardKind::ChuyenDe => "Chuyên đề (theo đợt)",
            AwardKind::CongHien => "Quá trình cống hiến",
            AwardKind::NienHan => "Niên hạn",
            AwardKind::DoiNgoai => "Đối ngoại",
            AwardKind::KhangChien => "Kháng chiến",
        }
    }

    pub fn parse(code: &str) -> Option<AwardKind> {
        let c = code.trim().to_ascii_lowercase();
        AwardKind::ALL.into_iter().find(|k| k.code() == c)
    }
}

/// The level at which an initiative or science work was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    CoSo,
    #[serde(alias = "bo_tinh")]
    Tinh,
    ToanQuoc,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::CoSo, Level::Tinh, Level::ToanQuoc];

    pub fn code(self) -> &'static str {
        match self {
            Level::CoSo => "co_so",
            Level::Tinh => "tinh",
            Level::ToanQuoc => "toan_quoc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::CoSo => "cơ sở",
            Level::Tinh => "tỉnh (bộ, ban, ngành)",
            Level::ToanQuoc => "toàn quốc",
        }
    }

    pub fn parse(code: &str) -> Option<Level> {
        match code.trim().to_ascii_lowercase().as_str() {
            "co_so" => Some(Level::CoSo),
            "tinh" | "bo_tinh" => Some(Level::Tinh),
            "toan_quoc" => Some(Level::ToanQuoc),
            _ => None,
        }
    }
}

/// An initiative (sáng kiến) or a science work (đề tài, đề án, công trình khoa học).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    #[default]
    SangKien,
    DeTai,
}

impl WorkKind {
    pub fn code(self) -> &'static str {
        match self {
            WorkKind::SangKien => "sang_kien",
            WorkKind::DeTai => "de_tai",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WorkKind::SangKien => "sáng kiến",
            WorkKind::DeTai => "đề tài, đề án, công trình khoa học",
        }
    }

    pub fn parse(code: &str) -> Option<WorkKind> {
        match code.trim().to_ascii_lowercase().as_str() {
            "sang_kien" | "" => Some(WorkKind::SangKien),
            "de_tai" => Some(WorkKind::DeTai),
            _ => None,
        }
    }
}

/// Who organised a cluster or block (cụm, khối thi đua).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organiser {
    #[default]
    Tinh,
    TrungUong,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Date of recruitment (individuals): the rule on new recruits counts from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recruited_on: Option<NaiveDate>,
    /// Date the collective was dissolved, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissolved_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    pub year: i32,
    pub rating: Rating,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardRecord {
    pub code: String,
    /// The (last) year of the achievement the award is for.
    pub year: i32,
    #[serde(default)]
    pub kind: AwardKind,
    /// A revoked award (law G10) counts for nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeRecord {
    pub year: i32,
    pub level: Level,
    #[serde(default)]
    pub kind: WorkKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineRecord {
    pub from: NaiveDate,
    /// The end of the discipline period; none while it lasts.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// The members of a collective in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersRecord {
    pub year: i32,
    pub total: u32,
    /// Members who completed their tasks.
    pub completed: u32,
    pub ldtt: u32,
    pub cstd_cs: u32,
    /// Members disciplined at "cảnh cáo" or above in the year, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disciplined: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedBlockRecord {
    pub year: i32,
    #[serde(default)]
    pub organiser: Organiser,
}

/// Everything the engine reads about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub subject: Subject,
    #[serde(default)]
    pub ratings: Vec<RatingRecord>,
    #[serde(default)]
    pub awards: Vec<AwardRecord>,
    #[serde(default)]
    pub initiatives: Vec<InitiativeRecord>,
    #[serde(default)]
    pub discipline: Vec<DisciplineRecord>,
    /// Open matters that block any award (law G4): complaint, denunciation, inspection,
    /// investigation, discipline (being considered), press.
    #[serde(default)]
    pub pending: Vec<String>,
    #[serde(default)]
    pub members: Vec<MembersRecord>,
    /// Years in which the collective was acclaimed the leader of its cluster or block.
    #[serde(default)]
    pub led_blocks: Vec<LedBlockRecord>,
}

/// A history that cannot be evaluated, with the field at fault named in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct HistoryError {
    pub field: String,
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> HistoryError {
    HistoryError { field: field.into(), message: message.into() }
}

/// Years the engine accepts in a history.
pub const YEARS: std::ops::RangeInclusive<i32> = 1945..=2100;

impl History {
    pub fn new(kind: SubjectKind) -> History {
        History {
            subject: Subject { kind, name: None, recruited_on: None, dissolved_on: None },
            ratings: vec![],
            awards: vec![],
            initiatives: vec![],
            discipline: vec![],
            pending: vec![],
            members: vec![],
            led_blocks: vec![],
        }
    }

    /// Checks what the types cannot: years in range, one rating per year, member counts that add up.
    pub fn validate(&self) -> Result<(), HistoryError> {
        let year_ok = |field: String, y: i32| {
            if YEARS.contains(&y) { Ok(()) } else { Err(err(field, format!("năm {y} không hợp lệ"))) }
        };
        let mut seen = std::collections::HashMap::new();
        for (i, r) in self.ratings.iter().enumerate() {
            year_ok(format!("ratings[{i}].year"), r.year)?;
            if let Some(prev) = seen.insert(r.year, r.rating)
                && prev != r.rating
            {
                return Err(err(
                    format!("ratings[{i}]"),
                    format!("năm {} có hai mức đánh giá khác nhau ({} và {})", r.year, prev.code(), r.rating.code()),
                ));
            }
        }
        for (i, a) in self.awards.iter().enumerate() {
            year_ok(format!("awards[{i}].year"), a.year)?;
            if a.code.trim().is_empty() {
                return Err(err(format!("awards[{i}].code"), "thiếu mã hình thức khen thưởng"));
            }
        }
        for (i, x) in self.initiatives.iter().enumerate() {
            year_ok(format!("initiatives[{i}].year"), x.year)?;
        }
        for (i, d) in self.discipline.iter().enumerate() {
            if let Some(to) = d.to
                && to < d.from
            {
                return Err(err(format!("discipline[{i}]"), "ngày kết thúc kỷ luật trước ngày bắt đầu"));
            }
        }
        for (i, m) in self.members.iter().enumerate() {
            year_ok(format!("members[{i}].year"), m.year)?;
            for (name, n) in [("completed", m.completed), ("ldtt", m.ldtt), ("cstd_cs", m.cstd_cs)] {
                if n > m.total {
                    return Err(err(
                        format!("members[{i}].{name}"),
                        format!("{n} lớn hơn tổng số thành viên ({})", m.total),
                    ));
                }
            }
            if m.disciplined.is_some_and(|d| d > m.total) {
                return Err(err(format!("members[{i}].disciplined"), "lớn hơn tổng số thành viên"));
            }
        }
        for (i, b) in self.led_blocks.iter().enumerate() {
            year_ok(format!("led_blocks[{i}].year"), b.year)?;
        }
        Ok(())
    }

    pub fn rating(&self, year: i32) -> Option<Rating> {
        self.ratings.iter().find(|r| r.year == year).map(|r| r.rating)
    }

    pub fn members(&self, year: i32) -> Option<&MembersRecord> {
        self.members.iter().find(|m| m.year == year)
    }
}

/// The Vietnamese name of an open matter (law G4) as written in a history.
pub fn pending_label(code: &str) -> String {
    match code.trim().to_ascii_lowercase().as_str() {
        "complaint" | "khieu_nai" => "khiếu nại".into(),
        "denunciation" | "to_cao" => "tố cáo".into(),
        "inspection" | "thanh_tra" => "thanh tra, kiểm tra".into(),
        "investigation" | "dieu_tra" => "điều tra".into(),
        "discipline" | "ky_luat" => "đang xem xét kỷ luật".into(),
        "press" | "bao_chi" => "báo chí phản ánh đang xác minh".into(),
        _ => code.trim().to_string(),
    }
}
