//! The columns of the organisation lists (units, people) in files: the headers we write, the
//! names we accept when reading, and the mapping from a row to the domain's raw fields.

use tdkt_domain::org::{PersonFields, UnitFields};

use crate::{Row, Table};

/// One column: the header we write, and the other names accepted when reading.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

pub const UNIT_COLUMNS: &[Column] = &[
    Column { field: "code", header: "Mã đơn vị", aliases: &["code", "ma"], required: true },
    Column { field: "name", header: "Tên đơn vị", aliases: &["name", "ten", "ten co quan"], required: true },
    Column { field: "kind", header: "Loại đơn vị", aliases: &["kind", "loai"], required: true },
    Column {
        field: "parent_code",
        header: "Mã đơn vị cấp trên",
        aliases: &["parent_code", "ma cap tren"],
        required: false,
    },
    Column {
        field: "active_from", header: "Hoạt động từ ngày", aliases: &["active_from", "tu ngay"], required: false
    },
    Column {
        field: "active_to", header: "Hoạt động đến ngày", aliases: &["active_to", "den ngay"], required: false
    },
];

pub const PERSON_COLUMNS: &[Column] = &[
    Column { field: "id", header: "Mã hệ thống", aliases: &["id", "ma he thong"], required: false },
    Column {
        field: "full_name", header: "Họ và tên", aliases: &["full_name", "ho ten", "ho va ten"], required: true
    },
    Column { field: "gender", header: "Giới tính", aliases: &["gender", "gioi"], required: true },
    Column {
        field: "birth_date",
        header: "Ngày sinh",
        aliases: &["birth_date", "ngay thang nam sinh"],
        required: false,
    },
    Column { field: "ethnicity", header: "Dân tộc", aliases: &["ethnicity"], required: false },
    Column { field: "unit_code", header: "Mã đơn vị", aliases: &["unit_code", "ma don vi"], required: true },
    Column { field: "unit_name", header: "Tên đơn vị", aliases: &["unit_name"], required: false },
    Column { field: "position", header: "Chức vụ", aliases: &["position", "chuc danh"], required: false },
    Column {
        field: "leadership",
        header: "Lãnh đạo hay lao động trực tiếp",
        aliases: &["leadership", "lanh dao"],
        required: false,
    },
    Column {
        field: "recruited_on",
        header: "Ngày tuyển dụng",
        aliases: &["recruited_on", "ngay vao co quan"],
        required: false,
    },
];

/// The header of the column that holds `field`, for error messages.
pub fn header_of(columns: &[Column], field: &str) -> &'static str {
    columns.iter().find(|c| c.field == field).map(|c| c.header).unwrap_or("")
}

/// Column positions of a table, or the Vietnamese message naming the missing columns.
pub fn locate(table: &Table, columns: &[Column]) -> Result<Vec<Option<usize>>, String> {
    let mut found = Vec::with_capacity(columns.len());
    let mut missing = Vec::new();
    for c in columns {
        let mut names = vec![c.header];
        names.extend_from_slice(c.aliases);
        let idx = table.column(&names);
        if idx.is_none() && c.required {
            missing.push(format!("“{}”", c.header));
        }
        found.push(idx);
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(format!("Thiếu cột {} ở dòng tiêu đề", missing.join(", ")))
    }
}

fn cell(row: &Row, cols: &[Option<usize>], columns: &[Column], field: &str) -> String {
    let i = columns.iter().position(|c| c.field == field).and_then(|i| cols[i]);
    row.get(i).to_string()
}

/// The rows of a units table as raw fields, with their row numbers.
pub fn unit_rows(table: &Table) -> Result<Vec<(usize, UnitFields)>, String> {
    let cols = locate(table, UNIT_COLUMNS)?;
    Ok(table
        .rows
        .iter()
        .map(|r| {
            let c = |f: &str| cell(r, &cols, UNIT_COLUMNS, f);
            (
                r.number,
                UnitFields {
                    code: c("code"),
                    name: c("name"),
                    kind: c("kind"),
                    parent_code: c("parent_code"),
                    active_from: c("active_from"),
                    active_to: c("active_to"),
                },
            )
        })
        .collect())
}

/// The rows of a people table: row number, the system id when the file has one (then the row
/// updates that person), and the raw fields.
pub fn person_rows(table: &Table) -> Result<Vec<(usize, String, PersonFields)>, String> {
    let cols = locate(table, PERSON_COLUMNS)?;
    Ok(table
        .rows
        .iter()
        .map(|r| {
            let c = |f: &str| cell(r, &cols, PERSON_COLUMNS, f);
            (
                r.number,
                c("id"),
                PersonFields {
                    full_name: c("full_name"),
                    gender: c("gender"),
                    birth_date: c("birth_date"),
                    ethnicity: c("ethnicity"),
                    unit_code: c("unit_code"),
                    position: c("position"),
                    leadership: c("leadership"),
                    recruited_on: c("recruited_on"),
                },
            )
        })
        .collect())
}

/// The headers to write for a list.
pub fn headers(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.header).collect()
}
