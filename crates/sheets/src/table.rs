//! The table that reading produces, and the rules shared by every input format.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::{MAX_CELLS, MAX_ROWS, SheetError};

/// A sheet read into cleaned strings: one header row and the data rows below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The header cells, cleaned, without trailing empty cells.
    pub headers: Vec<String>,
    /// The non-empty data rows below the header, in sheet order.
    pub rows: Vec<Row>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The one-based row number as the user sees it in Excel (the header row of a plain sheet
    /// is 1), so that messages such as "dòng 5" point at the right row.
    pub number: usize,
    /// The cells, cleaned, aligned with [`Table::headers`], without trailing empty cells.
    pub cells: Vec<String>,
}

impl Table {
    /// Finds the index of the first header that matches any of `names`.
    ///
    /// Names and headers are compared after folding: diacritics, case, spaces, underscores and
    /// punctuation are ignored and `đ` counts as `d`, so `"ho va ten"`, `"HỌ VÀ TÊN"` and
    /// `"ho_va_ten"` all find the header `Họ và tên`. Earlier names take precedence over later
    /// ones; among equal headers the leftmost wins.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        let headers: Vec<String> = self.headers.iter().map(|h| fold(h)).collect();
        names.iter().map(|n| fold(n)).filter(|n| !n.is_empty()).find_map(|name| headers.iter().position(|h| *h == name))
    }
}

impl Row {
    /// Returns the cell at `idx`, or `""` when the column is unknown or the row is shorter.
    pub fn get(&self, idx: Option<usize>) -> &str {
        idx.and_then(|i| self.cells.get(i)).map_or("", String::as_str)
    }
}

/// Folds a header for comparison: NFD, no combining marks, `đ` to `d`, lower case, and only
/// letters and digits kept.
pub(crate) fn fold(input: &str) -> String {
    input
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A non-empty row as a reader found it, before the header is chosen.
#[derive(Debug)]
pub(crate) struct RawRow {
    /// The one-based row number as Excel shows it.
    pub number: usize,
    /// The cleaned cells; the last one is non-empty.
    pub cells: Vec<String>,
}

/// How many non-empty rows a reader may collect before giving up.
///
/// The exact check against [`MAX_ROWS`] happens in [`build`], once the header is known; this
/// looser bound only stops a reader from filling memory with an oversized file.
pub(crate) const READ_GUARD_ROWS: usize = MAX_ROWS + 1_000;

/// Removes trailing empty cells.
pub(crate) fn trim_end(cells: &mut Vec<String>) {
    while cells.last().is_some_and(String::is_empty) {
        cells.pop();
    }
}

/// Counts cells against [`MAX_CELLS`].
#[derive(Debug, Default)]
pub(crate) struct CellBudget(usize);

impl CellBudget {
    /// Records `n` more cells, failing once the total exceeds [`MAX_CELLS`].
    pub fn take(&mut self, n: usize) -> Result<(), SheetError> {
        self.0 = self.0.saturating_add(n);
        if self.0 > MAX_CELLS { Err(SheetError::TooManyCells { limit: MAX_CELLS }) } else { Ok(()) }
    }
}

/// Index of the header among non-empty rows: the first with at least two non-empty cells,
/// else the first one.
pub(crate) fn header_index(non_empty_counts: impl Iterator<Item = usize> + Clone) -> Option<usize> {
    non_empty_counts
        .clone()
        .position(|n| n >= 2)
        .or_else(|| non_empty_counts.enumerate().find(|(_, n)| *n > 0).map(|(i, _)| i))
}

/// Turns the non-empty rows of a sheet into a [`Table`], choosing the header row.
pub(crate) fn build(rows: Vec<RawRow>) -> Result<Table, SheetError> {
    let counts = rows.iter().map(|r| r.cells.iter().filter(|c| !c.is_empty()).count());
    let header = header_index(counts).ok_or(SheetError::NoHeader)?;
    let mut rows = rows.into_iter().skip(header);
    let headers = rows.next().map(|r| r.cells).ok_or(SheetError::NoHeader)?;
    let rows: Vec<Row> = rows.map(|r| Row { number: r.number, cells: r.cells }).collect();
    if rows.len() > MAX_ROWS {
        return Err(SheetError::TooManyRows { limit: MAX_ROWS });
    }
    Ok(Table { headers, rows })
}
