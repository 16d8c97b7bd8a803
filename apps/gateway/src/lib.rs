//! The gateway of the Ollama Workshop Platform: the `owp` binary's CLI, configuration, HTTP
//! server, middleware and routes.
//!
//! The only crate that knows about HTTP: handlers parse requests and call the domain crates
//! through `owp_db::Database::run`; it never writes SQL itself. It is a library as well as a
//! binary so the test harness can start the real server in-process.

// Outside tests: no unwrap/expect (the workspace Cargo.toml says why this is here).
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod audit_heads;
pub mod cli;
pub mod config;
pub mod doctor;
pub mod health_check;
pub mod http;
mod ollama_probe;
pub mod openapi;
mod preparation;
mod routes;
pub mod secrets;
pub mod startup;
mod state;
pub mod telemetry;
