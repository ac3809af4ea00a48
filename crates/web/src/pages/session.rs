//! Login, logout, password change.

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use std::net::SocketAddr;
use tdkt_store::users;

use crate::auth::{self, Ctx, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::pages::render;
use crate::view::Chrome;
use crate::{AppState, password};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    province: String,
    csrf: String,
    username: String,
    error: Option<String>,
}

fn login_page(state: &AppState, status: StatusCode, username: &str, error: Option<String>) -> Response {
    let csrf = auth::random_token();
    let page =
        LoginPage { province: state.config.province.clone(), csrf: csrf.clone(), username: username.into(), error };
    match render(&page) {
        Ok(html) => {
            (status, [(header::SET_COOKIE, auth::set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600, "Strict"))], html)
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn login_form(State(state): State<AppState>, ctx: Option<Ctx>) -> Response {
    if ctx.is_some() {
        return Redirect::to("/").into_response();
    }
    login_page(&state, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// The client's address for rate limiting: the peer, or the proxy's last X-Forwarded-For entry.
pub(crate) fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if state.config.trust_proxy
        && let Some(last) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return last.to_string();
    }
    peer.ip().to_string()
}

const WRONG: &str = "Sai tên đăng nhập hoặc mật khẩu";

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let client = client_address(&state, &headers, addr);
    let since = (Utc::now() - Duration::minutes(15)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (by_user, by_client) = match users::login_failures_since(&state.db, &f.username, &client, &since).await {
        Ok(c) => c,
        Err(e) => return AppError::from(e).into_response(),
    };
    if by_user >= state.config.max_failures_per_user || by_client >= state.config.max_failures_per_client {
        return login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &f.username,
            Some("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút hoặc liên hệ quản trị viên.".into()),
        );
    }
    let user = match users::find_user(&state.db, &f.username).await {
        Ok(u) => u,
        Err(e) => return AppError::from(e).into_response(),
    };
    // Verify even for an unknown user, so timing does not tell which usernames exist.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.to_string());
    let pw = f.password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&pw, &hash)).await.unwrap_or(false);
    match user {
        Some(u) if ok && u.active => {
            let _ = users::clear_login_failures(&state.db, &u.username).await;
            match auth::start_session(&state, &u).await {
                Ok(cookie) => {
                    (StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, "/".to_string())])
                        .into_response()
                }
                Err(e) => e.into_response(),
            }
        }
        _ => {
            let _ = users::record_login_failure(&state.db, &f.username, &client).await;
            login_page(&state, StatusCode::UNAUTHORIZED, &f.username, Some(WRONG.into()))
        }
    }
}

/// A valid Argon2id hash of a random string, verified against when the user does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0nF7pQmS2o5Wq4U6GQ7b1k0dV2sQ6sD7q1mX1bqk7tY";

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let mut w = state.db.write(&tdkt_store::Actor::user(ctx.user.id, &ctx.user.username)).await?;
    users::delete_session(&w, &ctx.session_id).await?;
    w.record("user.logout", "user", Some(ctx.user.id.to_string()), Some(ctx.user.unit_id), serde_json::json!({}))
        .await?;
    w.commit().await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, auth::set_cookie(&state, SESSION_COOKIE, "", 0, "Lax")),
            (header::LOCATION, "/login".to_string()),
        ],
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error: Option<String>,
    done: bool,
}

pub async fn password_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let chrome = Chrome::new(&state, &ctx, "/account/password", "Đổi mật khẩu");
    Ok(render(&PasswordPage { chrome, error: None, done: false })?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    _h: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let chrome = Chrome::new(&state, &ctx, "/account/password", "Đổi mật khẩu");
    let current_hash = ctx.user.password_hash.clone();
    let current = f.current.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&current, &current_hash)).await.unwrap_or(false);
    let error = if !ok {
        Some("Mật khẩu hiện tại không đúng".to_string())
    } else if f.new != f.confirm {
        Some("Mật khẩu mới nhập lại không khớp".to_string())
    } else {
        password::check_strength(&f.new, &ctx.user.username).err().map(str::to_string)
    };
    if let Some(error) = error {
        let mut r = render(&PasswordPage { chrome, error: Some(error), done: false })?.into_response();
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let new = f.new.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    let mut w = state.db.write(&tdkt_store::Actor::user(ctx.user.id, &ctx.user.username)).await?;
    users::set_password(&mut w, ctx.user.id, &hash, Some(&ctx.session_id)).await?;
    w.commit().await?;
    Ok(render(&PasswordPage { chrome, error: None, done: true })?.into_response())
}
