//! The domain of tdkt: types, parsing and rules, with no I/O.
//!
//! Architecture invariant: this crate knows nothing about SQL, HTTP, files or the clock.
//! Everything here is a pure function of its arguments, so it can be tested without a database.

pub mod audit;
pub mod authz;
pub mod calendar;
pub mod council;
pub mod decision;
pub mod dossier;
pub mod emulation;
pub mod error;
pub mod org;
pub mod plan;
pub mod rows;
pub mod text;
