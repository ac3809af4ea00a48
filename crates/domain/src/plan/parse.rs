//! Reading a plan's text as officers have it: a plan copied from Word with its appendix as a
//! tab-separated table (the Sơn La 2026 plan, with HTML bold and Markdown headings), a plan whose
//! tasks are bullets under quarter headings (the Lào Cai block plan), or either pasted from a PDF
//! with its lines broken anywhere.
//!
//! Nothing is dropped silently: every line in the task region ends up in a task, or in a warning
//! that says which line could not be placed.

use serde::Serialize;

use super::due::{Due, quarter_of};
use crate::text;

/// What a plan's text says, before it is matched to the unit registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedPlan {
    /// The number as written after "Số:" (`28/KH-UBND`); `None` when the plan has none yet
    /// ("Số: /KH-UBND" in a draft).
    pub number: Option<String>,
    /// The plan's trích yếu, what follows "KẾ HOẠCH".
    pub title: String,
    pub year: Option<i32>,
    /// Who signs for the issuer ("TM. ỦY BAN NHÂN DÂN" gives "ỦY BAN NHÂN DÂN").
    pub issuer: Option<String>,
    /// The plan this one carries out ("Thực hiện Kế hoạch số 28/KH-UBND" gives `28/KH-UBND`).
    pub based_on: Option<String>,
    pub sections: Vec<Section>,
    pub tasks: Vec<ParsedTask>,
    pub warnings: Vec<Warning>,
}

/// A numbered part of the plan's body ("I. MỤC ĐÍCH, YÊU CẦU") with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub heading: String,
    pub body: String,
}

/// One key task as the plan writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedTask {
    /// The heading the task sits under ("Nhiệm vụ thực hiện trong quý I", "Quý 1").
    pub group: String,
    /// Its number within the group as written, or its place when the plan numbers nothing.
    pub number: String,
    pub content: String,
    /// The time as written (for bullets under a quarter heading: the heading's time).
    pub due: String,
    pub lead: Option<String>,
    pub cooperating: Vec<String>,
    /// The line of the text the task starts on (1-based).
    pub line: usize,
}

/// Something the reader could not do with certainty, for a person to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The line it is about (1-based); 0 for the plan as a whole.
    pub line: usize,
    pub message: String,
}

/// Reads a plan's text. Never fails: what it cannot read becomes a warning.
pub fn parse(input: &str) -> ParsedPlan {
    let lines: Vec<Line> = input
        .lines()
        .enumerate()
        .map(|(i, raw)| {
            let text = strip_markup(raw);
            let folded = text::fold(&text);
            Line { no: i + 1, text, folded }
        })
        .collect();
    let mut warnings = Vec::new();

    let head = Head::read(&lines, &mut warnings);
    let table = lines.iter().position(|l| Columns::from_header(&l.text).is_some());
    let loose = lines.iter().position(|l| is_loose_header(&l.folded));
    let body_end = lines
        .iter()
        .position(|l| is_closing(&l.folded) || is_appendix(&l.folded))
        .into_iter()
        .chain(table)
        .chain(loose)
        .min()
        .unwrap_or(lines.len());
    // The title may sit after the appendix's start (an appendix pasted alone): no sections then.
    let start = head.title_line.map_or(0, |t| t + 1).min(body_end);
    let sections = read_sections(&lines[start..body_end]);

    let mut reader = TaskReader { tasks: Vec::new(), warnings: &mut warnings };
    if let Some(at) = table {
        let columns = Columns::from_header(&lines[at].text).expect("checked above");
        reader.table(&lines[at + 1..], &columns);
    } else if let Some(at) = loose {
        reader.loose(&lines[at + 1..]);
    } else {
        let (from, to) = content_region(&lines, body_end);
        reader.bullets(&lines[from..to], head.year);
    }
    let tasks = reader.tasks;
    if tasks.is_empty() {
        warnings.push(Warning {
            line: 0,
            message: "Không tìm thấy nhiệm vụ nào: phụ lục cần có dòng tiêu đề cột (TT, Nội dung, Thời gian, Đơn vị chủ trì, Đơn vị phối hợp), hoặc các nhiệm vụ là gạch đầu dòng dưới tiêu đề theo quý".into(),
        });
    }
    number_gaps(&tasks, &mut warnings);
    warnings.sort_by_key(|w| w.line);
    ParsedPlan {
        number: head.number,
        title: head.title,
        year: head.year,
        issuer: head.issuer,
        based_on: head.based_on,
        sections,
        tasks,
        warnings,
    }
}

