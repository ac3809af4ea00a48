//! The award decision (quyết định khen thưởng), as .docx here and as PDF in [`crate::pdf`], from
//! one [`Decision`]: both read the same article texts, so the two files say the same thing.

use chrono::NaiveDate;
use docx_rs::{AlignmentType, BreakType, Paragraph, Run, SpecialIndentType, Table, TableCell, TableRow, WidthType};
use serde::Serialize;
use tdkt_domain::text::{format_date, format_money};

use crate::{DocError, SMALL, cell, centered_bold, document, mm, place_and_date, run, small, small_centered_bold};

/// Everything a decision prints. Amounts are whole đồng; `None` while the draft has no multiple.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The issuing body, one line each: ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"].
    pub body: Vec<String>,
    /// "Chủ tịch Ủy ban nhân dân tỉnh Sơn La", for "(Kèm theo Quyết định số … của …)".
    pub issuer_short: String,
    /// "125/QĐ-UBND"; `None` for a draft, printed as "…/QĐ-UBND".
    pub number: Option<String>,
    /// "QĐ-UBND".
    pub symbol: String,
    pub place: String,
    /// `None` for a draft.
    pub signed_on: Option<NaiveDate>,
    /// "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".
    pub title: String,
    /// "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA".
    pub authority: String,
    /// "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" ...
    pub bases: Vec<String>,
    /// "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".
    pub award_name: String,
    /// "đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2025".
    pub achievement: String,
    /// Reward per person and per collective, with the multiple and the base salary it comes from.
    pub person_amount: Option<Amount>,
    pub collective_amount: Option<Amount>,
    /// Where the money comes from: "Quỹ thi đua, khen thưởng của tỉnh".
    pub fund: String,
    /// Who carries the decision out (Điều 3).
    pub executors: String,
    pub recipients: Vec<String>,
    /// ["CHỦ TỊCH"] or ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"].
    pub signer_title: Vec<String>,
    pub signer_name: String,
    pub collectives: Vec<Line>,
    pub people: Vec<Line>,
}

#[derive(Debug, Clone)]
pub struct Amount {
    pub each: i64,
    /// "0,3".
    pub multiple: String,
    pub base_salary: i64,
}

/// One line of the attached list.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    /// "Chuyên viên, Sở Y tế" for a person; the unit above for a collective.
    pub detail: String,
}

impl Decision {
    pub fn draft(&self) -> bool {
        self.number.is_none()
    }

    pub fn number_text(&self) -> String {
        self.number.clone().unwrap_or_else(|| format!("      /{}", self.symbol))
    }

    pub fn place_date(&self) -> String {
        match self.signed_on {
            Some(d) => place_and_date(&self.place, d),
            None => format!("{}, ngày      tháng      năm     ", self.place),
        }
    }

    pub fn date_short(&self) -> String {
        self.signed_on.map(format_date).unwrap_or_else(|| "   /   /    ".into())
    }

    fn counts(&self) -> String {
        match (self.collectives.len(), self.people.len()) {
            (0, p) => format!("{p} cá nhân"),
            (c, 0) => format!("{c} tập thể"),
            (c, p) => format!("{c} tập thể và {p} cá nhân"),
        }
    }

    /// Điều 1.
    pub fn article1(&self) -> String {
        format!("Tặng {} cho {} (có danh sách kèm theo), {}.", self.award_name, self.counts(), self.achievement)
    }

    /// Điều 2: the reward money.
    pub fn article2(&self) -> String {
        let part = |who: &str, a: &Option<Amount>| match a {
            Some(a) => format!(
                "mỗi {who} được tặng kèm theo {} đồng ({} lần mức lương cơ sở {} đồng)",
                format_money(a.each),
                a.multiple,
                format_money(a.base_salary)
            ),
            None => format!("mức tiền thưởng cho mỗi {who} chưa xác định"),
        };
        let mut parts = vec![];
        if !self.collectives.is_empty() {
            parts.push(part("tập thể", &self.collective_amount));
        }
        if !self.people.is_empty() {
            parts.push(part("cá nhân", &self.person_amount));
        }
        let mut s = parts.join("; ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        match self.total() {
            Some(t) => format!("{s}. Tổng số tiền thưởng: {} đồng, chi từ {}.", format_money(t), self.fund),
            None => format!("{s}. Tiền thưởng chi từ {}.", self.fund),
        }
    }

    /// Điều 3.
    pub fn article3(&self) -> String {
        format!("Quyết định này có hiệu lực kể từ ngày ký. {}", self.executors)
    }

