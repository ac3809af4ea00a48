//! Documents a TĐKT office prints, as bytes: the council's minutes (.docx, here), the award
//! decision (.docx in [`decision`], PDF in [`pdf`]) and certificates with a QR code (PDF).
//!
//! Laid out in the administrative format of Nghị định 30/2020/NĐ-CP: A4, margins top 20 mm,
//! bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 13–14 pt; the issuing body and the
//! national motto side by side at the top, place and date under the motto, the title in capitals,
//! signatures at the end.
//!
//! Architecture invariant: pure functions from plain data to bytes, with no database, file
//! system or clock; the caller passes every value, the date included.

use chrono::{Datelike, NaiveDate};
use docx_rs::{AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType};

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("không tạo được tệp Word: {0}")]
    Docx(String),
    #[error("không tạo được tệp PDF: {0}")]
    Pdf(String),
}

pub mod decision;
pub mod pdf;

pub use decision::{Amount, Decision, Line, decision_docx};
pub use pdf::{Certificate, certificates_pdf, decision_pdf};

/// Millimetres in twentieths of a point (Word's unit for page geometry).
fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn centered_bold(text: &str) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(run(text).bold())
}

/// 12 pt, for the heading and tables (sizes are in half-points).
const SMALL: usize = 24;

fn small(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text).size(SMALL))
}

fn small_centered_bold(text: &str) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).add_run(run(text).bold().size(SMALL))
}

fn cell(p: Paragraph, width_mm: f64) -> TableCell {
    TableCell::new().add_paragraph(p).width(mm(width_mm) as usize, WidthType::Dxa)
}

/// "Sơn La, ngày 20 tháng 10 năm 2026". NĐ 30/2020 writes a zero before a day under 10 and
/// before months 1 and 2 only ("ngày 05 tháng 3", "ngày 15 tháng 02").
pub fn place_and_date(place: &str, d: NaiveDate) -> String {
    let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("{place}, ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

fn document() -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin {
            top: mm(20.0),
            bottom: mm(20.0),
            left: mm(30.0),
            right: mm(15.0),
            header: mm(10.0),
            footer: mm(10.0),
            gutter: 0,
        })
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT))
        .default_size(26)
}

/// The issuing body (left) and the national motto (right), with place and date under the motto.
fn heading(upper: &str, body: &str, place: &str, on: NaiveDate) -> Table {
    let left = TableCell::new()
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(upper).size(SMALL)))
        .add_paragraph(small_centered_bold(body))
        .width(mm(70.0) as usize, WidthType::Dxa);
    let right = TableCell::new()
        .add_paragraph(small_centered_bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        .add_paragraph(small_centered_bold("Độc lập - Tự do - Hạnh phúc"))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(&place_and_date(place, on)).italic()))
        .width(mm(95.0) as usize, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![left, right])]).set_grid(vec![mm(70.0) as usize, mm(95.0) as usize])
}

/// The council's minutes: who met, the threshold, and the count for each nominee.
#[derive(Debug, Clone)]
pub struct Minutes {
    /// "UBND TỈNH SƠN LA".
    pub upper_body: String,
    /// "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG".
    pub body: String,
    pub place: String,
    pub title: String,
    pub meets_on: NaiveDate,
    pub chair: String,
    pub members: usize,
    pub present: Vec<String>,
    pub quorum_ratio: f64,
    pub vote_ratio: f64,
    pub rows: Vec<MinutesRow>,
}

#[derive(Debug, Clone)]
pub struct MinutesRow {
    pub name: String,
    pub unit: String,
    pub award: String,
    pub yes: u32,
    pub no: u32,
    /// Present members who did not vote on this nominee.
    pub blank: u32,
    pub passed: bool,
}

fn percent(r: f64) -> String {
    let p = (r * 1000.0).round() / 10.0;
    format!("{p}%").replace('.', ",")
}

