//! The connection: which backend, how to open it, and the helpers every query uses.

use std::path::Path;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};

use crate::error::{StoreError, StoreResult};

/// The database of one tdkt installation.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// SQLite: writers of this process queue here, in order, before taking the database's write
    /// lock (SQLite's own wait is a retry loop that lets a writer starve past its timeout when
    /// many write at once). PostgreSQL queues writers on the `audit_head` row lock itself.
    pub(crate) writers: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Other(format!(
                "TDKT_DATABASE_URL phải bắt đầu bằng sqlite:// hoặc postgres:// (nhận được “{}”)",
                redact(url)
            )))
        }
    }
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// SQLite's page cache per connection, in KiB (grown only as used).
pub const SQLITE_CACHE_KB: u64 = 256 * 1024;

impl Db {
    /// Opens the database named by `url`. A SQLite file (and its folder) is created when
    /// missing; SQLite runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        let backend = Backend::from_url(url)?;
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            let path = sqlite_path(&url);
            if let Some(parent) = Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Other(format!("không tạo được thư mục {}: {e}", parent.display())))?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let mut opts = ConnectOptions::new(url.clone());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // Statements are prepared once per connection; a generic plan for a range whose
            // bounds it cannot see would make PostgreSQL scan whole index tables.
            .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]))
            // SQLite's default page cache is 2 MB; the registry's indexes outgrow it at a few
            // hundred thousand people, and every insert then reads pages back from the OS.
            .map_sqlx_sqlite_opts(|o| o.pragma("cache_size", format!("-{SQLITE_CACHE_KB}")));
        let conn = Database::connect(opts)
            .await
            .map_err(|e| StoreError::Other(format!("không kết nối được cơ sở dữ liệu {}: {e}", redact(&url))))?;
        let writers = (backend == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        let db = Db { conn, writers };
        if backend == Backend::Sqlite {
            // sqlx already sets these per connection; asserting them here keeps the invariant visible.
            db.conn.execute_unprepared("PRAGMA journal_mode = WAL").await?;
            db.conn.execute_unprepared("PRAGMA foreign_keys = ON").await?;
        }
        Ok(db)
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Waits for this process's turn to write (SQLite; nothing to wait for on PostgreSQL). Every
    /// write takes it: [`Db::write`] for changes, and the unaudited bookkeeping writes (sessions,
    /// failed logins, panel rebuilds) around their statement.
    pub async fn turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.writers {
            Some(queue) => Some(queue.clone().lock_owned().await),
            None => None,
        }
    }

    /// Refreshes the planner's statistics (after bulk loads).
    pub async fn analyze(&self) -> StoreResult<()> {
        // PostgreSQL also needs its visibility map set for index-only scans.
        self.conn.execute_unprepared(if self.is_sqlite() { "ANALYZE" } else { "VACUUM ANALYZE" }).await?;
        Ok(())
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend() == DbBackend::Sqlite
    }
}

/// The file path inside a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> String {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or_default().to_string()
}

/// A statement from SQL written with `?` placeholders, numbered `$1, $2...` for PostgreSQL.
/// SQL text in tdkt never contains a literal `?` inside quotes, so the rewrite is plain.
pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Now, as stored: RFC 3339 in UTC with seconds.
pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Today in Vietnam (UTC+7 all year), the day offices live by.
pub fn today() -> chrono::NaiveDate {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600);
    match vietnam {
        Some(tz) => chrono::Utc::now().with_timezone(&tz).date_naive(),
        None => chrono::Utc::now().date_naive(),
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_only() {
        let s = stmt(DbBackend::Postgres, "SELECT 1 WHERE a = ? AND b = ?", vec![1.into(), 2.into()]);
        assert_eq!(s.sql, "SELECT 1 WHERE a = $1 AND b = $2");
        let s = stmt(DbBackend::Sqlite, "SELECT 1 WHERE a = ?", vec![1.into()]);
        assert_eq!(s.sql, "SELECT 1 WHERE a = ?");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://data/tdkt.db"), "sqlite://data/tdkt.db");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/tdkt.db?mode=rwc"), "data/tdkt.db");
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), "/tmp/x.db");
    }
}
