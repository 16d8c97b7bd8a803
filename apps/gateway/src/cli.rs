//! The `owp` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use owp_db::Database;

use crate::config::Config;
use crate::preparation::Preparation;
use crate::startup::{Application, ServeOptions, bootstrap_options};
use crate::{openapi, telemetry};

/// Ollama Workshop Platform: accounts, roles, API keys, audit and workshop content in front of
/// an Ollama server. Configured through environment variables (see README).
#[derive(Debug, Parser)]
#[command(name = "owp", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (migrates the database first when it answers).
    Serve,
    /// Apply pending database migrations and exit; running it again changes nothing.
    Migrate,
    /// Migrate, then create system roles and the bootstrap admin (printing new secrets once).
    Seed,
    /// Print the OpenAPI 3.1 document as JSON.
    Openapi,
}

/// Exit code for configuration mistakes, so scripts can tell them from runtime failures.
const EXIT_CONFIG: u8 = 2;

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self) -> ExitCode {
        match self.command {
            Command::Openapi => print_openapi(),
            Command::Migrate => with_config(migrate).await,
            Command::Seed => with_config(seed).await,
            Command::Serve => with_config(serve).await,
        }
    }
}

async fn with_config<F, Fut>(command: F) -> ExitCode
where
    F: FnOnce(Config) -> Fut,
    Fut: Future<Output = ExitCode>,
{
    match Config::from_env() {
        Ok(config) => command(config).await,
        Err(err) => {
            eprintln!("owp: {err}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

fn print_openapi() -> ExitCode {
    match openapi::spec().to_pretty_json() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("owp: cannot render the OpenAPI document: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(config: Config) -> ExitCode {
    telemetry::init(config.log_format);
    let db = Database::new(&config.database_url, config.pool);
    match db.migrate_within(config.pool.acquire_timeout).await {
        Ok(applied) => {
            println!(
                "applied {applied} migration(s) to {} ({})",
                db.backend().as_str(),
                config.database_url.redacted()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("owp: migration failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn seed(config: Config) -> ExitCode {
    telemetry::init(config.log_format);
    let db = Database::new(&config.database_url, config.pool);
    let preparation = Preparation::new(db, bootstrap_options(&config));
    match preparation.ensure(config.pool.acquire_timeout).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("owp: seeding failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    telemetry::init(config.log_format);
    let app = match Application::build(&config, ServeOptions::default()).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("owp: cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let signals = match ShutdownSignals::install() {
        Ok(signals) => signals,
        Err(err) => {
            eprintln!("owp: cannot listen for shutdown signals: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "owp serving http://{} ({})",
        app.address(),
        config.database_url.redacted()
    );
    let handle = app.handle();
    tokio::spawn(async move {
        signals.recv().await;
        tracing::info!("shutting down: finishing in-flight requests");
        handle.stop(true).await;
    });
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("owp: server failed: {err}");
            ExitCode::FAILURE
        }
    }
}

/// SIGTERM (Kubernetes) and SIGINT (Ctrl-C), registered before the server says it is up, so a
/// signal sent right after that line is never lost; both shut down gracefully.
struct ShutdownSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    async fn recv(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.interrupt.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