    pub fn list_title(&self) -> String {
        format!("tập thể, cá nhân được tặng {}", self.award_name)
    }

    fn each(&self, collective: bool) -> Option<i64> {
        let a = if collective { &self.collective_amount } else { &self.person_amount };
        a.as_ref().map(|a| a.each)
    }

    /// The sum of every reward, when every amount is known.
    pub fn total(&self) -> Option<i64> {
        let c = if self.collectives.is_empty() { Some(0) } else { self.each(true) };
        let p = if self.people.is_empty() { Some(0) } else { self.each(false) };
        Some(c? * self.collectives.len() as i64 + p? * self.people.len() as i64)
    }

    /// The list's groups: heading, lines, amount each (formatted or blank).
    pub(crate) fn groups(&self) -> Vec<(&'static str, &[Line], String)> {
        let money = |a: Option<i64>| a.map(format_money).unwrap_or_default();
        let mut out = vec![];
        if !self.collectives.is_empty() {
            out.push(("I. Tập thể", self.collectives.as_slice(), money(self.each(true))));
        }
        if !self.people.is_empty() {
            let heading = if self.collectives.is_empty() { "Cá nhân" } else { "II. Cá nhân" };
            out.push((heading, self.people.as_slice(), money(self.each(false))));
        }
        out
    }
}

fn bold(text: &str) -> Run {
    run(text).bold()
}