/// Splits the cooperating units of a task as plans list them: separated by semicolons or line
/// breaks, or written as a dashed list ("- Sở Tư pháp - Văn phòng Ủy ban nhân dân tỉnh").
/// A dash inside a name ("Hội đồng Thi đua - Khen thưởng") is kept.
pub fn split_parties(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in input.split([';', '\n']) {
        let piece = text::clean(piece);
        let piece = piece.trim_start_matches(['-', '+', '•', '–']).trim();
        let mut current = String::new();
        for (i, part) in piece.split(" - ").enumerate() {
            if i > 0 && starts_like_unit(part) {
                out.push(std::mem::take(&mut current));
            } else if i > 0 {
                current.push_str(" - ");
            }
            current.push_str(part);
        }
        out.push(current);
    }
    out.into_iter()
        .map(|p| p.trim().trim_end_matches(['.', ',', ';']).trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Words a unit's or a body's name starts with, used to tell where one name ends and the next
/// begins when a PDF has lost the columns.
const UNIT_STARTS: &[&str] = &[
    "so",
    "van phong",
    "ban",
    "uy ban",
    "ubnd",
    "hdnd",
    "thanh vien",
    "cac",
    "lanh dao",
    "hoi dong",
    "hoi",
    "cong an",
    "bo chi huy",
    "dai",
    "bao",
    "truong",
    "benh vien",
    "thanh tra",
    "kho bac",
    "cuc",
    "chi cuc",
    "tinh uy",
    "tinh doan",
    "mat tran",
    "lien doan",
    "uy ban mat tran",
    "doan",
    "xa",
    "phuong",
    "khoi",
    "cum",
    "trung tam",
];

fn starts_like_unit(part: &str) -> bool {
    let first = part.trim_start().chars().next();
    if !first.is_some_and(|c| c.is_uppercase()) {
        return false;
    }
    let folded = text::fold(part);
    UNIT_STARTS.iter().any(|s| folded == *s || folded.starts_with(&format!("{s} ")))
}

struct Line {
    no: usize,
    /// NFC, without HTML tags or Markdown marks; tabs kept.
    text: String,
    folded: String,
}

/// Removes HTML tags and entities and Markdown emphasis and heading marks, keeping tabs.
fn strip_markup(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(close)) => {
                out.push_str(&rest[..open]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("**", "")
        .replace('\u{a0}', " ");
    let trimmed = out.trim_start_matches([' ', '#']).trim_end();
    let trimmed = match trimmed.strip_prefix('*').and_then(|t| t.strip_suffix('*')) {
        Some(inner) if !inner.contains('\t') => inner,
        _ => trimmed,
    };
    let nfc = text::clean(&trimmed.replace('\t', "\u{1}"));
    nfc.replace(" \u{1}", "\t").replace("\u{1} ", "\t").replace('\u{1}', "\t")
}

struct Head {
    number: Option<String>,
    title: String,
    title_line: Option<usize>,
    year: Option<i32>,
    issuer: Option<String>,
    based_on: Option<String>,
}

impl Head {
    fn read(lines: &[Line], warnings: &mut Vec<Warning>) -> Head {
        let mut head =
            Head { number: None, title: String::new(), title_line: None, year: None, issuer: None, based_on: None };
        for (i, l) in lines.iter().enumerate().take(60) {
            if head.title_line.is_none() && (l.folded == "ke hoach" || l.folded.starts_with("ke hoach ")) {
                let after: Vec<&str> = l.text.split_whitespace().skip(2).collect();
                if after.is_empty() {
                    if let Some((j, next)) = lines.iter().enumerate().skip(i + 1).find(|(_, n)| !n.text.is_empty()) {
                        head.title = next.text.clone();
                        head.title_line = Some(j);
                    }
                } else {
                    head.title = after.join(" ");
                    head.title_line = Some(i);
                }
            }
            if head.number.is_none() && (l.folded.starts_with("so ") || l.folded == "so") && l.text.contains('/') {
                let rest = l.text.split_once(':').map_or_else(
                    || l.text.split_whitespace().skip(1).collect::<Vec<_>>().join(" "),
                    |(_, r)| r.trim().to_owned(),
                );
                if rest.starts_with('/') || rest.starts_with('…') || rest.starts_with("...") {
                    warnings.push(Warning {
                        line: l.no,
                        message: format!("Kế hoạch chưa có số (“Số: {rest}”): bản dự thảo? Số được ghi khi ban hành"),
                    });
                } else if !rest.is_empty() {
                    head.number = Some(rest);
                }
            }
        }
        if head.title_line.is_none() {
            warnings
                .push(Warning {
                    line: 0, message: "Không tìm thấy dòng “KẾ HOẠCH” và trích yếu của kế hoạch".into()
                });
        }
        let title_year = text::fold(&head.title)
            .split(' ')
            .filter(|w| w.len() == 4)
            .filter_map(|w| w.parse::<i32>().ok())
            .rfind(|y| (1990..=2100).contains(y));
        let dated_year = lines.iter().take(60).find_map(|l| {
            let words: Vec<&str> = l.folded.split(' ').collect();
            let at = words.iter().position(|w| *w == "ngay")?;
            words[at..].windows(2).find(|w| w[0] == "nam").and_then(|w| w[1].parse::<i32>().ok())
        });
        head.year = title_year.or(dated_year);
        if head.year.is_none() {
            warnings.push(Warning {
                line: 0, message: "Không đọc được năm của kế hoạch: hãy nhập năm".into()
            });
        }
        head.issuer = lines.iter().rev().find_map(|l| {
            let t = l.text.strip_prefix("TM.").or_else(|| l.text.strip_prefix("TM "))?;
            Some(t.trim().to_owned()).filter(|t| !t.is_empty())
        });
        head.based_on = lines.iter().take(80).find_map(|l| {
            let at = l.folded.find("ke hoach so")?;
            let _ = at;
            let words: Vec<&str> = l.text.split_whitespace().collect();
            let folded: Vec<String> = words.iter().map(|w| text::fold(w)).collect();
            let so = folded.windows(3).position(|w| w[0] == "ke" && w[1] == "hoach" && w[2] == "so")?;
            words.get(so + 3).filter(|w| w.contains('/')).map(|w| w.trim_end_matches([',', '.', ';']).to_owned())
        });
        head
    }
}

fn is_closing(folded: &str) -> bool {
    folded.starts_with("noi nhan")
}

fn is_appendix(folded: &str) -> bool {
    folded == "phu luc" || folded.starts_with("phu luc ")
}

/// The column header of an appendix pasted from a PDF, which has lost its tabs.
fn is_loose_header(folded: &str) -> bool {
    (folded.starts_with("tt noi dung") || folded.starts_with("stt noi dung"))
        && (folded.contains("thoi gian") || folded.contains("chu tri"))
}

/// Where each field sits in a tab-separated appendix.
struct Columns {
    number: usize,
    content: usize,
    due: Option<usize>,
    lead: Option<usize>,
    cooperating: Option<usize>,
}

impl Columns {
    fn from_header(line: &str) -> Option<Columns> {
        let cells: Vec<String> = line.split('\t').map(text::fold).collect();
        if cells.len() < 3 {
            return None;
        }
        let find = |pred: &dyn Fn(&str) -> bool| cells.iter().position(|c| pred(c));
        let content = find(&|c| c.contains("noi dung") || c == "nhiem vu" || c.starts_with("ten nhiem vu"))?;
        let due = find(&|c| c.contains("thoi gian") || c.contains("thoi han") || c.contains("tien do"));
        let lead = find(&|c| c.contains("chu tri"));
        let cooperating = find(&|c| c.contains("phoi hop"));
        if due.is_none() && lead.is_none() {
            return None;
        }
        let number = find(&|c| c == "tt" || c == "stt" || c == "so tt").unwrap_or(0);
        Some(Columns { number, content, due, lead, cooperating })
    }
}

/// The plan's numbered parts before the closing lines and the appendix.
fn read_sections(lines: &[Line]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let mut heading = String::new();
    let flush = |heading: &str, body: &mut Vec<&str>, sections: &mut Vec<Section>| {
        let text = join_paragraphs(body);
        if !heading.is_empty() || !text.is_empty() {
            sections.push(Section { heading: heading.to_owned(), body: text });
        }
        body.clear();
    };
    for l in lines {
        if roman_heading(&l.text).is_some() {
            flush(&heading, &mut body, &mut sections);
            heading = l.text.clone();
        } else {
            body.push(&l.text);
        }
    }
    flush(&heading, &mut body, &mut sections);
    sections
}

/// Lines joined into paragraphs: a blank line or a line starting a list item or a numbered
/// heading starts a new paragraph; other lines (broken by a PDF) continue the previous one.
fn join_paragraphs(lines: &[&str]) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open = false;
    for l in lines {
        let l = l.replace('\t', " ");
        let l = l.trim();
        if l.is_empty() {
            open = false;
            continue;
        }
        let starts_item = starts_bullet(l).is_some() || numbered(l).is_some();
        match paragraphs.last_mut() {
            Some(last) if !starts_item && (open || continues(last)) => {
                last.push(' ');
                last.push_str(l);
            }
            _ => paragraphs.push(l.to_owned()),
        }
        open = true;
    }
    paragraphs.join("\n")
}

/// Whether a paragraph stops mid-sentence (a PDF broke it before a blank line).
fn continues(paragraph: &str) -> bool {
    !paragraph.ends_with(['.', ':', ';', '!', '?', ')']) && !paragraph.ends_with("./.")
}

/// "III. TỔ CHỨC THỰC HIỆN": a Roman number and a heading in capitals.
fn roman_heading(line: &str) -> Option<u32> {
    let (num, rest) = line.split_once(['.', ')'])?;
    let value = roman_value(num.trim())?;
    let letters: Vec<char> = rest.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    (!letters.is_empty() && upper * 10 >= letters.len() * 7).then_some(value)
}

fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 5 || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    const ROMANS: [&str; 20] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
        "XVIII", "XIX", "XX",
    ];
    ROMANS.iter().position(|r| *r == s).map(|p| p as u32 + 1)
}

