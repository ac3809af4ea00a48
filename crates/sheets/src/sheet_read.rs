//! Reading workbooks (`.xlsx`, `.xlsb`, `.ods`, `.xls`) with calamine.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{
    Data, DataRef, ExcelDateTime, Ods, Reader, Sheet, SheetType, SheetVisible, Xls, XlsError, Xlsb, Xlsx, XlsxError,
};
use chrono::{NaiveTime, Timelike};
use tdkt_domain::text::{clean, format_date, parse_date};

use crate::table::{CellBudget, READ_GUARD_ROWS, RawRow, Table, build, header_index};
use crate::{MAX_ROWS, SheetError};

type Book<'a> = Cursor<&'a [u8]>;

/// The non-empty cells of a sheet: zero-based row index to `(zero-based column, text)`.
type Cells = BTreeMap<u32, Vec<(u32, String)>>;

/// Reads a ZIP-based workbook: `.xlsx`/`.xlsm`, `.xlsb` or `.ods`.
pub(crate) fn read_zip(bytes: &[u8]) -> Result<Table, SheetError> {
    guarded(|| {
        if contains(&bytes[..bytes.len().min(256)], b"opendocument.spreadsheet") {
            let mut book = Ods::new(Cursor::new(bytes)).map_err(|e| broken(&e))?;
            return read_range_book(&mut book);
        }
        let xlsx_error = match Xlsx::new(Cursor::new(bytes)) {
            Ok(mut book) => match first_sheet(book.sheets_metadata()) {
                Some(name) => return read_xlsx(&mut book, &name),
                None => None,
            },
            Err(XlsxError::Zip(e)) => {
                return Err(SheetError::Unreadable(format!("tệp bị hỏng hoặc chưa tải lên hết ({e})")));
            }
            Err(XlsxError::Password) => return Err(SheetError::Encrypted),
            Err(e) => Some(e),
        };
        // Excel's binary `.xlsb` also opens as a ZIP but keeps its sheets in `.bin` parts.
        if contains(bytes, b"xl/workbook.bin")
            && let Ok(mut book) = Xlsb::new(Cursor::new(bytes))
        {
            return read_range_book(&mut book);
        }
        let mentions_workbook = contains(bytes, b"xl/workbook");
        match xlsx_error {
            None if mentions_workbook => Err(SheetError::NoSheet),
            Some(e) if mentions_workbook => Err(broken(&e)),
            _ => Err(SheetError::NotSpreadsheet),
        }
    })
}

/// Reads an OLE compound file: an Excel 97–2003 `.xls` or an encrypted `.xlsx`.
pub(crate) fn read_cfb(bytes: &[u8]) -> Result<Table, SheetError> {
    guarded(|| match Xls::new(Cursor::new(bytes)) {
        Ok(mut book) => read_range_book(&mut book),
        Err(XlsError::Password) => Err(SheetError::Encrypted),
        Err(e) => {
            // Excel stores a password-protected `.xlsx` inside an OLE container.
            if matches!(Xlsx::new(Cursor::new(bytes)), Err(XlsxError::Password)) {
                return Err(SheetError::Encrypted);
            }
            // calamine does not export its CFB error type, so look at the message: a compound
            // file without a workbook stream is a Word document, an Outlook message and so on.
            if e.to_string().contains("Cannot find Workbook stream") {
                Err(SheetError::NotSpreadsheet)
            } else {
                Err(broken(&e))
            }
        }
    })
}

/// Runs a calamine reader, turning a panic inside it into an error: calamine has had panics on
/// malformed `.xls` files, and an upload must never bring a request down.
fn guarded(read: impl FnOnce() -> Result<Table, SheetError>) -> Result<Table, SheetError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(SheetError::Unreadable(
            "tệp bị hỏng hoặc có cấu trúc lạ mà chương trình chưa đọc được; hãy mở bằng Excel rồi lưu lại dạng .xlsx"
                .to_owned(),
        ))
    })
}

