//! Registry imports on both databases: rows found by system id or by name and unit (NFD input
//! too), every problem named by row and column with nothing written, duplicates refused (in the
//! file and against the registry, law G1), an export read back as an import adds nothing, a unit
//! officer cannot write for another unit, and the bulk judgement sees the new records.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};
use unicode_normalization::UnicodeNormalization;

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    list: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().text("list", list.to_string()).part("file", part);
    let r = c
        .post(format!("{}/import/registry", app.url))
        .header("X-CSRF-Token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn entries(app: &TestApp) -> u64 {
    tdkt_store::audit::verify(&app.tdb.db).await.unwrap().unwrap().entries
}

#[tokio::test]
async fn registry_files_import_with_row_errors_duplicates_and_round_trips() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let db = &app.tdb.db;
        let (officer, csrf) = app.login("chuyenvien").await;
        let xa = app.unit_id("XA-03847").await;
        let pid = tdkt_store::org::person_ids_of_unit(db, xa).await.unwrap()[0];
        let p = tdkt_store::org::get_person(&db.conn, pid).await.unwrap();
        let nfd: String = p.full_name.nfd().collect();
        assert_ne!(nfd, p.full_name, "{b}: the name has diacritics to decompose");

        // A file with mistakes: nothing is written, every row is named.
        let before = entries(&app).await;
        let bad = format!(
            "Họ và tên,Mã đơn vị,Danh hiệu hình thức khen thưởng,Năm thành tích,Số quyết định,Ngày quyết định\n\
             {nfd},XA-03847,KHONG_CO,2025,,\n\
             {nfd},XA-03847,Giấy khen,20x5,,\n\
             Người Không Có,XA-03847,GK,2025,,\n\
             {nfd},XA-03847,GK,2024,12/QĐ-UBND,\n\
             {nfd},XA-03847,GK,2023,,\n\
             {nfd},XA-03847,GK,2023,,\n"
        );
        let (status, html) = upload(&app, &officer, &csrf, "awards", "khen.csv", bad.into_bytes()).await;
        assert_eq!(status, 422, "{b}");
        for needle in ["KHONG_CO", "20x5", "Người Không Có", "Thiếu ngày", "Trùng với dòng 6"] {
            assert!(html.contains(needle), "{b}: the error page names {needle}");
        }
        assert!(html.contains("chưa có dòng nào được ghi"), "{b}");
        assert_eq!(entries(&app).await, before, "{b}: nothing written");

        // The same person written in NFD is found; the award, the decision and a rating go in.
        let good = format!(
            "Họ và tên,Mã đơn vị,Danh hiệu hình thức khen thưởng,Năm thành tích,Loại khen thưởng,Số quyết định,Ngày quyết định,Cơ quan ban hành\n\
             {nfd},XA-03847,Giấy khen,2026,Đột xuất,7/QĐ-UBND,05/03/2026,UBND xã Mường Bú\n"
        );
        let (status, html) = upload(&app, &officer, &csrf, "awards", "khen.csv", good.clone().into_bytes()).await;
        assert_eq!(status, 200, "{b}: {html}");
        assert!(html.contains("thêm mới 1"), "{b}");
        let rec = tdkt_store::registry::records(db, tdkt_store::registry::Holder::Person(pid)).await.unwrap();
        let gk = rec.awards.iter().find(|a| a.year == 2026 && a.award_code == "GK").unwrap();
        assert_eq!(gk.decision_number.as_deref(), Some("7/QĐ-UBND"), "{b}");
        assert_eq!(gk.kind, "dot_xuat", "{b}");
        // Again: already there, skipped.
        let (status, html) = upload(&app, &officer, &csrf, "awards", "khen.csv", good.into_bytes()).await;
        assert_eq!(status, 200, "{b}");
        assert!(html.contains("bỏ qua 1"), "{b}: {html}");

        // A regular award the registry already has for that year (G1) is refused.
        let held = rec.awards.iter().find(|a| a.kind == "cong_trang").unwrap();
        let dup = format!(
            "Mã hệ thống,Danh hiệu hình thức khen thưởng,Năm thành tích,Số quyết định,Ngày quyết định\n\
             {pid},{},{},999/QĐ-UBND,01/02/2026\n",
            held.award_code, held.year
        );
        let (status, html) = upload(&app, &officer, &csrf, "awards", "trung.csv", dup.into_bytes()).await;
        assert_eq!(status, 422, "{b}");
        assert!(html.contains("không khen hai lần"), "{b}: {html}");

        // A row with a unit code and no person is an award to the unit itself.
        let unit_rows = "Mã đơn vị,Danh hiệu hình thức khen thưởng,Năm thành tích,Số quyết định,Ngày quyết định,Cơ quan ban hành\n\
                         XA-03847,TTLDTT,2025,3/QĐ-UBND,10/01/2026,UBND xã Mường Bú\n\
                         XA-03847,CSTD_CS,2025,,\n";
        let (status, html) = upload(&app, &officer, &csrf, "awards", "tapthe.csv", unit_rows.as_bytes().to_vec()).await;
        assert_eq!(status, 422, "{b}");
        assert!(html.contains("không tặng cho tập thể"), "{b}: an individual title is refused for a unit");
        let (status, html) = upload(
            &app,
            &officer,
            &csrf,
            "awards",
            "tapthe.csv",
            unit_rows.lines().take(2).collect::<Vec<_>>().join("\n").into_bytes(),
        )
        .await;
        assert_eq!(status, 200, "{b}: {html}");
        let unit_page = officer.get(format!("{}/units/{xa}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(
            unit_page.contains("Tập thể lao động tiên tiến") && unit_page.contains("3/QĐ-UBND"),
            "{b}: the unit's history shows it"
        );

        // Ratings: a new year is added, a changed year updated.
        let ratings =
            format!("Mã hệ thống,Năm,Mức xếp loại\n{pid},2026,Hoàn thành xuất sắc nhiệm vụ\n{pid},2025,KHTNV\n");
        let (status, html) = upload(&app, &officer, &csrf, "ratings", "xl.csv", ratings.into_bytes()).await;
        assert_eq!(status, 200, "{b}: {html}");
        assert!(html.contains("thêm mới 1, cập nhật 1"), "{b}: {html}");
        let rec = tdkt_store::registry::records(db, tdkt_store::registry::Holder::Person(pid)).await.unwrap();
        assert!(rec.ratings.contains(&(2025, "KHTNV".to_string())), "{b}");
        // The bulk judgement sees it at once: KHTNV in 2025 means no LĐTT for 2025.
        let engine = tdkt_rules::Engine::builtin().unwrap();
        let run = tdkt_store::eligible::bulk(db, &engine, "LDTT", 2025, None, 1).await.unwrap();
        assert!(!run.rows.iter().any(|r| r.id == pid && r.routes != 0), "{b}");

        // Initiatives and discipline.
        let init = format!(
            "Mã hệ thống,Tên sáng kiến đề tài,Năm công nhận,Phạm vi ảnh hưởng,Loại\n{pid},Số hóa hồ sơ một cửa,2026,cơ sở,sáng kiến\n"
        );
        let (status, html) = upload(&app, &officer, &csrf, "initiatives", "sk.csv", init.into_bytes()).await;
        assert_eq!(status, 200, "{b}: {html}");
        let disc = format!(
            "Mã hệ thống,Hình thức kỷ luật,Từ ngày,Đến ngày\n{pid},Khiển trách,01/03/2026,28/02/2027\n{pid},Cảnh cáo,01/03/2026,01/01/2026\n"
        );
        let (status, html) = upload(&app, &officer, &csrf, "discipline", "kl.csv", disc.into_bytes()).await;
        assert_eq!(status, 422, "{b}: an end before the start is refused");
        assert!(html.contains("trước ngày bắt đầu"), "{b}");

        // An export reads back as an import that adds nothing.
        for list in ["awards", "ratings", "initiatives"] {
            let x = officer.get(format!("{}/export/{list}.xlsx", app.url)).send().await.unwrap();
            assert_eq!(x.status(), 200, "{b} {list}");
            let bytes = x.bytes().await.unwrap().to_vec();
            let (status, html) = upload(&app, &officer, &csrf, list, "so.xlsx", bytes).await;
            assert_eq!(status, 200, "{b} {list}: {}", html.chars().take(3000).collect::<String>());
            assert!(html.contains("thêm mới 0, cập nhật 0"), "{b} {list}: the round trip adds nothing");
        }

        // A commune officer cannot write for a person of another unit.
        let (commune, ccsrf) = app.login("canbo.xa").await;
        let snv = app.unit_id("SNV").await;
        let other = tdkt_store::org::person_ids_of_unit(db, snv).await.unwrap()[0];
        let before = entries(&app).await;
        let theirs = format!("Mã hệ thống,Năm,Mức xếp loại\n{other},2026,HTXSNV\n");
        let (status, html) = upload(&app, &commune, &ccsrf, "ratings", "xl.csv", theirs.into_bytes()).await;
        assert_eq!(status, 422, "{b}");
        assert!(html.contains("Không có quyền"), "{b}");
        assert_eq!(entries(&app).await, before, "{b}");
    }
}

