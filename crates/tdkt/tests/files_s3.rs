//! Attachments in an S3-compatible object store, against a real server when
//! `TDKT_TEST_S3_ENDPOINT` names one (`.ci/run` starts one on 127.0.0.1:9000); otherwise the test
//! says it was skipped. Content is stored once by its SHA-256 and checked when read; a dossier's
//! upload and download go through the store with nothing written to disk.

#![allow(clippy::unwrap_used)]

mod common;

use common::{TestApp, TestDb};
use tdkt_store::StoreError;
use tdkt_store::files::{Blobs, S3Config, S3Store, address};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A fresh bucket on the test server, or `None` (and a note) when there is none.
async fn store() -> Option<S3Store> {
    let Ok(endpoint) = std::env::var("TDKT_TEST_S3_ENDPOINT") else {
        eprintln!("NOTE: TDKT_TEST_S3_ENDPOINT is not set: the S3-compatible store test was SKIPPED.");
        return None;
    };
    let bucket = format!(
        "tdkt-test-{}-{}",
        std::process::id(),
        &address(format!("{:?}", std::time::Instant::now()).as_bytes())[..8]
    );
    let s = S3Store::new(&S3Config {
        endpoint,
        bucket,
        region: "us-east-1".into(),
        access_key: std::env::var("TDKT_TEST_S3_ACCESS_KEY").unwrap_or_else(|_| "tdkt".into()),
        secret_key: std::env::var("TDKT_TEST_S3_SECRET_KEY").unwrap_or_else(|_| "tdkt-secret".into()),
        path_style: true,
        prefix: "tdkt/".into(),
    })
    .unwrap();
    s.ensure_bucket().await.unwrap();
    Some(s)
}

#[tokio::test]
async fn content_is_stored_once_and_checked_when_read() {
    let Some(s) = store().await else { return };
    let a = s.put(PDF).await.unwrap();
    assert_eq!(a, address(PDF));
    assert_eq!(s.put(PDF).await.unwrap(), a, "the same content, the same address");
    assert_eq!(s.get(&a).await.unwrap(), PDF);
    assert!(matches!(s.get(&address(b"never stored")).await, Err(StoreError::NotFound(_))));
    assert!(s.get("../../etc/passwd").await.is_err());
    // Changed behind the system's back: not served.
    s.overwrite_for_test(&a, b"changed").await.unwrap();
    let e = s.get(&a).await.unwrap_err();
    assert!(e.to_string().contains("thay đổi ngoài hệ thống"), "{e}");
}

#[tokio::test]
async fn a_dossier_s_files_go_to_the_store() {
    let Some(s) = store().await else { return };
    let tdb = TestDb::new("sqlite").await;
    tdkt::demo::load(&tdb.db, 200, &|_| {}).await.unwrap();
    let app = TestApp::start_with(tdb, Some(Blobs::S3(Box::new(s.clone())))).await;
    let (c, csrf) = app.login("canbo.so").await;
    let id = tdkt_store::dossier::list(
        &app.tdb.db,
        &tdkt_store::dossier::DossierFilter { scope: vec!["/".into()], ..Default::default() },
        1,
        50,
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|l| l.dossier.unit_name == "Sở Y tế")
    .unwrap()
    .dossier
    .id;
    let part = reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("Tờ trình.pdf");
    let form = reqwest::multipart::Form::new().text("kind", "to_trinh").part("file", part);
    let r = c
        .post(format!("{}/dossiers/{id}/documents", app.url))
        .header("X-CSRF-Token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(s.get(&address(PDF)).await.unwrap(), PDF, "stored in the bucket");
    assert!(!app.files_dir.exists(), "nothing written to disk");
    let doc = tdkt_store::dossier::documents(&app.tdb.db.conn, id).await.unwrap().remove(0);
    let r = c.get(format!("{}/dossiers/{id}/documents/{}", app.url, doc.id)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
}
