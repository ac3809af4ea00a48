//! Tests of reading and writing through the public API.

#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format as CellFormat, Formula, Workbook};

use crate::{Format, MAX_ROWS, Row, SheetError, Table, read_table, write_csv, write_table, write_xlsx};

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

fn row(number: usize, cells: &[&str]) -> Row {
    Row { number, cells: strings(cells) }
}

fn sample_xlsx() -> Vec<u8> {
    let rows: Vec<Vec<String>> = (1..=40)
        .map(|i| strings(&[&i.to_string(), "Nguyễn Thị Hường", "03646", "15/03/1990", "Chiến sĩ thi đua cơ sở"]))
        .collect();
    write_xlsx(
        "Danh sách",
        Some("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"),
        &["STT", "Họ và tên", "Mã", "Ngày sinh", "Danh hiệu"],
        &rows,
    )
    .unwrap()
}

/// A ZIP archive with stored (uncompressed) entries, built by hand.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let (crc, len, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [crc, len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [crc, len, len] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (cd_offset, cd_size, n) = (out.len() as u32, central.len() as u32, entries.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Deterministic pseudo-random bytes.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        })
        .collect()
}

// ---------------------------------------------------------------- xlsx

#[test]
fn own_xlsx_export_round_trips_with_title_codes_and_dates() {
    let rows = vec![
        strings(&["1", "Nguyễn Thị Hường", "03646", "15/03/1990"]),
        strings(&["2", "Đặng Văn Ất", "00012", ""]),
        strings(&["3", "Lê Thị Ngọc Ánh, \"Út\"", "", "01/01/2000"]),
    ];
    let bytes = write_xlsx(
        "Khen thưởng 2024/2025",
        Some("DANH SÁCH KHEN THƯỞNG NĂM 2024"),
        &["STT", "Họ và tên", "Mã đơn vị", "Ngày sinh"],
        &rows,
    )
    .unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let table = read_table(&bytes, "export.xlsx").unwrap();
    assert_eq!(table.headers, strings(&["STT", "Họ và tên", "Mã đơn vị", "Ngày sinh"]));
    assert_eq!(
        table.rows,
        vec![
            row(3, &["1", "Nguyễn Thị Hường", "03646", "15/03/1990"]),
            row(4, &["2", "Đặng Văn Ất", "00012"]),
            row(5, &["3", "Lê Thị Ngọc Ánh, \"Út\"", "", "01/01/2000"]),
        ]
    );

    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(book.sheet_names(), vec!["Khen thưởng 2024-2025".to_owned()]);
}

#[test]
fn own_xlsx_export_without_title_starts_at_row_one() {
    let bytes =
        write_xlsx("Sheet", None, &["Mã", "Tên"], &[strings(&["001", "Một"]), strings(&["002", "Hai"])]).unwrap();
    let table = read_table(&bytes, "").unwrap();
    assert_eq!(table.headers, strings(&["Mã", "Tên"]));
    assert_eq!(table.rows, vec![row(2, &["001", "Một"]), row(3, &["002", "Hai"])]);
}

#[test]
fn export_with_no_rows_reads_back_as_headers_only() {
    let bytes = write_xlsx("Trống", Some("Tiêu đề"), &["A", "B"], &[]).unwrap();
    let table = read_table(&bytes, "x.xlsx").unwrap();
    assert_eq!(table.headers, strings(&["A", "B"]));
    assert!(table.rows.is_empty());
}

#[test]
fn sheet_names_are_made_acceptable_to_excel() {
    let long = "Danh sách cá nhân đề nghị khen thưởng: đợt [1] * quý?";
    let bytes = write_xlsx(long, None, &["A", "B"], &[]).unwrap();
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let name = &book.sheet_names()[0];
    assert!((25..=31).contains(&name.chars().count()), "{name}");
    assert!(!name.contains([':', '[', ']', '*', '?', '/', '\\']));

    let bytes = write_xlsx("  ''  ", None, &["A", "B"], &[]).unwrap();
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(book.sheet_names(), vec!["Danh sách".to_owned()]);
}

