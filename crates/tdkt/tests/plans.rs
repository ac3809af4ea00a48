//! Plans and key tasks over HTTP, on both databases: the demo's Sơn La plan with its slips, an
//! import previewed then stored, corrections and confirmations by the office, progress reports
//! with evidence by units that take part (and by no other), the block's derived plan, the
//! reminders of the deadline scan; and `tdkt import plan --dry-run --json` on the seed plans.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends, extract};
use reqwest::multipart::{Form, Part};

const SON_LA: &str = include_str!("../../../fixtures/plans/son-la-2026.txt");
const LAO_CAI: &str = include_str!("../../../fixtures/plans/lao-cai-khoi-tmth-2024.txt");

async fn province_plan(app: &TestApp) -> tdkt_store::plans::Plan {
    let today = tdkt_store::db::today();
    let plans = tdkt_store::plans::list(&app.tdb.db, Some(2026), today).await.unwrap();
    plans.into_iter().find(|p| p.group_id.is_none()).unwrap()
}

async fn task_numbered(app: &TestApp, plan: i64, group_starts: &str, number: &str) -> tdkt_store::plans::Task {
    tdkt_store::plans::tasks(&app.tdb.db, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.group_label.contains(group_starts) && t.number == number)
        .unwrap()
}

fn import_form(text: &str, action: &str) -> Form {
    Form::new().text("text", text.to_owned()).text("action", action.to_owned()).text("year", "")
}

