//! Reading and writing the spreadsheets that offices exchange with tdkt.
//!
//! Everything here is a pure function over bytes: the web layer hands over an uploaded file and
//! gets back a [`Table`] of cleaned strings, or hands over rows and gets back the bytes of an
//! `.xlsx` or `.csv` download. No file system, database or async runtime is involved.
//!
//! Reading detects the format from the content, never from the file name: Excel 2007+ (`.xlsx`,
//! also `.xlsm` and `.xlsb`), OpenDocument (`.ods`), Excel 97–2003 (`.xls`) and CSV/TSV text in
//! UTF-8 (or UTF-16 with a byte-order mark, which is what Excel's "Unicode Text" produces).
//! Every cell goes through [`tdkt_domain::text::clean`], so text typed in decomposed Unicode
//! comes out in NFC with single spaces.

mod csv_read;
mod detect;
mod error;
pub mod org;
pub mod registry;
mod sheet_read;
mod table;
mod write;

pub use error::SheetError;
pub use table::{Row, Table};
pub use write::{write_csv, write_table, write_xlsx};

/// The largest number of data rows (below the header) that [`read_table`] accepts.
pub const MAX_ROWS: usize = 200_000;

/// The largest number of cells (rows times used columns) that [`read_table`] keeps in memory.
///
/// It guards against files whose few cells sit far apart, which would otherwise expand into
/// an enormous grid of empty strings.
pub const MAX_CELLS: usize = 5_000_000;

/// A file format that tdkt can produce for downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An Excel 2007+ workbook.
    Xlsx,
    /// Comma-separated text in UTF-8 with a byte-order mark.
    Csv,
}

impl Format {
    /// Returns the file extension without the dot, such as `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// Returns the MIME type to send in a `Content-Type` header.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Reads the first worksheet of a spreadsheet, or a CSV file, into a [`Table`].
///
/// The format is detected from the bytes; `file_name` only decides, for text whose content is
/// ambiguous, whether to treat it as CSV (names ending in `.csv`, `.tsv` or `.txt`). The header is
/// the first row with at least two non-empty cells (so a title row above it is skipped), or the
/// first non-empty row when no row has two. Fully empty rows are dropped, trailing empty cells
/// are trimmed, and every [`Row::number`] is the row number Excel shows for that row.
///
/// This function never panics on malformed input: every problem becomes a [`SheetError`].
pub fn read_table(bytes: &[u8], file_name: &str) -> Result<Table, SheetError> {
    match detect::detect(bytes, file_name) {
        detect::Kind::Empty => Err(SheetError::Empty),
        detect::Kind::Zip => sheet_read::read_zip(bytes),
        detect::Kind::Cfb => sheet_read::read_cfb(bytes),
        detect::Kind::Markup => Err(SheetError::HtmlOrXml),
        detect::Kind::Utf16 { big_endian } => csv_read::read_utf16(bytes, big_endian),
        detect::Kind::Text => csv_read::read_utf8(bytes),
        detect::Kind::Binary => Err(SheetError::NotSpreadsheet),
    }
}

#[cfg(test)]
mod tests;