/// "1. Quý 1", "2) ..." or "a) ...": the numbering and the rest.
fn numbered(line: &str) -> Option<(&str, &str)> {
    let end = line.find(['.', ')'])?;
    let (num, rest) = (&line[..end], line[end + 1..].trim());
    let ok = !num.is_empty()
        && (num.chars().all(|c| c.is_ascii_digit()) || (num.len() == 1 && num.chars().all(|c| c.is_lowercase())))
        && !rest.is_empty();
    ok.then_some((num, rest))
}

fn starts_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "– ", "+ ", "• ", "* "].iter().find_map(|b| t.strip_prefix(b)).map(str::trim)
}

/// A heading that gives the time of the tasks under it: "1. Quý 1", "Trong quý III", "Nhiệm vụ
/// thường xuyên", "6 tháng đầu năm".
fn time_heading(line: &str) -> Option<String> {
    if line.chars().count() > 90 || starts_bullet(line).is_some() {
        return None;
    }
    let rest = numbered(line).map_or(line, |(_, r)| r);
    let rest = roman_heading(line).map_or(rest, |_| line.split_once(['.', ')']).map_or(rest, |(_, r)| r.trim()));
    // A heading is short and starts with a capital or a digit; a PDF line that happens to start
    // with "tháng" is the rest of a sentence.
    if rest.chars().count() > 60 || !rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    let folded = text::fold(rest);
    let opener = ["quy ", "trong quy ", "nhiem vu", "cac nhiem vu", "thang ", "6 thang", "sau thang", "thuong xuyen"]
        .iter()
        .any(|o| folded.starts_with(o));
    let timed = quarter_of(&folded).is_some()
        || folded.contains("thuong xuyen")
        || folded.contains("6 thang")
        || folded.starts_with("thang ");
    (opener && timed && !rest.ends_with([';', ','])).then(|| rest.trim_end_matches([':', '.']).trim().to_owned())
}

