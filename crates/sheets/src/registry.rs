//! The columns of the registry lists (awards with their decisions, yearly ratings, initiatives,
//! discipline periods) in files, and the mapping from a row to raw strings. Checking the values
//! (codes, years, who the person is) is the store's import, which knows the catalogue and the
//! database.

use tdkt_domain::rows::FieldRow;

use crate::org::{Column, locate};
use crate::{Row, Table};

/// A registry list that can be imported and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryList {
    Awards,
    Ratings,
    Initiatives,
    Discipline,
}

impl RegistryList {
    pub const ALL: [RegistryList; 4] =
        [RegistryList::Awards, RegistryList::Ratings, RegistryList::Initiatives, RegistryList::Discipline];

    /// The name in URLs and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            RegistryList::Awards => "awards",
            RegistryList::Ratings => "ratings",
            RegistryList::Initiatives => "initiatives",
            RegistryList::Discipline => "discipline",
        }
    }

    pub fn parse(s: &str) -> Option<RegistryList> {
        RegistryList::ALL.into_iter().find(|l| l.code() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistryList::Awards => "khen thưởng (kèm quyết định)",
            RegistryList::Ratings => "đánh giá, xếp loại hằng năm",
            RegistryList::Initiatives => "sáng kiến, đề tài khoa học",
            RegistryList::Discipline => "kỷ luật",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            RegistryList::Awards => AWARD_COLUMNS,
            RegistryList::Ratings => RATING_COLUMNS,
            RegistryList::Initiatives => INITIATIVE_COLUMNS,
            RegistryList::Discipline => DISCIPLINE_COLUMNS,
        }
    }
}

/// The columns that say whose row it is.
const P: [Column; 4] = [
    Column {
        field: "person_id", header: "Mã hệ thống", aliases: &["person_id", "id", "ma he thong"], required: false
    },
    Column {
        field: "full_name", header: "Họ và tên", aliases: &["full_name", "ho ten", "ho va ten"], required: false
    },
    Column {
        field: "birth_date",
        header: "Ngày sinh",
        aliases: &["birth_date", "ngay thang nam sinh"],
        required: false,
    },
    Column { field: "unit_code", header: "Mã đơn vị", aliases: &["unit_code", "ma don vi"], required: false },
];

pub const AWARD_COLUMNS: &[Column] = &[
    P[0],
    P[1],
    P[2],
    P[3],
    Column {
        field: "award",
        header: "Danh hiệu, hình thức khen thưởng",
        aliases: &["award", "award_code", "ma khen thuong", "hinh thuc khen thuong", "danh hieu"],
        required: true,
    },
    Column { field: "year", header: "Năm thành tích", aliases: &["year", "nam"], required: true },
    Column { field: "period_from", header: "Từ năm", aliases: &["period_from"], required: false },
    Column {
        field: "kind", header: "Loại khen thưởng", aliases: &["kind", "loai hinh khen thuong"], required: false
    },
    Column {
        field: "decision_number",
        header: "Số quyết định",
        aliases: &["decision_number", "so qd", "so quyet dinh"],
        required: false,
    },
    Column {
        field: "decision_date",
        header: "Ngày quyết định",
        aliases: &["decision_date", "ngay qd", "ngay ky"],
        required: false,
    },
    Column {
        field: "issuer", header: "Cơ quan ban hành", aliases: &["issuer", "co quan quyet dinh"], required: false
    },
    Column { field: "signer", header: "Người ký", aliases: &["signer"], required: false },
];

pub const RATING_COLUMNS: &[Column] = &[
    P[0],
    P[1],
    P[2],
    P[3],
    Column { field: "year", header: "Năm", aliases: &["year", "nam danh gia"], required: true },
    Column {
        field: "rating",
        header: "Mức xếp loại",
        aliases: &["rating", "xep loai", "muc danh gia", "ket qua danh gia"],
        required: true,
    },
];

pub const INITIATIVE_COLUMNS: &[Column] = &[
    P[0],
    P[1],
    P[2],
    P[3],
    Column {
        field: "title",
        header: "Tên sáng kiến, đề tài",
        aliases: &["title", "ten sang kien", "ten de tai"],
        required: true,
    },
    Column { field: "year", header: "Năm công nhận", aliases: &["year", "nam"], required: true },
    Column {
        field: "level",
        header: "Phạm vi ảnh hưởng",
        aliases: &["level", "cap cong nhan", "pham vi"],
        required: true,
    },
    Column { field: "kind", header: "Loại", aliases: &["kind", "loai"], required: false },
    Column {
        field: "recognised_by",
        header: "Cơ quan công nhận",
        aliases: &["recognised_by", "don vi cong nhan"],
        required: false,
    },
];

pub const DISCIPLINE_COLUMNS: &[Column] = &[
    P[0],
    P[1],
    P[2],
    P[3],
    Column { field: "form", header: "Hình thức kỷ luật", aliases: &["form", "hinh thuc"], required: true },
    Column { field: "starts_on", header: "Từ ngày", aliases: &["starts_on", "ngay quyet dinh"], required: true },
    Column { field: "ends_on", header: "Đến ngày", aliases: &["ends_on", "het thoi han"], required: false },
    Column { field: "note", header: "Ghi chú", aliases: &["note"], required: false },
];

/// The rows of a registry table. A row names its person by "Mã hệ thống", or by name and unit
/// code (and birth date where two share a name); the file must have one way or the other.
pub fn registry_rows(table: &Table, list: RegistryList) -> Result<Vec<FieldRow>, String> {
    let columns = list.columns();
    let cols = locate(table, columns)?;
    let has = |f: &str| columns.iter().position(|c| c.field == f).and_then(|i| cols[i]).is_some();
    let named = has("full_name") && has("unit_code");
    // An award may go to a unit: a row with only its unit code.
    let unit_only = list == RegistryList::Awards && has("unit_code");
    if !(has("person_id") || named || unit_only) {
        return Err(
            "Thiếu cột “Mã hệ thống”, hoặc cột “Họ và tên” cùng cột “Mã đơn vị”, để biết dòng nào của ai".into()
        );
    }
    Ok(table
        .rows
        .iter()
        .map(|r: &Row| {
            FieldRow::new(r.number, columns.iter().zip(&cols).map(|(c, i)| (c.field, r.get(*i).to_string())).collect())
        })
        .collect())
}
