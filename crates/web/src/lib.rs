//! The web face of tdkt: server-rendered pages with htmx, the JSON API, and the security
//! layers in front of both (sessions, CSRF, authorisation).
//!
//! Request flow: `router()` → static assets and `/healthz` answer directly; everything else
//! passes `auth::session_layer` (finds the session, resolves the user's grants into a
//! `Subject`) and `auth::csrf_layer` (refuses unsafe methods without the session's token);
//! the handler then asks `Ctx::require` (one decision function: `Subject::can`) before reading
//! or changing a unit's data, and changes data only through a `WriteTx`, which audits.
//!
//! Architecture invariant: no SQL here; handlers call `tdkt_store`.

pub mod api;
pub mod assets;
pub mod auth;
mod eligibility;
pub mod error;
pub mod jobs;
pub mod pages;
pub mod password;
pub mod routes;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use tdkt_store::Db;

pub use routes::router;

/// Settings the web layer needs (a slice of the binary's configuration).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Name of the province shown in the header.
    pub province: String,
    /// Send cookies with `Secure` (and the `__Host-` prefix). On when served over HTTPS.
    pub secure_cookies: bool,
    /// Idle lifetime of a session, in minutes.
    pub session_minutes: i64,
    /// Failed logins allowed per username within 15 minutes before refusing.
    pub max_failures_per_user: u64,
    /// Failed logins allowed per client address within 15 minutes before refusing.
    pub max_failures_per_client: u64,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// Where the dossiers' attached files are kept (see `tdkt_store::files`).
    pub files: tdkt_store::files::Blobs,
    /// Year whose clusters and blocks are "current" (block heads' reach).
    pub current_year: i32,
    /// Read the client address from X-Forwarded-For (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Public address printed in certificates' QR codes (no trailing slash); `None`: the
    /// address the request came to.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            province: "Sơn La".into(),
            secure_cookies: false,
            session_minutes: 8 * 60,
            max_failures_per_user: 5,
            max_failures_per_client: 30,
            max_upload_bytes: 20 * 1024 * 1024,
            files: tdkt_store::files::Blobs::disk("data/files"),
            current_year: 2026,
            trust_proxy: false,
            public_url: None,
        }
    }
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