#[test]
fn export_uses_times_new_roman_everywhere() {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(sample_xlsx())).unwrap();
    let styles = book.worksheet_style("Danh sách").unwrap();
    let fonts: Vec<_> = styles.cells().filter_map(|(_, _, style)| style.font.clone()).collect();
    assert!(!fonts.is_empty());
    assert!(fonts.iter().all(|f| f.name.as_deref() == Some("Times New Roman")), "{fonts:?}");
    let title = styles.get((0, 0)).and_then(|s| s.font.clone()).unwrap();
    assert_eq!(title.size, Some(14.0));
    let header = styles.get((1, 1)).and_then(|s| s.font.clone()).unwrap();
    assert_eq!(header.size, Some(12.0));
    assert_eq!(header.weight, calamine::FontWeight::Bold);
}

#[test]
fn real_numbers_dates_and_booleans_read_as_excel_shows_them() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = CellFormat::new().set_num_format("dd/mm/yyyy");
    let datetime_format = CellFormat::new().set_num_format("dd/mm/yyyy hh:mm");
    let time_format = CellFormat::new().set_num_format("hh:mm");
    // The table starts at B3: rows 1-2 and column A are empty.
    for (c, h) in ["Số", "Lớn", "Thập phân", "Ngày", "Ngày giờ", "Giờ", "Đúng sai", "Mã"].iter().enumerate()
    {
        sheet.write_string(2, c as u16 + 1, *h).unwrap();
    }
    sheet.write_number(3, 1, 1.0).unwrap();
    sheet.write_number(3, 2, 12_345_678_901.0).unwrap();
    sheet.write_number(3, 3, 2.5).unwrap();
    sheet.write_date_with_format(3, 4, NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(), &date_format).unwrap();
    let noon = NaiveDateTime::parse_from_str("2023-12-01 14:30:00", "%Y-%m-%d %H:%M:%S").unwrap();
    sheet.write_datetime_with_format(3, 5, noon, &datetime_format).unwrap();
    sheet.write_time_with_format(3, 6, noon.time(), &time_format).unwrap();
    sheet.write_boolean(3, 7, true).unwrap();
    sheet.write_string(3, 8, "  Mã\u{00A0} 01  ").unwrap();
    // Row 5 is empty but row 6 must still be numbered 6.
    sheet.write_number(5, 1, -7.0).unwrap();
    sheet.write_formula(5, 2, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let table = read_table(&bytes, "ignored.csv").unwrap();
    assert_eq!(table.headers, strings(&["Số", "Lớn", "Thập phân", "Ngày", "Ngày giờ", "Giờ", "Đúng sai", "Mã"]));
    assert_eq!(
        table.rows,
        vec![
            row(4, &["1", "12345678901", "2.5", "15/03/2024", "01/12/2023", "14:30", "TRUE", "Mã 01"]),
            row(6, &["-7"]),
        ]
    );
}

#[test]
fn a_leading_title_and_empty_rows_are_skipped() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(1, 0, "ỦY BAN NHÂN DÂN XÃ").unwrap();
    sheet.write_string(3, 0, "STT").unwrap();
    sheet.write_string(3, 1, "Họ và tên").unwrap();
    sheet.write_string(4, 0, "1").unwrap();
    sheet.write_string(4, 1, "An").unwrap();
    let table = read_table(&workbook.save_to_buffer().unwrap(), "").unwrap();
    assert_eq!(table.headers, strings(&["STT", "Họ và tên"]));
    assert_eq!(table.rows, vec![row(5, &["1", "An"])]);
}

#[test]
fn a_single_column_sheet_uses_its_first_row_as_header() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").unwrap();
    sheet.write_string(1, 0, "An").unwrap();
    let table = read_table(&workbook.save_to_buffer().unwrap(), "").unwrap();
    assert_eq!(table.headers, strings(&["Họ và tên"]));
    assert_eq!(table.rows, vec![row(2, &["An"])]);
}

#[test]
fn an_empty_workbook_has_no_header() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    assert_eq!(read_table(&workbook.save_to_buffer().unwrap(), "a.xlsx"), Err(SheetError::NoHeader));
}

