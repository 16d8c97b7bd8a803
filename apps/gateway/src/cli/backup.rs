//! `owp backup FILE` and `owp restore FILE`: the SQLite database file copied out while the
//! server runs, and checked before it is put back. PostgreSQL has pg_dump and pg_restore: for
//! it both commands print the command to run (password redacted) and exit 2.

use std::path::PathBuf;
use std::process::ExitCode;

use owp_db::{BackupError, pg_dump_command, pg_restore_command};

use super::admin::{Failure, finish};
use crate::config::Config;

/// `owp backup FILE`.
pub(super) async fn backup(config: Config, file: PathBuf) -> ExitCode {
    if let Some(command) = pg_dump_command(&config.database_url, &file) {
        return finish(Err(Failure::Usage(format!(
            "owp backs up SQLite only; back PostgreSQL up with (password from PGPASSWORD or \
             ~/.pgpass):\n  {command}"
        ))));
    }
    let url = config.database_url.clone();
    let target = file.clone();
    let result = owp_db::spawn_blocking(move || owp_db::backup_sqlite(&url, &target))
        .await
        .map_err(Failure::from)
        .and_then(|done| done.map_err(|e| refusal(e, "choose a new file")));
    finish(result.map(|summary| {
        println!(
            "backed up {} to {} ({} users, {} migrations)",
            config.database_url.redacted(),
            file.display(),
            summary.users,
            summary.migrations
        );
    }))
}

/// `owp restore FILE [--force]`.
pub(super) async fn restore(config: Config, file: PathBuf, force: bool) -> ExitCode {
    if let Some(command) = pg_restore_command(&config.database_url, &file) {
        return finish(Err(Failure::Usage(format!(
            "owp restores SQLite only; restore a pg_dump backup of PostgreSQL with (password \
             from PGPASSWORD or ~/.pgpass; a plain SQL dump goes through psql -f instead):\n  \
             {command}"
        ))));
    }
    let url = config.database_url.clone();
    let source = file.clone();
    let result = owp_db::spawn_blocking(move || owp_db::restore_sqlite(&url, &source, force))
        .await
        .map_err(Failure::from)
        .and_then(|done| {
            done.map_err(|e| refusal(e, "stop the server, then pass --force to replace it"))
        });
    finish(result.map(|summary| {
        println!(
            "restored {} from {} ({} users, {} migrations); `owp serve` applies newer ones",
            config.database_url.redacted(),
            file.display(),
            summary.users,
            summary.migrations
        );
    }))
}

/// An existing file is the operator's to move (exit 2, saying what to do); anything else
/// failed (exit 1).
fn refusal(err: BackupError, what_to_do: &str) -> Failure {
    match err {
        BackupError::Exists(path) => Failure::Usage(format!(
            "{path} already exists and was left as it is: {what_to_do}"
        )),
        BackupError::Unsupported(why) => Failure::Usage(why),
        other => Failure::Failed(other.to_string()),
    }
}
