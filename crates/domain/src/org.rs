//! Organisation (module 1): units, people, clusters and blocks, the council.
//!
//! Each enum has a stable snake_case code (stored in the database, used in files and the API)
//! and a Vietnamese label for pages.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::text;

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code stored in the database and used in files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The Vietnamese label shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            /// Accepts the code or the Vietnamese label, ignoring case and diacritics.
            pub fn parse(input: &str) -> Option<$name> {
                let key = text::fold(input).replace(' ', "_");
                $name::ALL.iter().copied().find(|v| {
                    v.code() == key || text::fold(v.label()).replace(' ', "_") == key
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use coded_enum;

coded_enum!(
    /// What kind of body a unit is.
    UnitKind {
        PeoplesCommittee = "ubnd", "Ủy ban nhân dân";
        Department = "so_nganh", "Sở, ban, ngành";
        Commune = "xa_phuong", "Xã, phường";
        Enterprise = "doanh_nghiep", "Doanh nghiệp";
        School = "truong_hoc", "Trường học";
        Hospital = "co_so_y_te", "Bệnh viện, cơ sở y tế";
        Association = "hoi_doan_the", "Hội, đoàn thể";
        Other = "khac", "Khác";
    }
);

coded_enum!(
    Gender {
        Male = "nam", "Nam";
        Female = "nu", "Nữ";
    }
);

coded_enum!(
    /// Whether a person holds a leading or managing post, or is a direct worker
    /// (the plans ask for a share of awards to direct workers).
    Leadership {
        Leader = "lanh_dao", "Lãnh đạo, quản lý";
        Worker = "truc_tiep", "Người lao động trực tiếp";
    }
);

coded_enum!(
    /// Cụm thi đua groups communes and wards; khối thi đua groups agencies of a kind.
    GroupKind {
        Cluster = "cum", "Cụm thi đua";
        Block = "khoi", "Khối thi đua";
    }
);

coded_enum!(
    /// The role of a member unit in a cluster or block for one year.
    GroupRole {
        Head = "truong", "Trưởng cụm/khối";
        Deputy = "pho", "Phó trưởng cụm/khối";
        Member = "thanh_vien", "Thành viên";
    }
);

coded_enum!(
    /// The role of a member in the emulation and commendation council (Hội đồng TĐKT).
    CouncilRole {
        Chair = "chu_tich", "Chủ tịch Hội đồng";
        StandingViceChair = "pho_chu_tich_thuong_truc", "Phó Chủ tịch Thường trực";
        ViceChair = "pho_chu_tich", "Phó Chủ tịch";
        Member = "uy_vien", "Ủy viên";
        Secretary = "thu_ky", "Thư ký";
    }
);

coded_enum!(
    /// How a unit stopped or changed: the successor inherits the predecessor's history.
    LineageKind {
        Merge = "hop_nhat", "Hợp nhất, sáp nhập";
        Split = "chia_tach", "Chia tách";
        Rename = "doi_ten", "Đổi tên";
        Dissolve = "giai_the", "Giải thể";
    }
);

/// A unit code: letters, digits, `.`, `_` and `-`, 1 to 40 characters, stored upper case.
pub fn parse_unit_code(input: &str) -> Result<String, String> {
    let code = text::clean(input).to_uppercase();
    if code.is_empty() {
        return Err("Mã đơn vị không được để trống".into());
    }
    if code.chars().count() > 40 {
        return Err("Mã đơn vị dài quá 40 ký tự".into());
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        return Err("Mã đơn vị chỉ gồm chữ không dấu, số và các dấu . _ -".into());
    }
    Ok(code)
}

/// A name of a unit or person: NFC, single spaces, 1 to `max` characters.
pub fn parse_name(field: &str, input: &str, max: usize, errors: &mut Invalid) -> String {
    let name = text::clean(input);
    if name.is_empty() {
        errors.push(field, "Không được để trống");
    } else if name.chars().count() > max {
        errors.push(field, format!("Dài quá {max} ký tự"));
    }
    name
}

/// A unit to create or to replace the fields of (a form or a spreadsheet row, already parsed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// Code of the parent unit; `None` only for the root (the province's People's Committee).
    pub parent_code: Option<String>,
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
}

/// Raw text fields of a unit, as typed in a form or read from a spreadsheet.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitFields {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub active_from: String,
    #[serde(default)]
    pub active_to: String,
}

impl UnitFields {
    pub fn parse(&self) -> Result<UnitInput, Invalid> {
        let mut errors = Invalid::default();
        let code = parse_unit_code(&self.code).unwrap_or_else(|m| {
            errors.push("code", m);
            String::new()
        });
        let name = parse_name("name", &self.name, 250, &mut errors);
        let kind = match UnitKind::parse(&self.kind) {
            Some(k) => k,
            None => {
                errors.push("kind", format!("Loại đơn vị “{}” không hợp lệ", text::clean(&self.kind)));
                UnitKind::Other
            }
        };
        let parent_code = if text::clean(&self.parent_code).is_empty() {
            None
        } else {
            match parse_unit_code(&self.parent_code) {
                Ok(c) => Some(c),
                Err(m) => {
                    errors.push("parent_code", m);
                    None
                }
            }
        };
        let active_from = optional_date("active_from", &self.active_from, &mut errors);
        let active_to = optional_date("active_to", &self.active_to, &mut errors);
        if let (Some(f), Some(t)) = (active_from, active_to)
            && t < f
        {
            errors.push("active_to", "Ngày kết thúc hoạt động trước ngày bắt đầu");
        }
        if parent_code.as_deref() == Some(code.as_str()) && !code.is_empty() {
            errors.push("parent_code", "Đơn vị không thể là cấp trên của chính nó");
        }
        errors.into_result(UnitInput { code, name, kind, parent_code, active_from, active_to })
    }
}

/// A person to create or update, already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonInput {
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: String,
    pub unit_code: String,
    pub position: String,
    pub leadership: Leadership,
    pub recruited_on: Option<NaiveDate>,
}

