//! Law as code: the catalogue of titles and forms of commendation, dated parameters, rule sets
//! keyed by legal basis and effective date, and the engine that judges a subject's history.
//!
//! No I/O: the data files are compiled in, and callers hand the engine a [`History`].

pub mod bulk;
pub mod catalogue;
pub mod engine;
pub mod history;
pub mod holidays;
pub mod params;
pub mod ruleset;

pub use catalogue::{AwardType, Catalogue};
pub use engine::{ConditionResult, Engine, EngineError, Outcome, Prepared, RouteResult, Status, Verdict};
pub use history::{History, SubjectKind};
pub use params::Params;
pub use ruleset::RuleSet;
