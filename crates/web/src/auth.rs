//! Sessions, CSRF and the per-request authorisation context.
//!
//! - The session cookie holds a random token; the database keeps only its SHA-256, so several
//!   servers sharing one database accept the same session and a leaked table leaks none.
//! - Every unsafe request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token in the
//!   `X-CSRF-Token` header (htmx sends it from `hx-headers` on `<body>`), a `_csrf` form field,
//!   or a `_csrf` query parameter (multipart uploads); cross-site requests are refused outright.
//!   The login form, which has no session yet, uses a double-submit cookie instead.
//! - [`Ctx`] is the logged-in user with their resolved grants; [`Ctx::require`] is the one
//!   place that turns a permission check into a 403.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use sha2::{Digest, Sha256};
use tdkt_domain::authz::{Permission, Role, Subject};
use tdkt_store::users::{self, User};

use crate::AppState;
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "tdkt_session";
pub const LOGIN_CSRF_COOKIE: &str = "tdkt_login";
/// The public portal's comment form has its own, so that neither page breaks the other.
pub const PUBLIC_CSRF_COOKIE: &str = "tdkt_public";

/// The one public form: a comment on a nominee (`/cong-khai/{id}`).
fn is_public_form(path: &str) -> bool {
    path.strip_prefix("/cong-khai/").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The logged-in user of a request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: User,
    pub subject: Subject,
    pub session_id: String,
    pub csrf: String,
}

impl Ctx {
    /// Refuses with 403 unless the user has `permission` over the unit at `unit_path`.
    pub fn require(&self, permission: Permission, unit_path: &str) -> Result<(), AppError> {
        if self.subject.can(permission, unit_path) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Refuses with 403 unless some grant gives `permission` (accounts, audit, menus).
    pub fn require_anywhere(&self, permission: Permission) -> Result<(), AppError> {
        if self.subject.can_anywhere(permission) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn scope(&self, permission: Permission) -> Vec<String> {
        self.subject.scope_paths(permission)
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = self.subject.grants.iter().map(|g| g.role).collect();
        r.dedup();
        r
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(AppError::Unauthorized)
    }
}

/// Random token, hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // The OS random source failing is not recoverable; refusing to make a token is safe.
    if getrandom::fill(&mut b).is_err() {
        return String::new();
    }
    hex::encode(b)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn cookie_name(state: &AppState, base: &str) -> String {
    if state.config.secure_cookies { format!("__Host-{base}") } else { base.to_string() }
}

pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite, Path=/, Secure when configured.
pub fn set_cookie(state: &AppState, base: &str, value: &str, max_age_secs: i64, same_site: &str) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}",
        cookie_name(state, base)
    )
}

fn expiry(state: &AppState) -> String {
    (Utc::now() + Duration::minutes(state.config.session_minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Finds the session of the request, if any, and attaches a [`Ctx`].
pub async fn session_layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(token) = read_cookie(req.headers(), &cookie_name(&state, SESSION_COOKIE)) {
        match resolve(&state, &token).await {
            Ok(Some(ctx)) => {
                req.extensions_mut().insert(ctx);
            }
            Ok(None) => {}
            Err(e) => return e.into_response(),
        }
    }
    next.run(req).await
}

async fn resolve(state: &AppState, token: &str) -> Result<Option<Ctx>, AppError> {
    let id = token_hash(token);
    let Some(session) = users::find_session(&state.db, &id).await? else { return Ok(None) };
    let user = users::get_user(&state.db, session.user_id).await?;
    let grants = users::grants(&state.db, user.id).await?;
    let block_units: Vec<i64> = grants.iter().filter(|g| g.role == Role::BlockHead).map(|g| g.unit_id).collect();
    let led = tdkt_store::org::led_group_member_paths(&state.db, &block_units, state.config.current_year).await?;
    // Slide the expiry at most once a minute, not on every request.
    let stale = chrono::DateTime::parse_from_rfc3339(&session.last_seen_at)
        .map(|t| Utc::now().signed_duration_since(t) > Duration::minutes(1))
        .unwrap_or(true);
    if stale {
        users::touch_session(&state.db, &id, &expiry(state)).await?;
    }
    Ok(Some(Ctx {
        subject: Subject { user_id: user.id, grants, led_group_member_paths: led },
        user,
        session_id: id,
        csrf: session.csrf_token,
    }))
}

/// Starts a session for `user` and returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = random_token();
    if token.is_empty() {
        return Err(AppError::Internal("no randomness".into()));
    }
    let mut w = state.db.write(&tdkt_store::Actor::user(user.id, &user.username)).await?;
    users::create_session(&w, &token_hash(&token), user.id, &random_token(), &expiry(state)).await?;
    w.record("user.login", "user", Some(user.id.to_string()), Some(user.unit_id), serde_json::json!({})).await?;
    w.commit().await?;
    Ok(set_cookie(state, SESSION_COOKIE, &token, state.config.session_minutes * 60, "Lax"))
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses unsafe requests that are cross-site or lack the CSRF token.
pub async fn csrf_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_unsafe(req.method()) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return forbidden_csrf();
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin != "null" && origin_host != host {
            return forbidden_csrf();
        }
    }
    // Forms sent before logging in (the login form, a comment on the public portal) carry a
    // double-submit token: the cookie the form's page set.
    let path = req.uri().path();
    let expected = if path == "/login" {
        read_cookie(req.headers(), &cookie_name(&state, LOGIN_CSRF_COOKIE))
    } else if is_public_form(path) {
        read_cookie(req.headers(), &cookie_name(&state, PUBLIC_CSRF_COOKIE))
    } else {
        match req.extensions().get::<Ctx>() {
            Some(ctx) => Some(ctx.csrf.clone()),
            None => {
                let api = req.uri().path().starts_with("/api/");
                return if api {
                    AppError::Unauthorized.json_response()
                } else {
                    AppError::Unauthorized.into_response()
                };
            }
        }
    };
    let Some(expected) = expected.filter(|e| !e.is_empty()) else { return forbidden_csrf() };
    let from_header = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v)
    });
    if from_header.as_deref() == Some(expected.as_str()) || from_query.as_deref() == Some(expected.as_str()) {
        return next.run(req).await;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return forbidden_csrf();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, 1024 * 1024).await else {
        return AppError::BadRequest("Biểu mẫu quá lớn".into()).into_response();
    };
    let ok = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|kv| kv.into_iter().find(|(k, _)| k == "_csrf"))
        .is_some_and(|(_, v)| constant_eq(&v, &expected));
    if !ok {
        return forbidden_csrf();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forbidden_csrf() -> Response {
    let mut r = AppError::BadRequest(
        "Yêu cầu bị từ chối vì thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang rồi thử lại.".into(),
    )
    .into_response();
    *r.status_mut() = axum::http::StatusCode::FORBIDDEN;
    r
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned())
    }
}