/// Raw text fields of a person.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonFields {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub leadership: String,
    #[serde(default)]
    pub recruited_on: String,
}

impl PersonFields {
    /// Parses the fields; `today` bounds the dates (nobody is born or recruited in the future).
    pub fn parse(&self, today: NaiveDate) -> Result<PersonInput, Invalid> {
        let mut errors = Invalid::default();
        let full_name = parse_name("full_name", &self.full_name, 120, &mut errors);
        if !full_name.is_empty() && full_name.chars().any(|c| c.is_ascii_digit()) {
            errors.push("full_name", "Họ và tên không được chứa chữ số");
        }
        let gender = Gender::parse(&self.gender).unwrap_or_else(|| {
            errors.push("gender", "Giới tính phải là “Nam” hoặc “Nữ”");
            Gender::Male
        });
        let birth_date = optional_date("birth_date", &self.birth_date, &mut errors);
        if let Some(b) = birth_date {
            if b > today {
                errors.push("birth_date", "Ngày sinh ở tương lai");
            } else if today.years_since(b).unwrap_or(0) < 15 {
                errors.push("birth_date", "Người dưới 15 tuổi không thể là cán bộ, người lao động");
            }
        }
        let ethnicity = text::clean(&self.ethnicity);
        let ethnicity = if ethnicity.is_empty() { "Kinh".to_string() } else { ethnicity };
        let unit_code = parse_unit_code(&self.unit_code).unwrap_or_else(|m| {
            errors.push("unit_code", m);
            String::new()
        });
        let position = text::clean(&self.position);
        if position.chars().count() > 120 {
            errors.push("position", "Dài quá 120 ký tự");
        }
        let leadership = if text::clean(&self.leadership).is_empty() {
            Leadership::Worker
        } else {
            Leadership::parse(&self.leadership).unwrap_or_else(|| {
                errors.push("leadership", "Phải là “Lãnh đạo, quản lý” hoặc “Người lao động trực tiếp”");
                Leadership::Worker
            })
        };
        let recruited_on = optional_date("recruited_on", &self.recruited_on, &mut errors);
        if let Some(r) = recruited_on {
            if r > today {
                errors.push("recruited_on", "Ngày tuyển dụng ở tương lai");
            }
            if let Some(b) = birth_date
                && r < b
            {
                errors.push("recruited_on", "Ngày tuyển dụng trước ngày sinh");
            }
        }
        errors.into_result(PersonInput {
            full_name,
            gender,
            birth_date,
            ethnicity,
            unit_code,
            position,
            leadership,
            recruited_on,
        })
    }
}

fn optional_date(field: &str, input: &str, errors: &mut Invalid) -> Option<NaiveDate> {
    let s = text::clean(input);
    if s.is_empty() {
        return None;
    }
    match text::parse_date(&s) {
        Some(d) => Some(d),
        None => {
            errors.push(field, format!("Ngày “{s}” không hợp lệ (dạng dd/mm/yyyy)"));
            None
        }
    }
}

/// Ethnic groups of Vietnam most present in Sơn La, offered in forms (others may be typed).
pub const ETHNICITIES: &[&str] =
    &["Kinh", "Thái", "Mông", "Mường", "Dao", "Khơ Mú", "Xinh Mun", "Kháng", "Lào", "La Ha", "Tày", "Lự", "Hoa"];
