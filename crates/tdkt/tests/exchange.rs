//! Excel and CSV over HTTP: row-level errors that write nothing, garbage uploads, round trips.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, backends};

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    what: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let r = c
        .post(format!("{}/import/{what}", app.url))
        .header("X-CSRF-Token", csrf)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn people_count(app: &TestApp) -> u64 {
    tdkt_store::org::figures(&app.tdb.db, &["/".into()]).await.unwrap().people
}

#[tokio::test]
async fn a_file_with_errors_writes_nothing_and_names_each_row_and_column() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, csrf) = app.login("canbo.xa").await;
        let before = people_count(&app).await;
        let chain = tdkt_store::audit::verify(&app.tdb.db).await.unwrap().unwrap();
        let csv = "Họ và tên,Giới tính,Ngày sinh,Mã đơn vị\n\
                   Lò Văn Pản,Nam,01/02/1990,XA-03847\n\
                   ,Nữ,01/02/1990,XA-03847\n\
                   Giàng A Páo,Không rõ,31/02/1990,XA-03847\n\
                   Vì Thị Ín,Nữ,01/02/1990,SNV\n";
        let (status, html) = upload(&app, &c, &csrf, "people", "can-bo.csv", csv.as_bytes().to_vec()).await;
        assert_eq!(status, 422, "{b}");
        assert!(html.contains("chưa có dòng nào được ghi"), "{b}");
        // Row 3: empty name; row 4: gender and date; row 5: a unit the commune officer may not write.
        for (row, column) in [(3, "Họ và tên"), (4, "Giới tính"), (4, "Ngày sinh"), (5, "Mã đơn vị")] {
            let needle = format!("<td class=\"num\">{row}</td><td>{column}</td>");
            assert!(html.contains(&needle), "{b}: row {row} column {column} reported");
        }
        assert!(!html.contains("<td class=\"num\">2</td>"), "{b}: the good row has no error");
        assert_eq!(people_count(&app).await, before, "{b}: nothing written");
        assert_eq!(tdkt_store::audit::verify(&app.tdb.db).await.unwrap().unwrap(), chain, "{b}");
        // The same file without the bad rows goes in.
        let good = "Họ và tên,Giới tính,Ngày sinh,Mã đơn vị\nLò Văn Pản,Nam,01/02/1990,XA-03847\n";
        let (status, html) = upload(&app, &c, &csrf, "people", "can-bo.csv", good.as_bytes().to_vec()).await;
        assert_eq!(status, 200, "{b}: {html}");
        assert_eq!(people_count(&app).await, before + 1, "{b}");
    }
}

#[tokio::test]
async fn malformed_uploads_get_a_clear_message_and_never_crash() {
    let app = TestApp::demo("sqlite", 300).await;
    let (c, csrf) = app.login("chuyenvien").await;
    let before = people_count(&app).await;
    let mut zip_not_xlsx = b"PK\x03\x04".to_vec();
    zip_not_xlsx.extend_from_slice(&[0u8; 200]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("trong.csv", vec![], "Tệp trống"),
        ("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00garbage".to_vec(), "không phải bảng tính"),
        ("sai.xlsx", zip_not_xlsx, "Không đọc được bảng tính"),
        ("latin1.csv", b"H\xe4 v\xe0 t\xean,Gi\xf5i t\xednh\n".to_vec(), "UTF-8"),
        ("thieu-cot.csv", "Tên,Tuổi\nA,1\n".as_bytes().to_vec(), "Thiếu cột"),
    ];
    for (name, bytes, message) in cases {
        let (status, html) = upload(&app, &c, &csrf, "people", name, bytes).await;
        assert_eq!(status, 422, "{name}");
        assert!(html.contains(message), "{name}: expected “{message}”");
        assert!(html.contains("Chưa có gì được ghi"), "{name}");
    }
    // A broken multipart body is a 400 with a message, not a crash.
    let r = c
        .post(format!("{}/import/people", app.url))
        .header("X-CSRF-Token", &csrf)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nabc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(people_count(&app).await, before);
    let h = c.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(h.status(), 200, "server still up");
}

#[tokio::test]
async fn export_then_import_round_trips_people_and_units() {
    for b in backends() {
        let app = TestApp::demo(b, 300).await;
        let (c, csrf) = app.login("chuyenvien").await;
        let xlsx = c.get(format!("{}/export/people.xlsx", app.url)).send().await.unwrap();
        assert_eq!(xlsx.status(), 200);
        let bytes = xlsx.bytes().await.unwrap().to_vec();
        let table = tdkt_sheets::read_table(&bytes, "x.xlsx").unwrap();
        assert!(table.rows.len() > 300, "{b}");
        assert_eq!(table.headers[1], "Họ và tên");
        let before = people_count(&app).await;
        // Re-importing the export updates the same people: nothing new.
        let (status, html) = upload(&app, &c, &csrf, "people", "xuat.xlsx", bytes).await;
        assert_eq!(status, 200, "{b}: {html}");
        assert!(html.contains(&format!("cập nhật {}", table.rows.len())), "{b}");
        assert_eq!(people_count(&app).await, before, "{b}");
        // Units: the CSV export reads back with every code.
        let csv = c.get(format!("{}/export/units.csv", app.url)).send().await.unwrap().bytes().await.unwrap().to_vec();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let units = tdkt_sheets::read_table(&csv, "don-vi.csv").unwrap();
        assert!(
            units.rows.iter().any(|r| r.cells[0] == "XA-03847" && r.cells[1] == "Xã Mường Bú"),
            "{b}: {:?}",
            units.rows.iter().find(|r| r.cells[0] == "XA-03847")
        );
        let (status, html) = upload(&app, &c, &csrf, "units", "don-vi.csv", csv).await;
        assert_eq!(status, 200, "{b}: {html}");
    }
}
