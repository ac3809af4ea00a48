//! The public portal (cổng công khai), open without logging in: the nominees on public posting
//! with their posting period, and a form to send the office a comment on one of them. The form
//! is protected like the login form (a double-submit cookie), and one client may send only a
//! few comments an hour. Comments are not published: the office reads them on the dossier and
//! accepts them for the council or rejects them (see `pages::dossiers::moderate`).

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tdkt_domain::text;
use tdkt_store::portal::{self as store, Posted};
use tdkt_store::{Actor, StoreError};

use crate::AppState;
use crate::auth::{self, PUBLIC_CSRF_COOKIE};
use crate::error::{AppError, AppResult};
use crate::pages::render;

/// A nominee with the end of their posting period.
struct Line {
    n: Posted,
    end: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct ListPage {
    province: String,
    lines: Vec<Line>,
}

impl ListPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
}

async fn line(state: &AppState, n: Posted) -> AppResult<Line> {
    let period = crate::pages::dossiers::posting_from(state, n.posted_on).await?;
    let end = period.end.map(text::format_date).unwrap_or_else(|| "theo thông báo của cơ quan thường trực".into());
    Ok(Line { n, end })
}

pub async fn list(State(state): State<AppState>) -> AppResult<Response> {
    let mut lines = vec![];
    for n in store::posted(&state.db).await? {
        lines.push(line(&state, n).await?);
    }
    let page = ListPage { province: state.config.province.clone(), lines };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "portal_nominee.html")]
struct NomineePage {
    province: String,
    l: Line,
    csrf: String,
    form: CommentForm,
    error: Option<String>,
    sent: bool,
}

impl NomineePage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        text::format_date(*d)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct CommentForm {
    #[serde(default)]
    author: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    content: String,
}

async fn nominee_page(
    state: &AppState,
    id: i64,
    form: CommentForm,
    error: Option<String>,
    sent: bool,
) -> AppResult<Response> {
    let Some(n) = store::posted_nominee(&state.db.conn, id).await? else {
        return Err(AppError::NotFound("Không có người, tập thể này trong danh sách đang công khai".into()));
    };
    let csrf = auth::random_token();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = NomineePage {
        province: state.config.province.clone(),
        l: line(state, n).await?,
        csrf: csrf.clone(),
        form,
        error,
        sent,
    };
    Ok((
        status,
        [(header::SET_COOKIE, auth::set_cookie(state, PUBLIC_CSRF_COOKIE, &csrf, 3600, "Strict"))],
        render(&page)?,
    )
        .into_response())
}

pub async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Response> {
    nominee_page(&state, id, CommentForm::default(), None, false).await
}

pub async fn comment(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CommentForm>,
) -> AppResult<Response> {
    let client = crate::pages::session::client_address(&state, &headers, peer);
    let new = store::NewComment {
        author: form.author.clone(),
        contact: form.contact.clone(),
        content: form.content.clone(),
        client,
    };
    let result = async {
        let mut w = state.db.write(&Actor::system("Người dân (cổng công khai)")).await?;
        store::add_comment(&mut w, id, &new).await?;
        w.commit().await?;
        Ok::<(), StoreError>(())
    }
    .await;
    match result {
        Ok(()) => nominee_page(&state, id, CommentForm::default(), None, true).await,
        Err(StoreError::Invalid(i)) => {
            nominee_page(&state, id, form, Some(AppError::Invalid(i).message()), false).await
        }
        Err(e) => Err(e.into()),
    }
}
