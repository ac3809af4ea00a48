//! The eligibility engine as the web sees it: the shipped rules with the province's own
//! parameter values from the database.

use std::sync::OnceLock;

use tdkt_rules::Engine;
use tdkt_store::Db;

use crate::error::{AppError, AppResult};

/// The shipped catalogue and rules, read once.
pub fn base() -> AppResult<&'static Engine> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Internal(format!("bộ quy tắc: {e}")))
}

/// The engine with the province's parameter values as stored now (for a verdict).
pub async fn engine(db: &Db) -> AppResult<Engine> {
    Ok(tdkt_store::registry::engine_with_overrides(db, base()?).await?)
}
