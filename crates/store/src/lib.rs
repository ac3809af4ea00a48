//! Storage of tdkt over SQLite (the embedded default) and PostgreSQL, with one code path.
//!
//! Architecture invariant: every SQL statement of tdkt lives in this crate. SQL is written once
//! with `?` placeholders (numbered for PostgreSQL by [`db::stmt`]); the few places where the two
//! dialects differ (full-text search, migration locking) branch on [`Db::backend`] locally.
//!
//! Architecture invariant: every state change goes through a [`audit::WriteTx`], which appends
//! to the hash-chained audit log in the same transaction as the change.

pub mod audit;
pub mod award_decision;
pub mod council;
pub mod db;
pub mod dossier;
pub mod eligible;
pub mod emulation;
pub mod error;
pub mod files;
pub mod import;
pub mod jobs;
pub mod load;
pub mod migrate;
pub mod org;
pub mod panel;
pub mod plans;
pub mod portal;
pub mod registry;
pub mod registry_import;
pub mod scoring;
pub mod users;

pub use audit::{Actor, WriteTx};
pub use db::Db;
pub use error::{StoreError, StoreResult};
pub use load::{Checkpoint, LoadTx};

/// A page of results with the total count (capped for very large searches).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    /// Number of matching rows, or the cap when `total_capped` is set.
    pub total: u64,
    pub total_capped: bool,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}
