//! `owp`: see `owp --help`.

// Outside tests: no unwrap/expect (the workspace Cargo.toml says why this is here).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use clap::Parser;
use owp_gateway::cli::Cli;

#[actix_web::main]
async fn main() -> ExitCode {
    Cli::parse().run().await
}