#[test]
fn the_first_visible_worksheet_is_read() {
    let mut workbook = Workbook::new();
    let hidden = workbook.add_worksheet();
    hidden.write_string(0, 0, "ẩn").unwrap();
    hidden.write_string(0, 1, "ẩn").unwrap();
    hidden.set_hidden(true);
    let shown = workbook.add_worksheet();
    shown.write_string(0, 0, "A").unwrap();
    shown.write_string(0, 1, "B").unwrap();
    shown.set_active(true);
    let table = read_table(&workbook.save_to_buffer().unwrap(), "").unwrap();
    assert_eq!(table.headers, strings(&["A", "B"]));
}

// ---------------------------------------------------------------- csv

#[test]
fn csv_with_bom_and_commas() {
    let bytes = "\u{FEFF}STT,Họ và tên,Mã\r\n1,Nguyễn Văn A,03646\r\n2,\"Trần, B\",\r\n".as_bytes();
    let table = read_table(bytes, "ds.csv").unwrap();
    assert_eq!(table.headers, strings(&["STT", "Họ và tên", "Mã"]));
    assert_eq!(table.rows, vec![row(2, &["1", "Nguyễn Văn A", "03646"]), row(3, &["2", "Trần, B"])]);
}

#[test]
fn csv_with_semicolons_and_decimal_commas() {
    let bytes = "STT;Họ và tên;Điểm\n1;An;8,5\n2;Bình;9\n".as_bytes();
    let table = read_table(bytes, "ds.csv").unwrap();
    assert_eq!(table.headers, strings(&["STT", "Họ và tên", "Điểm"]));
    assert_eq!(table.rows, vec![row(2, &["1", "An", "8,5"]), row(3, &["2", "Bình", "9"])]);
}

#[test]
fn tab_separated_text_without_a_csv_name_is_read() {
    let table = read_table("Mã\tTên\n01\tMột\n".as_bytes(), "export.xls").unwrap();
    assert_eq!(table.headers, strings(&["Mã", "Tên"]));
    assert_eq!(table.rows, vec![row(2, &["01", "Một"])]);
    // The last line may lack its line break.
    let table = read_table("a,b\r\n\r\n1,2".as_bytes(), "a.csv").unwrap();
    assert_eq!(table.rows, vec![row(3, &["1", "2"])]);
}

#[test]
fn csv_cells_are_cleaned_to_nfc() {
    let nfd =
        "Ho\u{323} va\u{300} te\u{302}n,Đơn vi\u{323}\nNguye\u{302}\u{303}n   Thi\u{323}  Hươ\u{300}ng , Xa\u{303} A\n";
    let table = read_table(nfd.as_bytes(), "a.csv").unwrap();
    assert_eq!(table.headers, strings(&["Họ và tên", "Đơn vị"]));
    assert_eq!(table.rows, vec![row(2, &["Nguyễn Thị Hường", "Xã A"])]);
    assert_eq!(table.column(&["ho va ten"]), Some(0));
}

#[test]
fn csv_row_numbers_count_blank_lines_and_multi_line_cells_as_excel_does() {
    let text = "\nSTT,Ghi chú\n1,\"dòng một\ndòng hai\"\n\n2,b\n,\n3,c\n";
    let table = read_table(text.as_bytes(), "a.csv").unwrap();
    assert_eq!(
        table.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
        vec![3, 5, 7],
        "Excel shows: 1 blank, 2 header, 3 two-line cell, 4 blank, 5 '2', 6 empty cells, 7 '3'"
    );
    assert_eq!(table.rows[0].cells, strings(&["1", "dòng một dòng hai"]));
}

#[test]
fn csv_title_line_above_the_header_is_skipped() {
    let text = "DANH SÁCH KHEN THƯỞNG\nSTT,Họ và tên\n1,An\n";
    let table = read_table(text.as_bytes(), "a.csv").unwrap();
    assert_eq!(table.headers, strings(&["STT", "Họ và tên"]));
    assert_eq!(table.rows, vec![row(3, &["1", "An"])]);
}

