//! The `owp` command line.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use owp_audit::ChainHead;
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
    /// Audit trail maintenance.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the audit hash chain and print the report as JSON; exits 1 when it is not intact,
    /// 3 when it could not be checked. Needs the same AUDIT_SECRET (or JWT secret) as the server.
    Verify {
        /// A head logged earlier (`owp::audit` lines, `SEQ:HASH`): the chain must still hold it,
        /// which finds a cut-off tail.
        #[arg(long, value_name = "SEQ:HASH")]
        expect_head: Option<ChainHead>,
    },
}

/// Exit code for configuration mistakes, so scripts can tell them from runtime failures.
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
            Command::Audit {
                command: AuditCommand::Verify { expect_head },
            } => with_config(|config| audit_verify(config, expect_head)).await,
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

/// `owp audit verify`: reads only (a schema that is not current is refused, not migrated).
async fn audit_verify(config: Config, expect_head: Option<ChainHead>) -> ExitCode {
    telemetry::init(config.log_format);
    let key = match secrets::existing_audit_key(&config) {
        Ok(key) => key,
        Err(err) => {
            eprintln!("owp: {err}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let db = Database::new(&config.database_url, config.pool);
    let readiness = db.readiness(config.pool.acquire_timeout).await;
    if !readiness.is_ready() {
        let why = match (readiness.pending_migrations, readiness.error) {
            (Some(pending), _) => format!("{pending} migration(s) pending: run `owp migrate`"),
            (None, error) => error.unwrap_or_else(|| "the database does not answer".into()),
        };
        eprintln!("owp: cannot verify the audit chain: {why}");
        return ExitCode::from(EXIT_UNCHECKED);
    }
    // Nothing is pending (checked above): this only marks the handle's schema as ready.
    let walked = match db.migrate_within(config.pool.acquire_timeout).await {
        Ok(_) => {
            db.run(move |conn| owp_audit::verify(conn, &key, expect_head.as_ref()))
                .await
        }
        Err(err) => Err(err),
    };
    let report = match walked {
        Ok(report) => report,
        Err(err) => {
            eprintln!("owp: cannot verify the audit chain: {err}");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    };
    match serde_json::to_string_pretty(&report) {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("owp: cannot print the report: {err}");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    }
    if report.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
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
