//! A row of an imported file as cells by field name, between the spreadsheet reader and the
//! import that checks it.

/// One row: its number as the user sees it in the file, and each column's cell by field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    pub number: usize,
    pub cells: Vec<(&'static str, String)>,
}

impl FieldRow {
    pub fn new(number: usize, cells: Vec<(&'static str, String)>) -> FieldRow {
        FieldRow { number, cells }
    }

    /// The cell of `field`, trimmed ("" when the file has no such column).
    pub fn get(&self, field: &str) -> &str {
        self.cells.iter().find(|(f, _)| *f == field).map_or("", |(_, v)| v.trim())
    }
}