#[test]
fn windows_1258_csv_asks_for_utf8() {
    let bytes = b"STT,H\xE1 t\xEAn\r\n1,Nguy\xEAn\r\n";
    let err = read_table(bytes, "ds.csv").unwrap_err();
    assert_eq!(err, SheetError::NotUtf8 { offset: 5, line: 1 });
    assert_eq!(
        err.to_string(),
        "Tệp CSV không phải mã UTF-8: hãy lưu lại bằng “CSV UTF-8” trong Excel (byte lỗi ở vị trí 5, dòng 1)"
    );
    // The same bytes without a telling name are still recognised as text.
    assert!(matches!(read_table(b"Nguy\xEAn,A\n", "upload"), Err(SheetError::NotUtf8 { offset: 4, line: 1 })));
    // Offsets count the byte-order mark.
    assert!(matches!(read_table(b"\xEF\xBB\xBFa,b\n\xEA", "x.csv"), Err(SheetError::NotUtf8 { offset: 7, line: 2 })));
}

#[test]
fn utf16_unicode_text_from_excel_is_read() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Mã\tHọ và tên\r\n01\tAn\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let table = read_table(&bytes, "a.txt").unwrap();
    assert_eq!(table.headers, strings(&["Mã", "Họ và tên"]));
    assert_eq!(table.rows, vec![row(2, &["01", "An"])]);
}

#[test]
fn too_many_rows_are_refused() {
    let mut text = String::from("a,b\n");
    for i in 0..=MAX_ROWS {
        text.push_str(&i.to_string());
        text.push_str(",x\n");
    }
    assert_eq!(read_table(text.as_bytes(), "a.csv"), Err(SheetError::TooManyRows { limit: MAX_ROWS }));
}

// ---------------------------------------------------------------- writing csv

#[test]
fn csv_export_has_bom_crlf_and_quotes() {
    let bytes = write_csv(
        &["Mã", "Họ và tên", "Ghi chú"],
        &[strings(&["03646", "Nguyễn \"Út\"", "a, b"]), strings(&["1", " x", "dòng\nhai"])],
    );
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(
        text,
        "\u{FEFF}Mã,Họ và tên,Ghi chú\r\n03646,\"Nguyễn \"\"Út\"\"\",\"a, b\"\r\n1,\" x\",\"dòng\nhai\"\r\n"
    );
    let table = read_table(&bytes, "x.csv").unwrap();
    assert_eq!(table.rows[0].cells, strings(&["03646", "Nguyễn \"Út\"", "a, b"]));
    assert_eq!(table.rows[1], row(3, &["1", "x", "dòng hai"]));
}

#[test]
fn write_table_dispatches_on_format() {
    let rows = [strings(&["1", "2"])];
    let csv = write_table(Format::Csv, "s", Some("t"), &["a", "b"], &rows).unwrap();
    assert_eq!(csv, write_csv(&["a", "b"], &rows));
    let xlsx = write_table(Format::Xlsx, "s", Some("t"), &["a", "b"], &rows).unwrap();
    assert_eq!(read_table(&xlsx, "").unwrap().rows, vec![row(3, &["1", "2"])]);
    assert_eq!(Format::Xlsx.extension(), "xlsx");
    assert!(Format::Csv.content_type().starts_with("text/csv"));
}

// ---------------------------------------------------------------- not spreadsheets

#[test]
fn empty_files_are_empty() {
    assert_eq!(read_table(b"", "a.xlsx"), Err(SheetError::Empty));
    assert_eq!(read_table(b"\xEF\xBB\xBF", "a.csv"), Err(SheetError::Empty));
    assert_eq!(read_table(b" \r\n\r\n", "a.csv"), Err(SheetError::Empty));
    assert_eq!(read_table(b",,\n,,\r\n", "a.csv"), Err(SheetError::Empty));
    assert_eq!(SheetError::Empty.to_string(), "Tệp trống");
}

