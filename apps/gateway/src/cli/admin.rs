//! What the operator's commands share: a database whose schema is current, the CLI's audit
//! context, passwords read from stdin or generated, and one-line failures with exit codes.

use std::io::BufRead;
use std::process::ExitCode;

use owp_audit::AuditContext;
use owp_credentials::{hash_password, validate_new_password};
use owp_db::{Database, StoreError};
use owp_identity::IdentityError;

use super::EXIT_CONFIG;
use crate::config::Config;
use crate::secrets;

/// Why a command did not do its work: one line on stderr, and the exit code scripts test.
#[derive(Debug)]
pub(super) enum Failure {
    /// A mistake in the configuration or the arguments (exit 2): nothing was tried.
    Usage(String),
    /// The operation was refused or failed (exit 1): an unknown user or role, a conflict, a
    /// database that does not answer.
    Failed(String),
}

impl From<IdentityError> for Failure {
    fn from(err: IdentityError) -> Self {
        Failure::Failed(err.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Failure::Failed(err.to_string())
    }
}

/// The exit code of a command's result, printing the failure as one line.
pub(super) fn finish(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(why)) => {
            eprintln!("owp: {why}");
            ExitCode::from(EXIT_CONFIG)
        }
        Err(Failure::Failed(why)) => {
            eprintln!("owp: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The configured database when it answers with every migration applied; otherwise why not.
/// Operator commands never migrate (that is `owp migrate`'s job), so they never change a
/// schema a running server of another version relies on.
pub(super) async fn current_database(config: &Config) -> Result<Database, String> {
    let db = Database::new(&config.database_url, config.pool);
    let readiness = db.readiness(config.pool.acquire_timeout).await;
    if !readiness.is_ready() {
        return Err(match (readiness.pending_migrations, readiness.error) {
            (Some(pending), _) => format!("{pending} migration(s) pending: run `owp migrate`"),
            (None, error) => error.unwrap_or_else(|| "the database does not answer".into()),
        });
    }
    // Nothing is pending (checked above): this only marks the handle's schema as ready.
    db.migrate_within(config.pool.acquire_timeout)
        .await
        .map_err(|e| e.to_string())?;
    Ok(db)
}

/// The database and the audit context of a command that changes something: events are
/// chained with the server's key (so `owp audit verify` stays intact) and marked actor `cli`.
pub(super) async fn for_changes(config: &Config) -> Result<(Database, AuditContext), Failure> {
    let key = secrets::existing_audit_key(config).map_err(|e| Failure::Usage(e.to_string()))?;
    let db = current_database(config).await.map_err(Failure::Failed)?;
    Ok((db, AuditContext::cli(key)))
}

/// A new password: the first line of stdin when `from_stdin` (so it never shows in the
/// process list or shell history), else a random one. Returns the password and whether it was
/// generated (then the caller prints it once).
pub(super) fn new_password(from_stdin: bool) -> Result<(String, bool), Failure> {
    if !from_stdin {
        return Ok((owp_identity::bootstrap::random_password(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Usage(format!("cannot read the password from stdin: {e}")))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
    validate_new_password(&password).map_err(|e| Failure::Usage(e.to_string()))?;
    Ok((password, false))
}

/// The argon2id hash of `password`, computed on a blocking thread.
pub(super) async fn hash(password: String) -> Result<String, Failure> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Failure::Failed(format!("hashing failed: {e}")))?
        .map_err(|e| Failure::Failed(e.to_string()))
}
