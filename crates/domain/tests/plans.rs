//! The two seed plans import with every appendix task present, counted from the files by a
//! rule of their own; and a plan pasted from a PDF with broken lines keeps every task.

use tdkt_domain::plan::{self, Due};

const SON_LA: &str = include_str!("../../../fixtures/plans/son-la-2026.txt");
const LAO_CAI: &str = include_str!("../../../fixtures/plans/lao-cai-khoi-tmth-2024.txt");

/// Rows of the appendix table that start with a number and a tab.
fn table_rows(text: &str) -> usize {
    text.lines()
        .skip_while(|l| !l.starts_with("TT\t"))
        .filter(|l| {
            let first = l.split('\t').next().unwrap_or("");
            !first.is_empty() && first.chars().all(|c| c.is_ascii_digit())
        })
        .count()
}

/// Dashes between "II. NỘI DUNG" and "III.".
fn bullets(text: &str) -> usize {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("II. NỘI DUNG"))
        .take_while(|l| !l.trim_start().starts_with("III."))
        .filter(|l| l.trim_start().starts_with("- "))
        .count()
}

#[test]
fn son_la_2026_every_appendix_task() {
    let p = plan::parse(SON_LA);
    assert_eq!(table_rows(SON_LA), 22);
    assert_eq!(p.tasks.len(), table_rows(SON_LA));
    assert_eq!(p.title, "Triển khai công tác thi đua, khen thưởng năm 2026");
    assert_eq!(p.year, Some(2026));
    assert_eq!(p.number, None);
    assert_eq!(p.issuer.as_deref(), Some("ỦY BAN NHÂN DÂN"));
    let groups: Vec<&str> = p.tasks.iter().map(|t| t.group.as_str()).collect();
    assert_eq!(groups.iter().filter(|g| g.ends_with("quý I")).count(), 10);
    assert_eq!(groups.iter().filter(|g| g.contains("thường xuyên")).count(), 2);
    let first = &p.tasks[0];
    assert_eq!(first.content, "Ban hành Chỉ thị phát động thi đua tỉnh Sơn La năm 2026");
    assert_eq!(first.due, "01/2026");
    assert_eq!(first.lead.as_deref(), Some("Sở Nội vụ"));
    assert_eq!(first.cooperating, vec!["Văn phòng Ủy ban nhân dân tỉnh"]);
    let fifth = &p.tasks[4];
    assert_eq!(fifth.cooperating, vec!["Sở Tư pháp", "Văn phòng Ủy ban nhân dân tỉnh"]);
    // The one slip of the appendix: task I.9 is dated 03/2025 in a 2026 plan.
    let ninth = &p.tasks[8];
    assert_eq!(ninth.due, "03/2025");
    assert_eq!(Due::parse(&ninth.due, p.year).year(), Some(2025));
    let inspection = p.tasks.iter().find(|t| t.due.starts_with("Xong")).unwrap();
    assert_eq!(inspection.due, "Xong trước 30/11/2026");
    // Italic notes stay in the content, without their tags.
    assert!(p.tasks[3].content.ends_with("biên giới phía Bắc)"));
    assert!(p.tasks.iter().all(|t| !t.content.contains('<')));
    assert_eq!(p.tasks.last().unwrap().due, "");
    let headings: Vec<&str> = p.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(headings, vec!["", "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"]);
}

#[test]
fn lao_cai_block_plan_every_bullet() {
    let p = plan::parse(LAO_CAI);
    assert_eq!(bullets(LAO_CAI), 19);
    assert_eq!(p.tasks.len(), bullets(LAO_CAI));
    assert_eq!(p.title, "Công tác thi đua, khen thưởng năm 2024");
    assert_eq!(p.year, Some(2024));
    assert_eq!(p.based_on.as_deref(), Some("28/KH-UBND"));
    assert_eq!(p.issuer.as_deref(), Some("KHỐI THI ĐUA TMTH"));
    let per_quarter: Vec<usize> =
        (1..=4).map(|q| p.tasks.iter().filter(|t| t.group == format!("Quý {q}")).count()).collect();
    assert_eq!(per_quarter, vec![5, 4, 4, 6]);
    assert!(p.tasks.iter().all(|t| Due::parse(&t.due, p.year).deadline().is_some()));
    // A bullet broken over lines and blank lines by the PDF is one task.
    let third = &p.tasks[2];
    assert!(third.content.starts_with("Triển khai có hiệu quả"));
    assert!(third.content.ends_with("nhiệm vụ chính trị năm 2024."), "{}", third.content);
    assert!(p.tasks.iter().all(|t| t.lead.is_none()));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

/// The Sơn La appendix as a PDF copy gives it: no tabs, lines broken at 70 characters.
#[test]
fn son_la_pasted_from_a_pdf() {
    let mut text = String::new();
    for line in SON_LA.lines() {
        let flat = line.replace('\t', " ").replace("<b>", "").replace("</b>", "");
        let mut current = String::new();
        for word in flat.split(' ') {
            if current.chars().count() + word.chars().count() > 70 {
                text.push_str(&current);
                text.push('\n');
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        text.push_str(&current);
        text.push('\n');
    }
    let p = plan::parse(&text);
    assert_eq!(p.tasks.len(), 22, "{:#?}", p.tasks.iter().map(|t| &t.content).collect::<Vec<_>>());
    let with_time = p.tasks.iter().filter(|t| !t.due.is_empty()).count();
    assert!(with_time >= 20, "{with_time} tasks with a time");
    assert_eq!(p.tasks[0].due, "01/2026");
    assert_eq!(p.tasks[0].lead.as_deref(), Some("Sở Nội vụ"));
    assert!(p.warnings.iter().any(|w| w.message.contains("ước đoán")));
}
