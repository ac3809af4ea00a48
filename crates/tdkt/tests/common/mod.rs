//! Test harness: the real server on a free port, with a fresh database per test (a SQLite
//! file in a temporary folder, or a new PostgreSQL database when TDKT_TEST_POSTGRES_URL is set).

#![allow(dead_code)]

use std::sync::Arc;

use tdkt_store::Db;

/// Which databases the suite runs on. SQLite always; PostgreSQL when configured.
pub fn backends() -> Vec<&'static str> {
    match std::env::var("TDKT_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => vec!["sqlite", "postgres"],
        _ => {
            eprintln!(
                "NOTE: TDKT_TEST_POSTGRES_URL is not set: the PostgreSQL half of this test was SKIPPED (SQLite only)."
            );
            vec!["sqlite"]
        }
    }
}

/// A fresh, migrated database; dropped (PostgreSQL) or deleted (SQLite) with the guard.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}_{}_{}", std::process::id(), n, t)
}

impl TestDb {
    pub async fn new(backend: &str) -> TestDb {
        if backend == "postgres" {
            let admin_url = std::env::var("TDKT_TEST_POSTGRES_URL").expect("set");
            let name = format!("tdkt_test_{}", unique());
            let admin = Db::connect(&admin_url).await.expect("connect to PostgreSQL");
            use sea_orm::ConnectionTrait;
            admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
            let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).expect("url has a database");
            let url = format!("{base}/{name}");
            let db = Db::connect(&url).await.expect("connect");
            tdkt_store::migrate::migrate(&db).await.expect("migrate");
            TestDb { db, url, cleanup: Some((admin_url, name)), dir: None }
        } else {
            let dir = std::env::temp_dir().join(format!("tdkt-test-{}", unique()));
            let url = format!("sqlite://{}/tdkt.db", dir.display());
            let db = Db::connect(&url).await.expect("connect");
            tdkt_store::migrate::migrate(&db).await.expect("migrate");
            TestDb { db, url, cleanup: None, dir: Some(dir) }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.cleanup.take() {
            // Drop on a separate runtime: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
                rt.block_on(async {
                    use sea_orm::ConnectionTrait;
                    if let Ok(admin) = Db::connect(&admin_url).await {
                        let _ = admin
                            .conn
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// The server running on a free port over a demo database.
pub struct TestApp {
    pub url: String,
    pub tdb: TestDb,
    /// The folder of attached files (deleted with the app).
    pub files_dir: std::path::PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    /// A server over the demo province with `people` generated staff.
    pub async fn demo(backend: &str, people: usize) -> TestApp {
        let tdb = TestDb::new(backend).await;
        tdkt::demo::load(&tdb.db, people, &|_| {}).await.expect("demo loads");
        TestApp::start(tdb).await
    }

    pub async fn start(tdb: TestDb) -> TestApp {
        TestApp::start_with(tdb, None).await
    }

    /// A server keeping attachments in `files`, or in a fresh folder (`files_dir`) when `None`.
    pub async fn start_with(tdb: TestDb, files: Option<tdkt_store::files::Blobs>) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let files_dir = std::env::temp_dir().join(format!("tdkt-files-{}", unique()));
        let config = tdkt_web::WebConfig {
            files: files.unwrap_or_else(|| tdkt_store::files::Blobs::disk(files_dir.clone())),
            ..tdkt_web::WebConfig::default()
        };
        let state = tdkt_web::AppState { db: tdb.db.clone(), config: Arc::new(config) };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(tdkt_web::serve(listener, state, async move {
            let _ = rx.await;
        }));
        TestApp { url, tdb, files_dir, shutdown: Some(tx) }
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Logs in through the real form and returns the client and the page's CSRF token.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let c = Self::client();
        let page = c.get(format!("{}/login", self.url)).send().await.expect("get login").text().await.expect("body");
        let token = extract(&page, "name=\"_csrf\" value=\"").expect("login form has a token");
        let r = c
            .post(format!("{}/login", self.url))
            .form(&[("_csrf", token.as_str()), ("username", username), ("password", tdkt::demo::DEMO_PASSWORD)])
            .send()
            .await
            .expect("post login");
        assert_eq!(r.status(), 303, "login of {username} succeeds");
        let home = c.get(format!("{}/", self.url)).send().await.expect("home").text().await.expect("body");
        let csrf = extract(&home, "\"X-CSRF-Token\": \"").expect("dashboard carries the CSRF token");
        (c, csrf)
    }

    pub async fn unit_id(&self, code: &str) -> i64 {
        tdkt_store::org::find_unit_by_code(&self.tdb.db.conn, code).await.expect("query").expect("unit exists").id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = std::fs::remove_dir_all(&self.files_dir);
    }
}

/// The text after `marker` up to the next quote.
pub fn extract(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}