/// The decision as a Word document.
pub fn decision_docx(d: &Decision) -> Result<Vec<u8>, DocError> {
    // The People's Committee has no body above it: every line is its own name, in bold.
    let mut body = TableCell::new();
    for line in &d.body {
        body = body.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(line).bold().size(SMALL)));
    }
    let left = body
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(run(&format!("Số: {}", d.number_text())).size(SMALL)),
        )
        .width(mm(65.0) as usize, WidthType::Dxa);
    let right = TableCell::new()
        .add_paragraph(small_centered_bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        .add_paragraph(centered_bold("Độc lập - Tự do - Hạnh phúc"))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(&d.place_date()).italic()))
        .width(mm(100.0) as usize, WidthType::Dxa);
    let heading = Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![mm(65.0) as usize, mm(100.0) as usize]);

    let justified = |p: Paragraph| {
        p.align(AlignmentType::Both).indent(None, Some(SpecialIndentType::FirstLine(mm(10.0))), None, None)
    };
    let mut doc = document().add_table(heading).add_paragraph(Paragraph::new());
    if d.draft() {
        doc = doc.add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(bold("DỰ THẢO").italic()));
    }
    doc = doc
        .add_paragraph(centered_bold("QUYẾT ĐỊNH"))
        .add_paragraph(centered_bold(&d.title))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered_bold(&d.authority))
        .add_paragraph(Paragraph::new());
    for b in &d.bases {
        doc = doc.add_paragraph(justified(Paragraph::new().add_run(run(b).italic())));
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered_bold("QUYẾT ĐỊNH:"))
        .add_paragraph(justified(Paragraph::new().add_run(bold("Điều 1. ")).add_run(run(&d.article1()))))
        .add_paragraph(justified(Paragraph::new().add_run(bold("Điều 2. ")).add_run(run(&d.article2()))))
        .add_paragraph(justified(Paragraph::new().add_run(bold("Điều 3. ")).add_run(run(&d.article3()))))
        .add_paragraph(Paragraph::new());

    let mut recipients =
        TableCell::new().add_paragraph(Paragraph::new().add_run(run("Nơi nhận:").bold().italic().size(SMALL)));
    for r in &d.recipients {
        recipients = recipients.add_paragraph(Paragraph::new().add_run(run(&format!("- {r}")).size(22)));
    }
    let mut signer = TableCell::new();
    for t in &d.signer_title {
        signer = signer.add_paragraph(centered_bold(t));
    }
    for _ in 0..4 {
        signer = signer.add_paragraph(Paragraph::new());
    }
    signer = signer.add_paragraph(centered_bold(&d.signer_name));
    doc = doc.add_table(
        Table::without_borders(vec![TableRow::new(vec![
            recipients.width(mm(85.0) as usize, WidthType::Dxa),
            signer.width(mm(80.0) as usize, WidthType::Dxa),
        ])])
        .set_grid(vec![mm(85.0) as usize, mm(80.0) as usize]),
    );

    // The attached list, on its own page.
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(centered_bold("DANH SÁCH"))
        .add_paragraph(centered_bold(&d.list_title()))
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                run(&format!(
                    "(Kèm theo Quyết định số {} ngày {} của {})",
                    d.number_text(),
                    d.date_short(),
                    d.issuer_short
                ))
                .italic(),
            ),
        );
    let widths = [12.0, 58.0, 65.0, 30.0];
    for (heading, lines, each) in d.groups() {
        doc = doc.add_paragraph(Paragraph::new().add_run(bold(heading)));
        let head = ["STT", "Họ và tên / tên tập thể", "Chức vụ, đơn vị", "Tiền thưởng (đồng)"];
        let mut rows =
            vec![TableRow::new(head.iter().zip(widths).map(|(h, w)| cell(small_centered_bold(h), w)).collect())];
        for (i, l) in lines.iter().enumerate() {
            let values = [(i + 1).to_string(), l.name.clone(), l.detail.clone(), each.clone()];
            rows.push(TableRow::new(values.iter().zip(widths).map(|(v, w)| cell(small(v), w)).collect()));
        }
        doc = doc.add_table(Table::new(rows).set_grid(widths.iter().map(|w| mm(*w) as usize).collect()));
    }
    if let Some(t) = d.total() {
        doc = doc.add_paragraph(
            Paragraph::new().align(AlignmentType::Right).add_run(bold(&format!("Tổng cộng: {} đồng", format_money(t)))),
        );
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| DocError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
pub(crate) fn sample(signed: bool) -> Decision {
    Decision {
        body: vec!["ỦY BAN NHÂN DÂN".into(), "TỈNH SƠN LA".into()],
        issuer_short: "Chủ tịch Ủy ban nhân dân tỉnh Sơn La".into(),
        number: signed.then(|| "125/QĐ-UBND".into()),
        symbol: "QĐ-UBND".into(),
        place: "Sơn La".into(),
        signed_on: signed.then(|| NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()),
        title: "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".into(),
        authority: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA".into(),
        bases: vec![
            "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;".into(),
            "Căn cứ Luật Thi đua, khen thưởng năm 2022;".into(),
        ],
        award_name: "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh".into(),
        achievement: "đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2025".into(),
        person_amount: Some(Amount { each: 1_170_000, multiple: "0,5".into(), base_salary: 2_340_000 }),
        collective_amount: signed.then(|| Amount { each: 2_340_000, multiple: "1".into(), base_salary: 2_340_000 }),
        fund: "Quỹ thi đua, khen thưởng của tỉnh".into(),
        executors: "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into(),
        recipients: vec!["Như Điều 3;".into(), "Lưu: VT, SNV.".into()],
        signer_title: vec!["KT. CHỦ TỊCH".into(), "PHÓ CHỦ TỊCH".into()],
        signer_name: "Đặng Ngọc Hậu".into(),
        collectives: vec![Line { name: "Phòng Nghiệp vụ Y".into(), detail: "Sở Y tế".into() }],
        people: vec![
            Line { name: "Bà Nguyễn Thị Hường".into(), detail: "Chuyên viên, Sở Y tế".into() },
            Line { name: "Ông Quàng Văn Ánh".into(), detail: "Công chức, UBND xã Mường Bú".into() },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_decision_reads_back_with_its_number_articles_and_list() {
        let d = sample(true);
        let bytes = decision_docx(&d).expect("docx");
        let json = docx_rs::read_docx(&bytes).expect("a .docx Word opens").json();
        for text in [
            "Số: 125/QĐ-UBND",
            "Sơn La, ngày 20 tháng 11 năm 2026",
            "QUYẾT ĐỊNH:",
            "cho 1 tập thể và 2 cá nhân",
            "mỗi cá nhân được tặng kèm theo 1.170.000 đồng (0,5 lần mức lương cơ sở 2.340.000 đồng)",
            "Tổng số tiền thưởng: 4.680.000 đồng",
            "Kèm theo Quyết định số 125/QĐ-UBND ngày 20/11/2026",
            "Bà Nguyễn Thị Hường",
            "PHÓ CHỦ TỊCH",
        ] {
            assert!(json.contains(text), "missing “{text}”");
        }
        assert!(!json.contains("DỰ THẢO"));
    }

    #[test]
    fn a_draft_has_no_number_and_says_what_is_missing() {
        let d = sample(false);
        assert_eq!(d.total(), None);
        assert!(d.article2().contains("Mức tiền thưởng cho mỗi tập thể chưa xác định"), "{}", d.article2());
        let json = docx_rs::read_docx(&decision_docx(&d).expect("docx")).expect("opens").json();
        assert!(json.contains("DỰ THẢO"));
        assert!(json.contains("/QĐ-UBND"));
        assert!(!json.contains("125/QĐ-UBND"));
    }
}