pub fn council_minutes(m: &Minutes) -> Result<Vec<u8>, DocError> {
    let passed = m.rows.iter().filter(|r| r.passed).count();
    let mut doc = document()
        .add_table(heading(&m.upper_body, &m.body, &m.place, m.meets_on))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered_bold("BIÊN BẢN"))
        .add_paragraph(centered_bold(&format!("Họp Hội đồng Thi đua - Khen thưởng: {}", m.title)))
        .add_paragraph(Paragraph::new())
        .add_paragraph(para(&format!("Thời gian: ngày {}.", m.meets_on.format("%d/%m/%Y"))))
        .add_paragraph(para(&format!("Chủ trì: {}.", m.chair)))
        .add_paragraph(para(&format!(
            "Thành phần: {}/{} thành viên Hội đồng có mặt: {}.",
            m.present.len(),
            m.members,
            m.present.join(", ")
        )))
        .add_paragraph(para(&format!(
            "Hình thức biểu quyết: bỏ phiếu kín. Phiên họp hợp lệ khi có mặt từ {} số thành viên; người, tập thể được đề nghị khi được từ {} số thành viên có mặt đồng ý (theo quy chế hoạt động của Hội đồng).",
            percent(m.quorum_ratio),
            percent(m.vote_ratio)
        )))
        .add_paragraph(para("Kết quả bỏ phiếu:"));
    let widths = [10.0, 40.0, 32.0, 33.0, 14.0, 16.0, 20.0];
    let head = ["STT", "Họ và tên / tập thể", "Đơn vị", "Hình thức đề nghị", "Đồng ý", "Không đồng ý", "Kết quả"];
    let mut rows = vec![TableRow::new(head.iter().zip(widths).map(|(h, w)| cell(centered_bold(h), w)).collect())];
    for (i, r) in m.rows.iter().enumerate() {
        let result = if r.passed { "Thông qua" } else { "Không thông qua" };
        let values = [
            (i + 1).to_string(),
            r.name.clone(),
            r.unit.clone(),
            r.award.clone(),
            r.yes.to_string(),
            r.no.to_string(),
            if r.blank > 0 { format!("{result} ({} không bỏ phiếu)", r.blank) } else { result.to_string() },
        ];
        rows.push(TableRow::new(values.iter().zip(widths).map(|(v, w)| cell(small(v), w)).collect()));
    }
    doc = doc
        .add_table(Table::new(rows).set_grid(widths.iter().map(|w| mm(*w) as usize).collect()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(para(&format!(
            "Hội đồng thống nhất đề nghị khen thưởng {passed}/{} người, tập thể có tên trong danh sách trên.",
            m.rows.len()
        )))
        .add_paragraph(Paragraph::new())
        .add_table(
            Table::without_borders(vec![TableRow::new(vec![
                cell(centered_bold("THƯ KÝ"), 80.0),
                TableCell::new()
                    .add_paragraph(centered_bold("CHỦ TRÌ"))
                    .add_paragraph(Paragraph::new())
                    .add_paragraph(Paragraph::new())
                    .add_paragraph(centered_bold(&m.chair))
                    .width(mm(85.0) as usize, WidthType::Dxa),
            ])])
            .set_grid(vec![mm(80.0) as usize, mm(85.0) as usize]),
        );
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Minutes {
        Minutes {
            upper_body: "UBND TỈNH SƠN LA".into(),
            body: "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG".into(),
            place: "Sơn La".into(),
            title: "Xét khen thưởng đợt 2 năm 2026".into(),
            meets_on: NaiveDate::from_ymd_opt(2026, 10, 20).unwrap_or_default(),
            chair: "Lò Văn Hùng".into(),
            members: 15,
            present: vec!["Lò Văn Hùng".into(), "Cầm Thị Hương".into()],
            quorum_ratio: 2.0 / 3.0,
            vote_ratio: 0.5,
            rows: vec![
                MinutesRow {
                    name: "Nguyễn Thị Hường".into(),
                    unit: "Sở Y tế".into(),
                    award: "Bằng khen của Chủ tịch UBND tỉnh".into(),
                    yes: 9,
                    no: 1,
                    blank: 0,
                    passed: true,
                },
                MinutesRow {
                    name: "Quàng Văn Ánh".into(),
                    unit: "Xã Mường Bú".into(),
                    award: "Bằng khen của Chủ tịch UBND tỉnh".into(),
                    yes: 3,
                    no: 6,
                    blank: 1,
                    passed: false,
                },
            ],
        }
    }

    #[test]
    fn the_minutes_read_back_with_their_counts() {
        let bytes = council_minutes(&sample()).expect("docx");
        assert_eq!(&bytes[..2], b"PK");
        let doc = docx_rs::read_docx(&bytes).expect("a .docx Word opens");
        let json = doc.json();
        for text in [
            "BIÊN BẢN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Sơn La, ngày 20 tháng 10 năm 2026",
            "2/15 thành viên",
            "66,7%",
            "Nguyễn Thị Hường",
            "Không thông qua (1 không bỏ phiếu)",
            "1/2 người, tập thể",
        ] {
            assert!(json.contains(text), "missing “{text}”");
        }
    }

    #[test]
    fn dates_are_written_in_words_order() {
        assert_eq!(
            place_and_date("Sơn La", NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default()),
            "Sơn La, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date("Sơn La", NaiveDate::from_ymd_opt(2026, 2, 15).unwrap_or_default()),
            "Sơn La, ngày 15 tháng 02 năm 2026"
        );
    }
}
