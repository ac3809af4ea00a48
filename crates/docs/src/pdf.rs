//! PDF through Typst, compiled in process: the decision (the same texts as the .docx) and the
//! certificates with their QR codes. The templates (`templates/*.typ`) and the fonts
//! (Liberation Serif, metric-compatible with Times New Roman and covering Vietnamese; SIL OFL,
//! `fonts/LICENSE-Liberation.txt`) are compiled into the binary, so the output does not depend
//! on the machine's fonts. Data reach a template as one JSON string, `sys.inputs.data`.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;
use tdkt_domain::text::format_date;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

use crate::decision::{Decision, Line};
use crate::{DocError, place_and_date};

static DECISION: &str = include_str!("../templates/decision.typ");
static CERTIFICATE: &str = include_str!("../templates/certificate.typ");
static NOTE: &str = include_str!("../templates/note.typ");
static FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .fonts(FONTS)
            .with_static_source_file_resolver([
                ("decision.typ", DECISION),
                ("certificate.typ", CERTIFICATE),
                ("note.typ", NOTE),
            ])
            .build()
    })
}

fn compile(template: &str, data: &impl Serialize) -> Result<PagedDocument, DocError> {
    let json = serde_json::to_string(data).map_err(|e| DocError::Pdf(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    engine().compile_with_input(template, inputs).output.map_err(|e| DocError::Pdf(format!("{e:?}")))
}

fn render(template: &str, data: &impl Serialize) -> Result<Vec<u8>, DocError> {
    let doc = compile(template, data)?;
    typst_pdf::pdf(&doc, &Default::default()).map_err(|e| DocError::Pdf(format!("{e:?}")))
}

#[derive(Serialize)]
struct DecisionData<'a> {
    draft: bool,
    body: &'a [String],
    number: String,
    place_date: String,
    date_short: String,
    issuer_short: &'a str,
    title: &'a str,
    authority: &'a str,
    bases: &'a [String],
    article1: String,
    article2: String,
    article3: String,
    recipients: &'a [String],
    signer_title: &'a [String],
    signer_name: &'a str,
    list_title: String,
    groups: Vec<GroupData<'a>>,
    total: String,
}

#[derive(Serialize)]
struct GroupData<'a> {
    heading: &'a str,
    rows: Vec<RowData<'a>>,
}

#[derive(Serialize)]
struct RowData<'a> {
    name: &'a str,
    detail: &'a str,
    amount: String,
}

/// The decision as PDF; a draft carries "DỰ THẢO" across every page.
pub fn decision_pdf(d: &Decision) -> Result<Vec<u8>, DocError> {
    render("decision.typ", &decision_data(d))
}

fn decision_data(d: &Decision) -> DecisionData<'_> {
    let groups = d
        .groups()
        .into_iter()
        .map(|(heading, lines, each): (&str, &[Line], String)| GroupData {
            heading,
            rows: lines.iter().map(|l| RowData { name: &l.name, detail: &l.detail, amount: each.clone() }).collect(),
        })
        .collect();
    DecisionData {
        draft: d.draft(),
        body: &d.body,
        number: d.number_text(),
        place_date: d.place_date(),
        date_short: d.date_short(),
        issuer_short: &d.issuer_short,
        title: &d.title,
        authority: &d.authority,
        bases: &d.bases,
        article1: d.article1(),
        article2: d.article2(),
        article3: d.article3(),
        recipients: &d.recipients,
        signer_title: &d.signer_title,
        signer_name: &d.signer_name,
        list_title: d.list_title(),
        groups,
        total: d.total().map(tdkt_domain::text::format_money).unwrap_or_else(|| "…".into()),
    }
}

/// A plain document: the issuing body, a title and paragraphs (the demo's sample documents).
pub fn note_pdf(body: &str, title: &str, paragraphs: &[String]) -> Result<Vec<u8>, DocError> {
    #[derive(Serialize)]
    struct Note<'a> {
        body: &'a str,
        title: &'a str,
        paragraphs: &'a [String],
    }
    render("note.typ", &Note { body, title, paragraphs })
}