#[tokio::test]
async fn the_cli_imports_a_registry_file() {
    let app = TestApp::demo("sqlite", 200).await;
    let db = &app.tdb.db;
    let xa = app.unit_id("XA-03847").await;
    let pid = tdkt_store::org::person_ids_of_unit(db, xa).await.unwrap()[0];
    let dir = std::env::temp_dir().join(format!("tdkt-ri-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("xl.csv");
    std::fs::write(&file, format!("Mã hệ thống,Năm,Mức xếp loại\n{pid},2026,HTTNV\n")).unwrap();
    let bin = env!("CARGO_BIN_EXE_tdkt");
    let out = std::process::Command::new(bin)
        .args(["--database-url", &app.tdb.url, "import", "ratings", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("thêm mới 1"));
    std::fs::write(&file, format!("Mã hệ thống,Năm,Mức xếp loại\n{pid},2026,XUATSAC\n")).unwrap();
    let out = std::process::Command::new(bin)
        .args(["--database-url", &app.tdb.url, "import", "ratings", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dòng 2") && text.contains("Mức xếp loại"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_duplicates_page_finds_unicode_twins_and_double_awards() {
    for b in backends() {
        let app = TestApp::demo(b, 200).await;
        let db = &app.tdb.db;
        let xa = app.unit_id("XA-03847").await;
        let pid = tdkt_store::org::person_ids_of_unit(db, xa).await.unwrap()[0];
        let p = tdkt_store::org::get_person(&db.conn, pid).await.unwrap();
        // A twin written in decomposed Unicode (as an old file might have it), same birth date.
        let twin = tdkt_domain::org::PersonInput {
            full_name: p.full_name.nfd().collect(),
            gender: tdkt_domain::org::Gender::parse(&p.gender).unwrap(),
            birth_date: p.birth_date,
            ethnicity: p.ethnicity.clone(),
            unit_code: p.unit_code.clone(),
            position: String::new(),
            leadership: tdkt_domain::org::Leadership::Worker,
            recruited_on: None,
        };
        let mut w = db.write(&tdkt_store::Actor::system("test")).await.unwrap();
        tdkt_store::org::insert_people_batch(&w, &[(twin, xa)]).await.unwrap();
        let twice = |kind| tdkt_store::registry::NewAward {
            holder: tdkt_store::registry::Holder::Person(pid),
            code: "GK".into(),
            year: 2019,
            period_from: None,
            kind,
            decision_id: None,
        };
        let catalogue = tdkt_rules::Catalogue::builtin();
        use tdkt_rules::history::AwardKind;
        tdkt_store::registry::insert_awards(
            &mut w,
            catalogue,
            &[twice(AwardKind::DotXuat), twice(AwardKind::DotXuat)],
            "test",
        )
        .await
        .unwrap();
        w.commit().await.unwrap();

        let (c, _) = app.login("canbo.xa").await;
        let html = c.get(format!("{}/duplicates", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(&format!("/people/{pid}\"")), "{b}: the person is listed");
        assert!(html.contains("chỉ khác dấu hoặc cách gõ"), "{b}: the Unicode twin is told apart");
        assert!(html.contains("Giấy khen"), "{b}: the double award is listed");
        // Another commune's officer does not see them.
        let (other, _) = app.login("canbo.so").await;
        let html = other.get(format!("{}/duplicates", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains(&format!("/people/{pid}\"")), "{b}: out of reach");
    }
}
