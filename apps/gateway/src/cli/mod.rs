//! The `owp` command line: the server, its set-up and health, and the operator's tasks
//! (users, API keys, audit export, backups), each a thin layer like an HTTP handler: parse,
//! call one domain operation, print.

mod admin;
mod api_key;
mod audit;
mod backup;
mod user;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use owp_db::Database;

use crate::config::Config;
use crate::preparation::Preparation;
use crate::secrets::{self, LocalSecret};
use crate::startup::{Application, ServeOptions, bootstrap_options};
use crate::{health_check, openapi, telemetry};

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
    /// Ask a running server's `/healthz` (for a container HEALTHCHECK: the image has no curl);
    /// exit 0 when it answers 200, 1 with one line saying why otherwise.
    Health {
        /// The URL to ask; by default `/healthz` on this environment's `BIND` (loopback when it
        /// is every address) and `PORT`.
        #[arg(long)]
        url: Option<String>,
        /// Seconds to wait for the answer.
        #[arg(long, value_name = "SECS", default_value_t = 3,
              value_parser = clap::value_parser!(u64).range(1..=300))]
        timeout: u64,
    },
    /// Check the configuration, the database and its migrations, Ollama and its models, and the
    /// bootstrap admin: one line each; exit 1 when any check fails. Reads only.
    Doctor,
    /// Audit trail maintenance: verify the hash chain, export events.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Manage users: list, create, approve, disable, set a password, grant a role. Audited
    /// with actor `cli`.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Manage API keys: issue (the secret is printed once), list, revoke. Audited with actor
    /// `cli`.
    ApiKey {
        #[command(subcommand)]
        command: api_key::ApiKeyCommand,
    },
    /// Copy the SQLite database into FILE while the server runs (PostgreSQL: prints the
    /// pg_dump command to run instead and exits 2).
    Backup {
        /// The file to write; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Replace the SQLite database with the backup in FILE, after checking it is an intact owp
    /// database; stop the server first (PostgreSQL: prints the pg_restore command, exits 2).
    Restore {
        /// The backup to restore.
        file: std::path::PathBuf,
        /// Replace an existing database file.
        #[arg(long)]
        force: bool,
    },
}

/// Exit code for configuration and argument mistakes, so scripts can tell them from runtime
/// failures (clap uses it for command-line errors too).
const EXIT_CONFIG: u8 = 2;
/// Exit code of `owp audit verify` when the chain could not be checked at all.
const EXIT_UNCHECKED: u8 = 3;

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self) -> ExitCode {
        match self.command {
            Command::Openapi => print_openapi(),
            Command::Migrate => with_config(migrate).await,
            Command::Seed => with_config(seed).await,
            Command::Serve => with_config(serve).await,
            Command::Health { url, timeout } => health(url, Duration::from_secs(timeout)).await,
            Command::Doctor => with_config(doctor).await,
            Command::Audit { command } => with_config(|config| command.run(config)).await,
            Command::User { command } => with_config(|config| command.run(config)).await,
            Command::ApiKey { command } => with_config(|config| command.run(config)).await,
            Command::Backup { file } => with_config(|config| backup::backup(config, file)).await,
            Command::Restore { file, force } => {
                with_config(|config| backup::restore(config, file, force)).await
            }
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

/// `owp health`: every failure, a bad configuration included, exits 1, since Docker reserves
/// exit code 2 of a health check.
async fn health(url: Option<String>, timeout: Duration) -> ExitCode {
    let url = match url {
        Some(url) => url,
        None => match Config::from_env() {
            Ok(config) => match health_check::default_url(config.bind, config.port) {
                Some(url) => url,
                None => {
                    eprintln!("owp: unhealthy: PORT is 0, so pass the server's --url");
                    return ExitCode::FAILURE;
                }
            },
            Err(err) => {
                eprintln!("owp: unhealthy: {err}");
                return ExitCode::FAILURE;
            }
        },
    };
    match health_check::check(&url, timeout).await {
        Ok(()) => {
            println!("healthy: {url}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("owp: unhealthy: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn doctor(config: Config) -> ExitCode {
    let findings = crate::doctor::examine(&config).await;
    for finding in &findings {
        println!("{finding}");
    }
    if findings.iter().all(|f| f.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
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
    let audit_key = match secrets::jwt_secret(&config, LocalSecret::CreateIfMissing) {
        Ok(jwt) => secrets::audit_key(&config, &jwt),
        Err(err) => {
            eprintln!("owp: {err}");
            return ExitCode::FAILURE;
        }
    };
    let db = Database::new(&config.database_url, config.pool);
    let preparation = Preparation::new(db, bootstrap_options(&config), audit_key);
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
