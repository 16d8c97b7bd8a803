//! `owp`: see `owp --help`.

use std::process::ExitCode;

use clap::Parser;
use owp_gateway::cli::Cli;

#[actix_web::main]
async fn main() -> ExitCode {
    Cli::parse().run().await
}
