//! One error type at the HTTP edge. Pages get a Vietnamese error page (or an htmx fragment),
//! the API gets `{"error": code, "message": ...}`. Internal causes are logged, never shown.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tdkt_domain::error::Invalid;
use tdkt_store::StoreError;

#[derive(Debug)]
pub enum AppError {
    /// Not logged in: pages redirect to the login form.
    Unauthorized,
    Forbidden,
    NotFound(String),
    /// Input problems, each naming its field.
    Invalid(Invalid),
    TooManyRequests(String),
    BadRequest(String),
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(format!("Không tìm thấy {what}")),
            StoreError::Invalid(i) => AppError::Invalid(i),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::Unauthorized => "Cần đăng nhập".into(),
            AppError::Forbidden => "Không có quyền truy cập nội dung này".into(),
            AppError::NotFound(m) | AppError::TooManyRequests(m) | AppError::BadRequest(m) => m.clone(),
            AppError::Invalid(i) => i.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "),
            AppError::Internal(_) => "Lỗi hệ thống; đã ghi lại để quản trị viên xử lý".into(),
        }
    }

    /// The JSON body of an API error.
    pub fn json_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error.cause = %cause, "internal error");
        }
        let mut body = serde_json::json!({"error": self.code(), "message": self.message()});
        if let AppError::Invalid(i) = &self {
            body["fields"] = i.0.iter().map(|e| serde_json::json!({"field": e.field, "message": e.message})).collect();
        }
        (self.status(), axum::Json(body)).into_response()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error.cause = %cause, "internal error");
        }
        if matches!(self, AppError::Unauthorized) {
            return (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, "/login")]).into_response();
        }
        let page =
            crate::view::ErrorPage { status: self.status().as_u16(), title: title(&self), message: self.message() };
        let html = askama::Template::render(&page).unwrap_or_else(|_| self.message());
        (self.status(), Html(html)).into_response()
    }
}

fn title(e: &AppError) -> &'static str {
    match e {
        AppError::Forbidden => "Không có quyền",
        AppError::NotFound(_) => "Không tìm thấy",
        AppError::Invalid(_) | AppError::BadRequest(_) => "Dữ liệu không hợp lệ",
        AppError::TooManyRequests(_) => "Thử lại sau",
        _ => "Có lỗi xảy ra",
    }
}