/// One certificate (Bằng khen, Giấy khen, or the certificate of a title).
#[derive(Debug, Clone)]
pub struct Certificate {
    /// "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA".
    pub authority: String,
    /// "BẰNG KHEN", "GIẤY KHEN", "BẰNG CHỨNG NHẬN".
    pub heading: String,
    /// For a title: "Danh hiệu Chiến sĩ thi đua cấp tỉnh"; empty for a Bằng khen.
    pub title: String,
    /// "Bà Nguyễn Thị Hường" or the collective's name.
    pub recipient: String,
    /// "Chuyên viên, Sở Y tế".
    pub detail: String,
    /// "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2025".
    pub achievement: String,
    /// "125/QĐ-UBND".
    pub decision: String,
    pub decided_on: NaiveDate,
    pub serial: String,
    /// The public address that verifies it; also what the QR code holds.
    pub url: String,
    pub place: String,
    pub signer_title: Vec<String>,
    pub signer_name: String,
}

#[derive(Serialize)]
struct CertificateData<'a> {
    authority: &'a str,
    heading: &'a str,
    title: &'a str,
    recipient: &'a str,
    detail: &'a str,
    achievement: &'a str,
    decision: &'a str,
    decided_on: String,
    serial: &'a str,
    url: &'a str,
    qr: String,
    place_date: String,
    signer_title: &'a [String],
    signer_name: &'a str,
}

/// The QR code of `text` as an SVG image.
pub fn qr_svg(text: &str) -> Result<String, DocError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| DocError::Pdf(format!("mã QR: {e}")))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).quiet_zone(true).build())
}

#[derive(Serialize)]
struct Certificates<'a> {
    certificates: Vec<CertificateData<'a>>,
}

/// Certificates as one PDF, a landscape A4 page each.
pub fn certificates_pdf(certs: &[Certificate]) -> Result<Vec<u8>, DocError> {
    render("certificate.typ", &certificate_data(certs)?)
}

fn certificate_data(certs: &[Certificate]) -> Result<Certificates<'_>, DocError> {
    let mut data = Vec::with_capacity(certs.len());
    for c in certs {
        data.push(CertificateData {
            authority: &c.authority,
            heading: &c.heading,
            title: &c.title,
            recipient: &c.recipient,
            detail: &c.detail,
            achievement: &c.achievement,
            decision: &c.decision,
            decided_on: format_date(c.decided_on),
            serial: &c.serial,
            url: &c.url,
            qr: qr_svg(&c.url)?,
            place_date: place_and_date(&c.place, c.decided_on),
            signer_title: &c.signer_title,
            signer_name: &c.signer_name,
        });
    }
    Ok(Certificates { certificates: data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decision_compiles_to_a_pdf_signed_or_draft() {
        for signed in [true, false] {
            let pdf = decision_pdf(&crate::decision::sample(signed)).expect("pdf");
            assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
            assert!(pdf.len() > 10_000, "too small: {}", pdf.len());
        }
    }

    #[test]
    fn certificates_compile_one_page_each_with_a_qr_code() {
        let c = Certificate {
            authority: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA".into(),
            heading: "BẰNG KHEN".into(),
            title: String::new(),
            recipient: "Bà Nguyễn Thị Hường".into(),
            detail: "Chuyên viên, Sở Y tế".into(),
            achievement: "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2025".into(),
            decision: "125/QĐ-UBND".into(),
            decided_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
            serial: "2026-BK_TINH-00017".into(),
            url: "http://localhost:8080/verify/ABCD2345EFGH".into(),
            place: "Sơn La".into(),
            signer_title: vec!["KT. CHỦ TỊCH".into(), "PHÓ CHỦ TỊCH".into()],
            signer_name: "Đặng Ngọc Hậu".into(),
        };
        let certs = [c.clone(), c];
        let doc = compile("certificate.typ", &certificate_data(&certs).expect("data")).expect("compiles");
        assert_eq!(doc.pages().len(), 2, "one page per certificate");
        assert!(certificates_pdf(&certs).expect("pdf").starts_with(b"%PDF-"));
        assert!(qr_svg("http://x/verify/A").expect("svg").contains("<svg"));
    }

    #[test]
    fn a_note_compiles() {
        let pdf = note_pdf("BỆNH VIỆN ĐA KHOA TỈNH", "TỜ TRÌNH", &["Kính gửi: Hội đồng.".into()]).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_decision_puts_its_list_on_a_page_of_its_own() {
        let doc = compile_decision(&crate::decision::sample(true));
        assert_eq!(doc.pages().len(), 2);
    }

    fn compile_decision(d: &Decision) -> PagedDocument {
        compile("decision.typ", &decision_data(d)).expect("compiles")
    }
}