/// The part of the body that holds the tasks when there is no appendix: the section whose
/// heading speaks of content or tasks, or the whole body.
fn content_region(lines: &[Line], body_end: usize) -> (usize, usize) {
    let headings: Vec<usize> = (0..body_end).filter(|&i| roman_heading(&lines[i].text).is_some()).collect();
    for (k, &h) in headings.iter().enumerate() {
        let f = &lines[h].folded;
        if f.contains("noi dung") || f.contains("nhiem vu") {
            let end = headings.get(k + 1).copied().unwrap_or(body_end);
            return (h + 1, end);
        }
    }
    (0, body_end)
}

struct TaskReader<'w> {
    tasks: Vec<ParsedTask>,
    warnings: &'w mut Vec<Warning>,
}

impl TaskReader<'_> {
    fn warn(&mut self, line: usize, message: String) {
        self.warnings.push(Warning { line, message });
    }

    /// A tab-separated appendix.
    fn table(&mut self, lines: &[Line], cols: &Columns) {
        let mut group = String::new();
        for l in lines {
            if l.text.is_empty() {
                continue;
            }
            if is_closing(&l.folded) {
                break;
            }
            let cells: Vec<&str> = l.text.split('\t').map(str::trim).collect();
            let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).copied().unwrap_or("").to_owned();
            if cells.len() == 1 {
                self.untabbed(l, &mut group);
                continue;
            }
            let number = cell(Some(cols.number));
            let number = number.trim_end_matches('.').to_owned();
            let content = cell(Some(cols.content));
            if roman_value(&number).is_some() {
                group = if content.is_empty() { number } else { content };
            } else if !number.is_empty() && number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                if content.is_empty() {
                    self.warn(l.no, format!("Nhiệm vụ số {number} không có nội dung"));
                }
                let lead = Some(cell(cols.lead)).filter(|s| !s.is_empty());
                self.tasks.push(ParsedTask {
                    group: group.clone(),
                    number,
                    content,
                    due: cell(cols.due),
                    lead,
                    cooperating: split_parties(&cell(cols.cooperating)),
                    line: l.no,
                });
            } else if let Some(task) = self.tasks.last_mut() {
                // A row without a number continues the task above (a cell broken over rows).
                append(&mut task.content, &content);
                append(&mut task.due, &cell(cols.due));
                if let Some(lead) = Some(cell(cols.lead)).filter(|s| !s.is_empty()) {
                    let mut l2 = task.lead.take().unwrap_or_default();
                    append(&mut l2, &lead);
                    task.lead = Some(l2);
                }
                task.cooperating.extend(split_parties(&cell(cols.cooperating)));
            } else {
                self.warn(l.no, format!("Dòng không thuộc nhiệm vụ nào, chưa được nhập: “{}”", short(&l.text)));
            }
        }
    }

    /// A line without tabs inside a table: a group heading, a task whose columns were lost, or
    /// the rest of the task above.
    fn untabbed(&mut self, l: &Line, group: &mut String) {
        let first = l.text.split_whitespace().next().unwrap_or("");
        if roman_value(first.trim_end_matches(['.', ')'])).is_some() {
            *group = l.text[first.len()..].trim().to_owned();
            return;
        }
        if self.starts_task(&l.text, group) {
            self.loose_task(l, group);
            self.finish_loose();
            return;
        }
        match self.tasks.last_mut() {
            Some(task) => {
                append(&mut task.content, &l.text);
                let number = task.number.clone();
                self.warn(
                    l.no,
                    format!("Dòng không có cột, đã nối vào nội dung nhiệm vụ số {number}: “{}”", short(&l.text)),
                );
            }
            None => self.warn(l.no, format!("Dòng không thuộc nhiệm vụ nào, chưa được nhập: “{}”", short(&l.text))),
        }
    }

    /// An appendix pasted from a PDF: no tabs, and lines broken anywhere. A line starting with
    /// a number starts a task, a Roman number a group; any other line continues the task.
    fn loose(&mut self, lines: &[Line]) {
        let mut group = String::new();
        let mut open = false;
        for l in lines {
            if l.text.is_empty() {
                continue;
            }
            if is_closing(&l.folded) {
                break;
            }
            let first = l.text.split_whitespace().next().unwrap_or("");
            let bare = first.trim_end_matches(['.', ')']);
            if roman_value(bare).is_some() {
                if open {
                    self.finish_loose();
                    open = false;
                }
                group = l.text[first.len()..].trim().to_owned();
            } else if self.starts_task(&l.text, &group) {
                if open {
                    self.finish_loose();
                }
                self.loose_task(l, &group);
                open = true;
            } else if open {
                let task = self.tasks.last_mut().expect("open task");
                append(&mut task.content, &l.text);
            } else {
                self.warn(l.no, format!("Dòng không thuộc nhiệm vụ nào, chưa được nhập: “{}”", short(&l.text)));
            }
        }
        if open {
            self.finish_loose();
        }
        if !self.tasks.is_empty() {
            self.warn(
                0,
                "Phụ lục không có cột (dán từ PDF?): thời gian và đơn vị của mỗi nhiệm vụ được tách theo ước đoán, xin kiểm tra".into(),
            );
        }
    }

    /// Whether a line without columns starts the next task of the group: it starts with the
    /// next number, or a later one followed by a capital. A PDF line that starts with a number
    /// inside a sentence ("7 tỉnh miền núi") continues the task above.
    fn starts_task(&self, line: &str, group: &str) -> bool {
        let first = line.split_whitespace().next().unwrap_or("");
        let bare = first.trim_end_matches(['.', ')']);
        let Ok(n) = bare.parse::<u32>() else { return false };
        let rest = line[first.len()..].trim_start();
        if rest.is_empty() {
            return false;
        }
        let expected = match self.tasks.last() {
            Some(t) if t.group == group => t.number.parse::<u32>().map_or(1, |p| p.saturating_add(1)),
            _ => 1,
        };
        n == expected || (n > expected && rest.starts_with(|c: char| c.is_uppercase()))
    }

    fn loose_task(&mut self, l: &Line, group: &str) {
        let first = l.text.split_whitespace().next().unwrap_or("");
        self.tasks.push(ParsedTask {
            group: group.to_owned(),
            number: first.trim_end_matches(['.', ')']).to_owned(),
            content: l.text[first.len()..].trim().to_owned(),
            due: String::new(),
            lead: None,
            cooperating: Vec::new(),
            line: l.no,
        });
    }

    /// Splits the whole text of a task whose columns were lost: the last time in it ends the
    /// content, the first name after it is the lead, the rest cooperate.
    fn finish_loose(&mut self) {
        let Some(task) = self.tasks.last_mut() else { return };
        let words: Vec<&str> = task.content.split(' ').collect();
        let Some((from, to)) = last_time(&words) else {
            let (no, line) = (task.number.clone(), task.line);
            self.warn(line, format!("Nhiệm vụ số {no}: không tách được thời gian và đơn vị khỏi nội dung"));
            return;
        };
        let content = words[..from].join(" ");
        let due = words[from..to].join(" ");
        let rest = words[to..].join(" ");
        let starts: Vec<usize> = rest
            .char_indices()
            .filter(|&(i, _)| i == 0 || rest[..i].ends_with(' '))
            .map(|(i, _)| i)
            .filter(|&i| starts_like_unit(&rest[i..]))
            .collect();
        let (lead, coop) = match starts.get(1) {
            Some(&second) => (rest[..second].trim().trim_end_matches('-').trim().to_owned(), rest[second..].to_owned()),
            None => (rest.trim().to_owned(), String::new()),
        };
        task.content = content;
        task.due = due;
        task.lead = Some(lead).filter(|s| !s.is_empty());
        task.cooperating = split_parties(&coop);
    }

    /// Tasks as bullets under headings that give their time (the Lào Cai block plan). A blank
    /// line does not end a task (PDFs put them mid-sentence); a new bullet or heading does.
    fn bullets(&mut self, lines: &[Line], year: Option<i32>) {
        let mut group: Option<String> = None;
        let mut open = false;
        let mut counter = 0;
        for l in lines {
            if l.text.is_empty() {
                continue;
            }
            if let Some(heading) = time_heading(&l.text) {
                group = Some(heading);
                open = false;
                counter = 0;
                continue;
            }
            if let Some(item) = starts_bullet(&l.text) {
                let Some(g) = &group else {
                    // Bullets before any time heading are the plan's prose, not its tasks.
                    continue;
                };
                counter += 1;
                let due = if Due::parse(g, year) == Due::Unclear { String::new() } else { g.clone() };
                self.tasks.push(ParsedTask {
                    group: g.clone(),
                    number: counter.to_string(),
                    content: item.to_owned(),
                    due,
                    lead: None,
                    cooperating: Vec::new(),
                    line: l.no,
                });
                open = true;
            } else if open {
                let task = self.tasks.last_mut().expect("open task");
                append(&mut task.content, &l.text);
            } else if group.is_some() {
                self.warn(l.no, format!("Dòng không thuộc nhiệm vụ nào, chưa được nhập: “{}”", short(&l.text)));
            }
        }
    }
}