#[test]
fn other_files_are_not_spreadsheets() {
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_eq!(read_table(pdf, "bao-cao.xlsx"), Err(SheetError::NotSpreadsheet));
    assert_eq!(read_table(pdf, "bao-cao.csv"), Err(SheetError::NotSpreadsheet));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(read_table(png, "anh.xlsx"), Err(SheetError::NotSpreadsheet));
    let garbage = noise(7, 4096);
    assert_eq!(read_table(&garbage, "x.xlsx"), Err(SheetError::NotSpreadsheet));
    let docx = zip(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>".as_slice()),
        ("word/document.xml", b"<?xml version=\"1.0\"?><document/>".as_slice()),
    ]);
    assert_eq!(read_table(&docx, "hoso.xlsx"), Err(SheetError::NotSpreadsheet));
    let empty_zip = zip(&[]);
    assert_eq!(read_table(&empty_zip, "a.xlsx"), Err(SheetError::NotSpreadsheet));
    assert_eq!(SheetError::NotSpreadsheet.to_string(), "Tệp không phải bảng tính Excel (.xlsx) hay CSV");
}

#[test]
fn html_saved_as_xls_is_explained() {
    let html = b"\xEF\xBB\xBF  <html><body><table><tr><td>a</td></tr></table></body></html>";
    assert_eq!(read_table(html, "bao-cao.xls"), Err(SheetError::HtmlOrXml));
}

#[test]
fn a_truncated_xlsx_is_an_error() {
    let bytes = sample_xlsx();
    let half = &bytes[..bytes.len() / 2];
    let err = read_table(half, "a.xlsx").unwrap_err();
    assert!(matches!(err, SheetError::Unreadable(_)), "{err:?}");
    assert!(err.to_string().starts_with("Không đọc được bảng tính: "));
}

#[test]
fn a_zip_with_a_broken_workbook_is_unreadable() {
    let bytes = zip(&[("xl/workbook.xml", b"<workbook><sheets><sheet name=".as_slice())]);
    assert!(read_table(&bytes, "a.xlsx").is_err());
}

#[test]
fn cfb_files_that_are_not_workbooks_are_refused() {
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.extend(noise(3, 2048));
    assert!(read_table(&bytes, "a.xls").is_err());
}

#[test]
fn no_input_makes_reading_panic() {
    let xlsx = sample_xlsx();
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for cut in (0..xlsx.len()).step_by(97) {
        inputs.push(xlsx[..cut].to_vec());
    }
    for seed in 0..40u64 {
        // Corrupt a few bytes of a valid workbook.
        let mut corrupted = xlsx.clone();
        for (i, b) in noise(seed, 8).into_iter().enumerate() {
            let at = (seed as usize * 7919 + i * 104_729) % corrupted.len();
            corrupted[at] ^= b | 1;
        }
        inputs.push(corrupted);
        for prefix in [&b"PK\x03\x04"[..], b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", b"\xFF\xFE", b"\xEF\xBB\xBF", b""] {
            let mut bytes = prefix.to_vec();
            bytes.extend(noise(seed, (seed as usize * 131) % 3000));
            inputs.push(bytes);
        }
    }
    for input in &inputs {
        for name in ["a.xlsx", "a.csv", ""] {
            let _ = read_table(input, name);
        }
    }
}

// ---------------------------------------------------------------- table

#[test]
fn columns_are_found_ignoring_diacritics_case_and_separators() {
    let table =
        Table { headers: strings(&["STT", "Họ và tên", "Ngày sinh", "Đơn vị", "full_name"]), rows: vec![] };
    assert_eq!(table.column(&["ho va ten"]), Some(1));
    assert_eq!(table.column(&["HỌ VÀ TÊN"]), Some(1));
    assert_eq!(table.column(&["ho_va_ten"]), Some(1));
    assert_eq!(table.column(&["don vi"]), Some(3));
    assert_eq!(table.column(&["ngay_sinh", "birth_date"]), Some(2));
    assert_eq!(table.column(&["Full Name"]), Some(4));
    assert_eq!(table.column(&["Họ tên", "ho va ten", "full_name"]), Some(1));
    assert_eq!(table.column(&["", "email"]), None);

    let english = Table { headers: strings(&["ID", "Full name"]), rows: vec![] };
    assert_eq!(english.column(&["Họ và tên", "full_name"]), Some(1));
}

#[test]
fn row_get_returns_empty_for_missing_cells() {
    let r = row(2, &["a", "b"]);
    assert_eq!(r.get(Some(1)), "b");
    assert_eq!(r.get(Some(5)), "");
    assert_eq!(r.get(None), "");
}
