//! Reading CSV and other delimited text.

use tdkt_domain::text::clean;

use crate::table::{CellBudget, READ_GUARD_ROWS, RawRow, Table, build, trim_end};
use crate::{MAX_ROWS, SheetError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads UTF-8 text (with or without a byte-order mark) as CSV.
pub(crate) fn read_utf8(bytes: &[u8]) -> Result<Table, SheetError> {
    let (body, base) = match bytes.strip_prefix(BOM) {
        Some(body) => (body, BOM.len()),
        None => (bytes, 0),
    };
    let text = std::str::from_utf8(body).map_err(|e| {
        let offset = base + e.valid_up_to();
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        SheetError::NotUtf8 { offset, line }
    })?;
    read_text(text)
}

/// Reads UTF-16 text whose two-byte byte-order mark is still at the start of `bytes`.
pub(crate) fn read_utf16(bytes: &[u8], big_endian: bool) -> Result<Table, SheetError> {
    let body = bytes.get(2..).unwrap_or_default();
    let broken = || SheetError::Unreadable("tệp văn bản UTF-16 bị hỏng hoặc không đầy đủ".to_owned());
    if body.len() % 2 != 0 {
        return Err(broken());
    }
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) }
    });
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().map_err(|_| broken())?;
    read_text(&text)
}

/// Parses delimited text into a table.
fn read_text(text: &str) -> Result<Table, SheetError> {
    if text.trim().is_empty() {
        return Err(SheetError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut budget = CellBudget::default();
    // Excel shows one row per record, counting blank lines too, while a quoted field may span
    // several physical lines. The reader knows the line after each record (its own record
    // positions point at the end of the previous record, before skipped blank lines), so work
    // back to the line where the record starts and subtract the extra lines of earlier records.
    let mut extra_lines = 0u64;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(SheetError::Unreadable(format!("tệp CSV bị lỗi ({e})"))),
        }
        let after = reader.position();
        let ends_with_newline =
            after.byte().checked_sub(1).and_then(|i| text.as_bytes().get(i as usize)) == Some(&b'\n');
        let end_line = if ends_with_newline { after.line().saturating_sub(1) } else { after.line() };
        let embedded_newlines = record.iter().map(|f| f.matches('\n').count() as u64).sum::<u64>();
        let start_line = end_line.saturating_sub(embedded_newlines);
        let number = usize::try_from(start_line.saturating_sub(extra_lines)).unwrap_or(usize::MAX);
        extra_lines += embedded_newlines;

        let mut cells: Vec<String> = record.iter().map(clean).collect();
        trim_end(&mut cells);
        if cells.is_empty() {
            continue;
        }
        budget.take(cells.len())?;
        rows.push(RawRow { number, cells });
        if rows.len() > READ_GUARD_ROWS {
            return Err(SheetError::TooManyRows { limit: MAX_ROWS });
        }
    }
    if rows.is_empty() {
        return Err(SheetError::Empty);
    }
    build(rows)
}

/// Picks the delimiter among `,`, `;` and tab.
///
/// Among the first few records that contain any candidate, the record with the most
/// occurrences of one candidate (outside quotes) is taken as the header, and that candidate
/// wins. A title line above the header has few delimiters and so does not decide; ties go to
/// the comma.
fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    const RECORDS: usize = 5;
    const SCAN_BYTES: usize = 64 * 1024;

    let mut best = (0usize, b',');
    let mut counts = [0usize; 3];
    let mut records = 0;
    let mut in_quotes = false;
    let mut finish = |counts: &mut [usize; 3]| {
        for (count, candidate) in counts.iter().zip(CANDIDATES) {
            if *count > best.0 {
                best = (*count, candidate);
            }
        }
        let had_any = counts.iter().any(|&c| c > 0);
        *counts = [0; 3];
        had_any
    };
    for &b in text.as_bytes().iter().take(SCAN_BYTES) {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if in_quotes {
            continue;
        } else if b == b'\n' {
            if finish(&mut counts) {
                records += 1;
                if records >= RECORDS {
                    break;
                }
            }
        } else if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    finish(&mut counts);
    best.1
}

#[cfg(test)]
mod tests {
    use super::detect_delimiter;

    #[test]
    fn delimiter_is_taken_from_the_header_line() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter("a;b;c\n1,5;2,5;3\n"), b';');
        assert_eq!(detect_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter("\"x;y;z\",b\n"), b',');
        assert_eq!(detect_delimiter("Danh sách, năm 2024\nSTT;Họ tên;Đơn vị;Ghi chú\n"), b';');
        assert_eq!(detect_delimiter("chỉ một cột\n"), b',');
    }
}