/// The last time expression among the words: `mm/yyyy`, `d/m/yyyy` (with "Xong trước" before
/// it), "Quý N" (with "Trong" before it), "Thường xuyên". Gives the word range.
fn last_time(words: &[&str]) -> Option<(usize, usize)> {
    for i in (0..words.len()).rev() {
        let w = words[i].trim_end_matches([',', ';', '.']);
        let f = text::fold(w);
        let slash = w.matches('/').count();
        let digits = w.split('/').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if digits && slash == 1 && Due::parse(w, None) != Due::Unclear {
            return Some((i, i + 1));
        }
        if digits && slash == 2 && text::parse_date(w).is_some() {
            let back = words[..i].iter().rev().take(3).take_while(|p| {
                let f = text::fold(p);
                f == "xong" || f == "truoc" || f == "ngay" || f == "han"
            });
            return Some((i - back.count(), i + 1));
        }
        if f == "xuyen" && i > 0 && text::fold(words[i - 1]) == "thuong" {
            return Some((i - 1, i + 1));
        }
        if (f == "i" || f == "ii" || f == "iii" || f == "iv" || (1..=4).any(|n| f == n.to_string()))
            && i > 0
            && text::fold(words[i - 1]) == "quy"
        {
            let start = if i > 1 && text::fold(words[i - 2]) == "trong" { i - 2 } else { i - 1 };
            return Some((start, i + 1));
        }
    }
    None
}