#[tokio::test]
async fn the_demo_plan_its_check_and_an_import() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let plan = province_plan(&app).await;
        assert_eq!(plan.tasks, 22, "{b}: every task of the seed appendix");
        let (officer, csrf) = app.login("chuyenvien").await;

        // The plan page: its tasks, the slips of the check, the chart and the calendar.
        let page = officer.get(format!("{}/plans/{}", app.url, plan.id)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Ban hành Chỉ thị phát động thi đua tỉnh Sơn La năm 2026"), "{b}");
        assert!(page.contains("thuộc năm 2025, ngoài năm 2026"), "{b}: the slip of the seed appendix (I.9)");
        assert!(page.contains("Nhiệm vụ V.2 không ghi thời gian"), "{b}");
        assert!(page.contains("“Lãnh đạo tỉnh” không có trong danh sách đơn vị"), "{b}");
        assert!(
            page.contains("id=\"progress-chart\"") && page.contains("<span class=\"st-done\" style=\"width: "),
            "{b}"
        );
        let api: serde_json::Value =
            officer.get(format!("{}/api/v1/plans/{}", app.url, plan.id)).send().await.unwrap().json().await.unwrap();
        assert_eq!(api["tasks"].as_array().unwrap().len(), 22, "{b}");
        assert_eq!(api["tasks"][8]["label"], "I.9", "{b}");
        assert_eq!(api["tasks"][8]["due_last_day"], "2025-03-31", "{b}");
        assert!(api["slips"].as_array().unwrap().iter().any(|s| s["kind"] == "due_outside_year"), "{b}");
        let cal = officer.get(format!("{}/plans/{}/calendar", app.url, plan.id)).send().await.unwrap();
        assert_eq!(cal.status(), 200);
        let cal = cal.text().await.unwrap();
        assert!(cal.contains("Tháng 11/2026") && cal.contains("Chưa rõ thời gian hoặc ngoài năm 2026"), "{b}");

        // Correcting I.9's year clears its slip; confirming V.2 keeps it, marked confirmed.
        let i9 = task_numbered(&app, plan.id, "quý I", "9").await;
        let r = officer
            .post(format!("{}/plans/{}/tasks/{}", app.url, plan.id, i9.id))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("content", i9.content.as_str()),
                ("due_text", "03/2026"),
                ("lead_text", "Sở Nội vụ"),
                ("cooperating", "Văn phòng UBND tỉnh"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let v2 = task_numbered(&app, plan.id, "thường xuyên", "2").await;
        let r = officer
            .post(format!("{}/plans/{}/tasks/{}/confirm", app.url, plan.id, v2.id))
            .form(&[("_csrf", csrf.as_str()), ("kind", "no_time")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let stored = tdkt_store::plans::get(&db.conn, plan.id, tdkt_store::db::today()).await.unwrap();
        let slips = tdkt_store::plans::check(db, &stored).await.unwrap();
        assert!(!slips.iter().any(|s| s.slip.kind == "due_outside_year"), "{b}: {slips:?}");
        assert!(slips.iter().any(|s| s.slip.kind == "no_time" && s.confirmed), "{b}");
        let fixed = tdkt_store::plans::task(&db.conn, i9.id).await.unwrap();
        assert_eq!(fixed.due_to, chrono::NaiveDate::from_ymd_opt(2026, 3, 31), "{b}");
        let parties = tdkt_store::plans::task_parties(&db.conn, i9.id).await.unwrap();
        assert_eq!(parties[0].unit_id, Some(app.unit_id("VP-UBND").await), "{b}: “UBND” is expanded to match");

        // Importing: the preview stores nothing; saving stores every task.
        let before = tdkt_store::plans::list(db, None, tdkt_store::db::today()).await.unwrap().len();
        let url = format!("{}/plans/import?_csrf={csrf}", app.url);
        let preview = officer.post(&url).multipart(import_form(LAO_CAI, "preview")).send().await.unwrap();
        assert_eq!(preview.status(), 200, "{b}");
        let preview = preview.text().await.unwrap();
        assert!(preview.contains("<strong>19</strong>"), "{b}: all 19 bullets in the preview");
        assert_eq!(tdkt_store::plans::list(db, None, tdkt_store::db::today()).await.unwrap().len(), before, "{b}");
        let saved = officer.post(&url).multipart(import_form(LAO_CAI, "save")).send().await.unwrap();
        assert_eq!(saved.status(), 303, "{b}");
        let id: i64 = saved.headers()["location"].to_str().unwrap().trim_start_matches("/plans/").parse().unwrap();
        let stored = tdkt_store::plans::tasks(db, id).await.unwrap();
        assert_eq!(stored.len(), 19, "{b}");
        assert_eq!(stored[0].due_to, chrono::NaiveDate::from_ymd_opt(2024, 3, 31), "{b}: Quý 1 of 2024");

        // A text without tasks is refused with the reason, and nothing is stored.
        let bad = officer.post(&url).multipart(import_form("Một đoạn văn bất kỳ", "save")).send().await.unwrap();
        assert_eq!(bad.status(), 200, "{b}");
        assert!(bad.text().await.unwrap().contains("tìm thấy nhiệm vụ nào trong văn bản"), "{b}");
        // A binary file is refused with what to do instead.
        let pdf = Form::new()
            .part("file", Part::bytes(b"%PDF-1.4\n\x00\x01\x02\x03binary".to_vec()).file_name("kehoach.pdf"))
            .text("action", "preview");
        let r = officer.post(&url).multipart(pdf).send().await.unwrap().text().await.unwrap();
        assert!(r.contains("không phải văn bản thuần"), "{b}");
        assert_eq!(tdkt_store::plans::list(db, None, tdkt_store::db::today()).await.unwrap().len(), before + 1, "{b}");

        // A commune officer may not import a plan for the province, nor correct the province's.
        let (xa, xa_csrf) = app.login("canbo.xa").await;
        let root = app.unit_id("UBND").await;
        let form = import_form(SON_LA, "save").text("unit", root.to_string());
        let r = xa.post(format!("{}/plans/import?_csrf={xa_csrf}", app.url)).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 403, "{b}");
        assert_eq!(tdkt_store::plans::list(db, None, tdkt_store::db::today()).await.unwrap().len(), before + 1, "{b}");
        let r = xa
            .post(format!("{}/plans/{}/tasks/{}", app.url, plan.id, i9.id))
            .form(&[
                ("_csrf", xa_csrf.as_str()),
                ("content", "x"),
                ("due_text", ""),
                ("lead_text", ""),
                ("cooperating", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}");
        let r = xa
            .post(format!("{}/plans/{}/delete", app.url, plan.id))
            .form(&[("_csrf", xa_csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{b}");
    }
}

#[tokio::test]
async fn units_report_progress_on_the_tasks_they_take_part_in() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let plan = province_plan(&app).await;
        let (xa, csrf) = app.login("canbo.xa").await;
        let xa_unit = app.unit_id("XA-03847").await;

        // The commune's list: the tasks given to every unit (IV.4, V.1), led by Sở Nội vụ.
        let list = xa.get(format!("{}/tasks?year=2026", app.url)).send().await.unwrap().text().await.unwrap();
        let iv4 = task_numbered(&app, plan.id, "quý IV", "4").await;
        assert!(list.contains(&format!("/plans/{}/tasks/{}", plan.id, iv4.id)), "{b}");
        let i1 = task_numbered(&app, plan.id, "quý I", "1").await;
        assert!(!list.contains(&format!("/plans/{}/tasks/{}\"", plan.id, i1.id)), "{b}: not a commune's task");

        // A report with evidence; a bad percentage is named and nothing is stored.
        let url = format!("{}/plans/{}/tasks/{}/reports?_csrf={csrf}", app.url, plan.id, iv4.id);
        let form = |percent: &str| {
            Form::new()
                .text("unit", xa_unit.to_string())
                .text("percent", percent.to_owned())
                .text("note", "Xã đã gửi báo cáo tổng kết năm 2026 về Sở Nội vụ.")
                .part(
                    "file",
                    Part::bytes(
                        tdkt_docs::pdf::note_pdf("UBND xã Mường Bú", "Báo cáo", &["Nội dung mẫu".to_owned()]).unwrap(),
                    )
                    .file_name("Báo cáo tổng kết.pdf"),
                )
        };
        let r = xa.post(&url).multipart(form("150")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{b}");
        assert!(r.text().await.unwrap().contains("Tiến độ: ghi số phần trăm từ 0 đến 100"), "{b}");
        assert!(tdkt_store::plans::reports(db, iv4.id).await.unwrap().iter().all(|r| r.unit_id != xa_unit), "{b}");
        let r = xa.post(&url).multipart(form("100")).send().await.unwrap();
        assert_eq!(r.status(), 303, "{b}");
        let reports = tdkt_store::plans::reports(db, iv4.id).await.unwrap();
        let mine = reports.iter().find(|r| r.unit_id == xa_unit).unwrap();
        assert_eq!(mine.file_name, "Báo cáo tổng kết.pdf", "{b}");
        // A cooperating unit's report does not move the task: its lead reports that.
        assert_eq!(tdkt_store::plans::task(&db.conn, iv4.id).await.unwrap().percent, iv4.percent, "{b}");
        let file = xa.get(format!("{}/plans/{}/reports/{}/file", app.url, plan.id, mine.id)).send().await.unwrap();
        assert_eq!(file.status(), 200, "{b}");
        assert!(file.bytes().await.unwrap().starts_with(b"%PDF"), "{b}");
        // Another commune's officer cannot read it.
        let (so, so_csrf) = app.login("canbo.so").await;
        let r = so.get(format!("{}/plans/{}/reports/{}/file", app.url, plan.id, mine.id)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{b}");

        // A task the commune has no part in: refused.
        let url = format!("{}/plans/{}/tasks/{}/reports?_csrf={csrf}", app.url, plan.id, i1.id);
        let r = xa.post(&url).multipart(form("50")).send().await.unwrap();
        assert_eq!(r.status(), 403, "{b}");
        // Nor may an officer report for a unit that is not theirs.
        let url = format!("{}/plans/{}/tasks/{}/reports?_csrf={so_csrf}", app.url, plan.id, iv4.id);
        let r = so.post(&url).multipart(form("50")).send().await.unwrap();
        assert_eq!(r.status(), 403, "{b}: Sở Y tế's officer reporting for the commune");

        // The lead's report is the task's progress.
        let (officer, ocsrf) = app.login("chuyenvien").await;
        let snv = app.unit_id("SNV").await;
        let url = format!("{}/plans/{}/tasks/{}/reports?_csrf={ocsrf}", app.url, plan.id, iv4.id);
        let lead = Form::new().text("unit", snv.to_string()).text("percent", "100").text("note", "Đã gửi báo cáo.");
        assert_eq!(officer.post(&url).multipart(lead).send().await.unwrap().status(), 303, "{b}");
        let t = tdkt_store::plans::task(&db.conn, iv4.id).await.unwrap();
        assert_eq!((t.percent, t.done_on.is_some()), (100, true), "{b}");

        // The block's plan derived from the province's keeps the link to each task.
        let today = tdkt_store::db::today();
        let block = tdkt_store::plans::children(db, plan.id, today).await.unwrap();
        assert_eq!(block.len(), 1, "{b}");
        let block_tasks = tdkt_store::plans::tasks(db, block[0].id).await.unwrap();
        assert!(!block_tasks.is_empty() && block_tasks.iter().all(|t| t.source_task_id.is_some()), "{b}");
        assert_eq!(block_tasks[0].lead_unit_id, Some(app.unit_id("STP").await), "{b}: the block head leads");
        let (head, _) = app.login("truongkhoi").await;
        let page = head.get(format!("{}/plans/{}", app.url, block[0].id)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{b}");

        // The deadline scan reminds the lead of tasks past their last day.
        let overdue = tdkt_store::plans::due_tasks(&db.conn, today).await.unwrap();
        assert!(overdue.iter().any(|t| t.lead_unit_id == snv && t.due_to < today), "{b}");
        let _ = extract("", "");
    }
}

#[test]
fn dry_run_prints_every_task_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("tdkt-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("none.db");
    for (file, count, year) in [("son-la-2026.txt", 22, 2026), ("lao-cai-khoi-tmth-2024.txt", 19, 2024)] {
        let path = format!("{}/../../fixtures/plans/{file}", env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tdkt"))
            .args([
                "--database-url",
                &format!("sqlite://{}", db.display()),
                "import",
                "plan",
                &path,
                "--dry-run",
                "--json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["tasks"].as_array().unwrap().len(), count, "{file}");
        assert_eq!(v["year"], year, "{file}");
        let t = &v["tasks"][0];
        for key in ["group", "number", "content", "due", "lead", "cooperating"] {
            assert!(t.get(key).is_some(), "{file}: {key}");
        }
        assert!(v["warnings"].is_array() && v["title"].is_string(), "{file}");
        assert!(!db.exists(), "a dry run creates no database");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