fn broken(e: &impl Display) -> SheetError {
    SheetError::Unreadable(format!("tệp bị hỏng hoặc không đúng định dạng ({e})"))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Name of the sheet to read: the first visible worksheet, else the first worksheet.
fn first_sheet(sheets: &[Sheet]) -> Option<String> {
    let mut worksheets = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let first = worksheets.clone().next();
    worksheets.find(|s| s.visible == SheetVisible::Visible).or(first).map(|s| s.name.clone())
}

/// Reads one sheet of an `.xlsx` cell by cell, without building calamine's dense range.
fn read_xlsx(book: &mut Xlsx<Book<'_>>, name: &str) -> Result<Table, SheetError> {
    let mut reader = book.worksheet_cells_reader(name).map_err(|e| broken(&e))?;
    let mut cells = Cells::new();
    let mut budget = CellBudget::default();
    while let Some(cell) = reader.next_cell().map_err(|e| broken(&e))? {
        let text = data_ref_text(cell.get_value());
        if !text.is_empty() {
            let (row, col) = cell.get_position();
            push(&mut cells, &mut budget, row, col, text)?;
        }
    }
    to_table(cells)
}

/// Reads the first worksheet of a workbook through calamine's `Range`.
fn read_range_book<'a, R>(book: &mut R) -> Result<Table, SheetError>
where
    R: Reader<Book<'a>>,
    R::Error: Display,
{
    let name = first_sheet(book.sheets_metadata()).ok_or(SheetError::NoSheet)?;
    let range = book.worksheet_range(&name).map_err(|e| broken(&e))?;
    let Some((row0, col0)) = range.start() else {
        return Err(SheetError::NoHeader);
    };
    let mut cells = Cells::new();
    let mut budget = CellBudget::default();
    for (row, col, value) in range.used_cells() {
        let text = data_text(value);
        if !text.is_empty() {
            let row = row0.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
            let col = col0.saturating_add(u32::try_from(col).unwrap_or(u32::MAX));
            push(&mut cells, &mut budget, row, col, text)?;
        }
    }
    to_table(cells)
}

fn push(cells: &mut Cells, budget: &mut CellBudget, row: u32, col: u32, text: String) -> Result<(), SheetError> {
    budget.take(1)?;
    cells.entry(row).or_default().push((col, text));
    if cells.len() > READ_GUARD_ROWS {
        return Err(SheetError::TooManyRows { limit: MAX_ROWS });
    }
    Ok(())
}

/// Lays the sparse cells out as rows, from the header row down, starting at the leftmost
/// column used from the header down (so a title row or an empty column A does not shift them).
fn to_table(cells: Cells) -> Result<Table, SheetError> {
    let header = header_index(cells.values().map(Vec::len)).ok_or(SheetError::NoHeader)?;
    let body: Vec<(u32, Vec<(u32, String)>)> = cells.into_iter().skip(header).collect();
    let min_col = body.iter().flat_map(|(_, row)| row.iter().map(|(col, _)| *col)).min().unwrap_or(0);
    let mut budget = CellBudget::default();
    let mut rows = Vec::with_capacity(body.len());
    for (row, row_cells) in body {
        let width = row_cells.iter().map(|(col, _)| (col - min_col) as usize + 1).max().unwrap_or(0);
        budget.take(width)?;
        let mut dense = vec![String::new(); width];
        for (col, text) in row_cells {
            if let Some(slot) = dense.get_mut((col - min_col) as usize) {
                *slot = text;
            }
        }
        rows.push(RawRow { number: row as usize + 1, cells: dense });
    }
    build(rows)
}

fn data_ref_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::String(s) => clean(s),
        DataRef::SharedString(s) => clean(s),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(d) => datetime_text(d),
        DataRef::DateTimeIso(s) => iso_datetime_text(s),
        DataRef::DurationIso(s) => iso_duration_text(s),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn data_text(value: &Data) -> String {
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => clean(s),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(d) => datetime_text(d),
        Data::DateTimeIso(s) => iso_datetime_text(s),
        Data::DurationIso(s) => iso_duration_text(s),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_owned()
}

/// Formats a number as Excel shows it in a general cell: whole numbers without a decimal
/// point, others with at most 15 significant digits.
pub(crate) fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

/// Excel's last representable day, 9999-12-31, plus one.
const EXCEL_MAX_SERIAL: f64 = 2_958_466.0;

/// Formats a date-formatted cell: dates and date-times as `dd/mm/yyyy`, times of day as
/// `hh:mm` (`hh:mm:ss` when there are seconds), durations as `h:mm:ss`.
fn datetime_text(d: &ExcelDateTime) -> String {
    let v = d.as_f64();
    if !v.is_finite() {
        return String::new();
    }
    if d.is_duration() {
        let total = (v * 86_400.0).round();
        if total.abs() > 1e12 {
            return number_text(v);
        }
        let total = total as i64;
        let sign = if total < 0 { "-" } else { "" };
        let total = total.abs();
        return format!("{sign}{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    }
    // Checked here because calamine's conversion panics far outside Excel's range.
    if !(0.0..EXCEL_MAX_SERIAL).contains(&v) {
        return number_text(v);
    }
    match d.as_datetime() {
        Some(dt) if v < 1.0 => time_text(dt.time()),
        Some(dt) => format_date(dt.date()),
        None => number_text(v),
    }
}

fn time_text(t: NaiveTime) -> String {
    if t.second() == 0 { t.format("%H:%M").to_string() } else { t.format("%H:%M:%S").to_string() }
}

/// Formats an ISO 8601 date or date-time (as OpenDocument stores them) as `dd/mm/yyyy`.
fn iso_datetime_text(s: &str) -> String {
    let s = clean(s);
    let date_part = s.split('T').next().unwrap_or_default();
    match parse_date(date_part) {
        Some(date) => format_date(date),
        None => s,
    }
}

/// Formats an ISO 8601 duration such as `PT10H30M00S` (how OpenDocument stores times of day)
/// as `hh:mm`.
fn iso_duration_text(s: &str) -> String {
    let s = clean(s);
    NaiveTime::parse_from_str(&s, "PT%HH%MM%S%.fS")
        .or_else(|_| NaiveTime::parse_from_str(&s, "PT%HH%MM%SS"))
        .map_or(s, time_text)
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(1.0), "1");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(12_345_678_901.0), "12345678901");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(number_text(f64::NAN), "");
    }
}