fn append(to: &mut String, more: &str) {
    let more = more.trim();
    if more.is_empty() {
        return;
    }
    if !to.is_empty() {
        to.push(' ');
    }
    to.push_str(more);
}

fn short(s: &str) -> String {
    let s = s.replace('\t', " ");
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// A numbered group whose numbers skip (1, 2, 4) may have lost a task in the copy.
fn number_gaps(tasks: &[ParsedTask], warnings: &mut Vec<Warning>) {
    let mut prev: Option<(&str, u32)> = None;
    for t in tasks {
        let Ok(n) = t.number.parse::<u32>() else {
            prev = None;
            continue;
        };
        match prev {
            Some((g, p)) if g == t.group && n != p.saturating_add(1) => warnings.push(Warning {
                line: t.line,
                message: if n <= p {
                    format!("Số thứ tự {n} lặp lại hoặc lùi lại trong nhóm “{}”", t.group)
                } else {
                    format!("Nhóm “{}” nhảy từ số {p} sang số {n}: có thể thiếu nhiệm vụ", t.group)
                },
            }),
            None if n != 1 => warnings.push(Warning {
                line: t.line,
                message: format!("Nhóm “{}” bắt đầu từ số {n}: có thể thiếu nhiệm vụ", t.group),
            }),
            _ => {}
        }
        prev = Some((&t.group, n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_keeps_tabs() {
        assert_eq!(strip_markup("<b>I</b>\t<b>Nhiệm vụ</b>\t\t"), "I\tNhiệm vụ");
        assert_eq!(strip_markup("### **III. TỔ CHỨC THỰC HIỆN**"), "III. TỔ CHỨC THỰC HIỆN");
        assert_eq!(strip_markup("*(có Phụ lục kèm theo).*"), "(có Phụ lục kèm theo).");
        assert_eq!(strip_markup("a < b"), "a < b");
    }

    #[test]
    fn splits_parties_as_plans_list_them() {
        assert_eq!(
            split_parties("- Sở Tư pháp - Văn phòng Ủy ban nhân dân tỉnh"),
            vec!["Sở Tư pháp", "Văn phòng Ủy ban nhân dân tỉnh"]
        );
        assert_eq!(
            split_parties(
                "Thành viên Hội đồng TĐKT tỉnh; các cơ quan, đơn vị, địa phương tham gia cụm, khối thi đua của tỉnh"
            ),
            vec![
                "Thành viên Hội đồng TĐKT tỉnh",
                "các cơ quan, đơn vị, địa phương tham gia cụm, khối thi đua của tỉnh"
            ]
        );
        assert_eq!(split_parties("Hội đồng Thi đua - Khen thưởng tỉnh"), vec!["Hội đồng Thi đua - Khen thưởng tỉnh"]);
        assert!(split_parties("  ").is_empty());
    }

    #[test]
    fn roman_headings_and_time_headings() {
        assert_eq!(roman_heading("II. NỘI DUNG THỰC HIỆN"), Some(2));
        assert_eq!(roman_heading("I. Mục đích"), None);
        assert_eq!(time_heading("1. Quý 1").as_deref(), Some("Quý 1"));
        assert_eq!(time_heading("Trong quý III:").as_deref(), Some("Trong quý III"));
        assert_eq!(time_heading("- Quý 1 tổ chức hội nghị"), None);
        assert_eq!(time_heading("2. Đẩy mạnh các phong trào thi đua"), None);
    }

    #[test]
    fn a_small_bullet_plan() {
        let text = "KẾ HOẠCH\nCông tác thi đua năm 2025\n\nII. NỘI DUNG THỰC HIỆN\n1. Quý 1\n- Ban hành kế hoạch.\n- Phát động\nthi đua.\n\n2. Quý 2\n- Sơ kết.\nIII. TỔ CHỨC THỰC HIỆN\n- Không phải nhiệm vụ.\n";
        let p = parse(text);
        assert_eq!(p.title, "Công tác thi đua năm 2025");
        assert_eq!(p.year, Some(2025));
        let contents: Vec<&str> = p.tasks.iter().map(|t| t.content.as_str()).collect();
        assert_eq!(contents, vec!["Ban hành kế hoạch.", "Phát động thi đua.", "Sơ kết."]);
        assert_eq!(p.tasks[2].due, "Quý 2");
        assert_eq!(p.tasks[2].number, "1");
    }

    #[test]
    fn a_pdf_appendix_without_tabs() {
        let text = "KẾ HOẠCH Thi đua năm 2026\nTT NỘI DUNG DỰ KIẾN THỜI GIAN ĐƠN VỊ CHỦ TRÌ ĐƠN VỊ PHỐI HỢP\nI Nhiệm vụ thực hiện trong quý I\n1 Ban hành Chỉ thị phát động thi đua tỉnh\nnăm 2026 01/2026 Sở Nội vụ Văn phòng Ủy ban nhân\ndân tỉnh\n2 Kiểm tra việc thực hiện Xong trước 30/11/2026 Sở Nội vụ Thành viên Hội đồng TĐKT tỉnh; các cơ quan\n3 Một việc không ghi gì thêm\n";
        let p = parse(text);
        assert_eq!(p.tasks.len(), 3);
        let t = &p.tasks[0];
        assert_eq!(t.content, "Ban hành Chỉ thị phát động thi đua tỉnh năm 2026");
        assert_eq!(t.due, "01/2026");
        assert_eq!(t.lead.as_deref(), Some("Sở Nội vụ"));
        assert_eq!(t.cooperating, vec!["Văn phòng Ủy ban nhân dân tỉnh"]);
        assert_eq!(p.tasks[1].due, "Xong trước 30/11/2026");
        assert_eq!(p.tasks[1].cooperating, vec!["Thành viên Hội đồng TĐKT tỉnh", "các cơ quan"]);
        assert_eq!(p.tasks[2].content, "Một việc không ghi gì thêm");
        assert!(p.warnings.iter().any(|w| w.message.contains("số 3")));
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            "",
            "\t\t\t",
            "<b",
            "KẾ HOẠCH",
            "TT\tNỘI DUNG\tTHỜI GIAN\n\t\t\n1",
            "I.\n1.\n- \n",
            "KẾ HOẠCH\nPHỤ LỤC",
            "PHỤ LỤC\nKẾ HOẠCH năm 2026\nTT\tNội dung\tThời gian\n1\tViệc\t01/2026",
            "TT NỘI DUNG THỜI GIAN CHỦ TRÌ\n4294967295 Việc 01/2026 Sở Nội vụ\n4294967295 Việc khác",
            "KẾ HOẠCH\nTT\tNội dung\tThời gian\n4294967295\tViệc\t01/2026\n4294967295\tViệc\t02/2026",
        ] {
            let p = parse(input);
            assert!(p.tasks.iter().all(|t| t.line > 0));
        }
    }
}
