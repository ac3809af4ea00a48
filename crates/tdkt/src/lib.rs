//! The `tdkt` binary's library: configuration, the CLI commands, the demo loader, benchmarks.
//! `main.rs` only parses arguments and calls [`cli::run`].

pub mod bench;
pub mod bench_cycle;
pub mod bench_dossiers;
pub mod bench_eval;
pub mod bench_registry;
pub mod check;
pub mod cli;
pub mod config;
pub mod demo;
pub mod eligible;
pub mod plan_import;
