//! Writing `.xlsx` and `.csv` downloads.

use rust_xlsxwriter::{Color, Format as CellFormat, FormatAlign, FormatBorder, Workbook, XlsxError};
use tdkt_domain::text::clean;

use crate::{Format, SheetError};

const FONT: &str = "Times New Roman";
const FONT_SIZE: u32 = 12;
const TITLE_FONT_SIZE: u32 = 14;
/// Default row height and column width, in pixels, of Times New Roman 12 in Excel for Windows.
const DEFAULT_ROW_PIXELS: u32 = 21;
const DEFAULT_COLUMN_PIXELS: u32 = 72;
/// Light blue fill of the header row.
const HEADER_FILL: u32 = 0x00DD_EBF7;
/// Column widths, in characters, that autofit stays between.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;
/// Excel's limits.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLUMNS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;
const MAX_SHEET_NAME_CHARS: usize = 31;

/// Writes one worksheet as an `.xlsx` workbook and returns its bytes.
///
/// The sheet is named `sheet_name`, made acceptable to Excel (forbidden characters `[]:*?/\`
/// become `-`, at most 31 characters). An optional `title` goes in a bold, larger row merged
/// across the header width; below it comes the header row (bold, light fill, borders), frozen
/// and with an autofilter, then the rows. Every cell is written as text, so codes such as
/// `03646` keep their leading zero, and everything is in Times New Roman 12. Columns are sized
/// to their content up to about 60 characters; longer text wraps.
///
/// [`crate::read_table`] reads the result back to the same headers and rows.
pub fn write_xlsx(
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, SheetError> {
    let title_rows = usize::from(title.is_some_and(|t| !t.trim().is_empty()));
    if title_rows + 1 + rows.len() > MAX_SHEET_ROWS {
        return Err(SheetError::Write(format!(
            "Excel chỉ chứa được {MAX_SHEET_ROWS} dòng; hãy xuất ra CSV hoặc lọc bớt"
        )));
    }
    let columns = rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0);
    if columns > MAX_SHEET_COLUMNS {
        return Err(SheetError::Write(format!("Excel chỉ chứa được {MAX_SHEET_COLUMNS} cột")));
    }
    let too_long = |s: &str| s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS;
    if headers.iter().any(|h| too_long(h)) || rows.iter().flatten().any(|c| too_long(c)) {
        return Err(SheetError::Write(format!("có ô dài quá {MAX_CELL_CHARS} ký tự, Excel không chứa được")));
    }
    build_xlsx(sheet_name, title, headers, rows, columns).map_err(|e| SheetError::Write(e.to_string()))
}

fn build_xlsx(
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<String>],
    columns: usize,
) -> Result<Vec<u8>, XlsxError> {
    let base = CellFormat::new().set_font_name(FONT).set_font_size(FONT_SIZE);
    let title_format = base
        .clone()
        .set_bold()
        .set_font_size(TITLE_FONT_SIZE)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_format = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell_format = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
    let wrap_format = cell_format.clone().set_text_wrap();

    let mut workbook = Workbook::new();
    workbook.set_default_format(&base, DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_title(sheet_name))?;

    let last_header_col = col_num(headers.len().saturating_sub(1));
    let mut header_row = 0;
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        if headers.len() > 1 {
            sheet.merge_range(0, 0, 0, last_header_col, title, &title_format)?;
        } else {
            sheet.write_string_with_format(0, 0, title, &title_format)?;
        }
        sheet.set_row_height(0, 24)?;
        header_row = 1;
    }
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(header_row, col_num(c), *header, &header_format)?;
    }

    let widths = column_widths(headers, rows, columns);
    for (r, row) in rows.iter().enumerate() {
        let r = header_row + 1 + row_num(r);
        for c in 0..row.len().max(headers.len()) {
            let format = if widths.get(c).is_some_and(|w| w.wraps) { &wrap_format } else { &cell_format };
            match row.get(c).filter(|v| !v.is_empty()) {
                Some(value) => sheet.write_string_with_format(r, col_num(c), value, format)?,
                None => sheet.write_blank(r, col_num(c), format)?,
            };
        }
    }
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(col_num(c), width.chars)?;
    }
    if !headers.is_empty() {
        sheet.set_freeze_panes(header_row + 1, 0)?;
        sheet.autofilter(header_row, 0, header_row + row_num(rows.len()), last_header_col)?;
    }
    workbook.save_to_buffer()
}

/// The width of one column, in characters, and whether its longest text must wrap.
struct Width {
    chars: f64,
    wraps: bool,
}

/// Sizes columns to their longest line: headers count a little wider because they are bold.
fn column_widths(headers: &[&str], rows: &[Vec<String>], columns: usize) -> Vec<Width> {
    let mut natural = vec![0.0_f64; columns];
    let longest_line = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    for (c, header) in headers.iter().enumerate() {
        natural[c] = natural[c].max(longest_line(header) * 1.1);
    }
    for row in rows {
        for (c, value) in row.iter().enumerate() {
            natural[c] = natural[c].max(longest_line(value));
        }
    }
    natural
        .into_iter()
        .map(|n| {
            let chars = n + 2.0;
            Width { chars: chars.clamp(MIN_WIDTH, MAX_WIDTH), wraps: chars > MAX_WIDTH }
        })
        .collect()
}

/// Makes a worksheet name Excel accepts: no `[]:*?/\`, no leading or trailing apostrophe, at
/// most 31 characters, not empty and not the reserved `History`.
fn sheet_title(name: &str) -> String {
    let replaced: String =
        clean(name).chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '-' } else { c }).collect();
    let truncated: String = replaced.trim_matches('\'').chars().take(MAX_SHEET_NAME_CHARS).collect();
    let name = truncated.trim_end_matches('\'').trim();
    if name.is_empty() || name.eq_ignore_ascii_case("history") { "Danh sách".to_owned() } else { name.to_owned() }
}

/// Converts a column index already checked against Excel's limit.
fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Converts a row index already checked against Excel's limit.
fn row_num(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// Writes a CSV file: UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly),
/// comma-delimited, CRLF line ends, fields quoted when they contain a delimiter, a quote, a line
/// break or leading/trailing spaces.
///
/// Excel still turns number-like text such as `03646` into numbers when it opens a CSV; use
/// [`write_xlsx`] when codes must keep their leading zeros.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    write_record(&mut out, headers.iter().copied());
    for row in rows {
        write_record(&mut out, row.iter().map(String::as_str));
    }
    out.into_bytes()
}

fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let needs_quotes = field.contains([',', ';', '\t', '"', '\r', '\n'])
            || field.starts_with(char::is_whitespace)
            || field.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// Writes `headers` and `rows` in `format`.
///
/// For [`Format::Xlsx`] this is [`write_xlsx`]; for [`Format::Csv`] it is [`write_csv`], which
/// has no sheet name and no title row, so both are ignored.
pub fn write_table(
    format: Format,
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, SheetError> {
    match format {
        Format::Xlsx => write_xlsx(sheet_name, title, headers, rows),
        Format::Csv => Ok(write_csv(headers, rows)),
    }
}
