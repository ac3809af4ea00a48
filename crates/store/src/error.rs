//! Storage errors. "Not found" and "conflict" are distinct from a failing database, so callers
//! never mistake a broken connection for a missing row.

use tdkt_domain::error::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("không tìm thấy {0}")]
    NotFound(&'static str),
    /// The input is well-formed but clashes with stored data (duplicate code, unknown parent...).
    #[error("{0}")]
    Invalid(Invalid),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(Invalid::one(field, message))
    }
}
