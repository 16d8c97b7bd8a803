//! Copies of a SQLite database: an online backup into a new file and a checked, atomic restore
//! from one. PostgreSQL has its own tools; for it this module only writes the commands to run.

use std::fs;
use std::path::{Path, PathBuf};

use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::connection::{Backend, DatabaseUrl};

/// Tables every owp database has since its first migration; a file without them is not one.
const OWP_TABLES: [&str; 3] = ["users", "audit_events", "audit_chain"];

/// Why a backup or restore did not happen. Kept apart from [`crate::StoreError`] because these
/// are failures of files and of their contents, not of queries a domain crate runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The configured database is PostgreSQL (or SQLite in memory): nothing here can copy it.
    #[error("{0}")]
    Unsupported(String),
    /// The file to write already exists; nothing is overwritten without being asked.
    #[error("{0} already exists")]
    Exists(String),
    /// The file to restore from is not an intact owp database.
    #[error("{path} is not an intact owp database: {why}")]
    NotOwp {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// Reading, writing or renaming a file failed, or SQLite refused the copy.
    #[error("{0}")]
    Io(String),
}

/// What [`check_sqlite_file`] found in an intact owp database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    /// Schema migrations recorded as applied.
    pub migrations: i64,
    /// Users in it.
    pub users: i64,
}

#[derive(QueryableByName)]
struct IntegrityRow {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn sqlite_file(url: &DatabaseUrl, pg_hint: &str) -> Result<PathBuf, BackupError> {
    match url.sqlite_path() {
        Some(_) if url.is_in_memory() => Err(BackupError::Unsupported(
            "an in-memory SQLite database lives only inside its process".into(),
        )),
        Some(path) => Ok(PathBuf::from(path)),
        None => Err(BackupError::Unsupported(pg_hint.to_owned())),
    }
}

fn io(what: &str, path: &Path, err: impl std::fmt::Display) -> BackupError {
    BackupError::Io(format!("cannot {what} {}: {err}", path.display()))
}

/// Writes a consistent copy of the configured SQLite database to `dest` while the server may
/// keep running (`VACUUM INTO` reads one snapshot; writers are not blocked in WAL mode), then
/// checks the copy like a restore would. `dest` must not exist yet.
pub fn backup_sqlite(url: &DatabaseUrl, dest: &Path) -> Result<BackupSummary, BackupError> {
    let source = sqlite_file(url, "PostgreSQL is backed up with pg_dump")?;
    if dest.exists() {
        return Err(BackupError::Exists(dest.display().to_string()));
    }
    if !source.is_file() {
        return Err(BackupError::Io(format!(
            "there is no database at {}",
            source.display()
        )));
    }
    let dest_text = dest
        .to_str()
        .ok_or_else(|| BackupError::Io("the backup path is not UTF-8".into()))?;
    let mut conn = open(&source)?;
    diesel::sql_query("PRAGMA busy_timeout = 5000")
        .execute(&mut conn)
        .map_err(|e| io("open", &source, e))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(dest_text)
        .execute(&mut conn)
        .map_err(|e| io("back up into", dest, e))?;
    check_sqlite_file(dest)
}

/// Replaces the configured SQLite database with the backup at `source`: refused when the
/// database file exists unless `replace`, and unless the backup is an intact owp database
/// (`integrity_check`, migrations table, owp tables). The backup is copied next to the target
/// and checked there, then renamed over it, so the target is either the old file or the
/// whole new one; the old file's WAL and shared-memory files are removed first so SQLite does
/// not replay them into the new file. No server may be using the database meanwhile.
pub fn restore_sqlite(
    url: &DatabaseUrl,
    source: &Path,
    replace: bool,
) -> Result<BackupSummary, BackupError> {
    let target = sqlite_file(url, "PostgreSQL is restored with pg_restore or psql")?;
    if target.exists() && !replace {
        return Err(BackupError::Exists(target.display().to_string()));
    }
    if !source.is_file() {
        return Err(BackupError::Io(format!(
            "there is no backup at {}",
            source.display()
        )));
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&folder).map_err(|e| io("create", &folder, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staged = folder.join(format!(".{name}.restore-{}", std::process::id()));
    fs::copy(source, &staged).map_err(|e| io("copy", source, e))?;
    let summary = match check_sqlite_file(&staged) {
        Ok(summary) => summary,
        Err(err) => {
            remove_if_present(&staged)?;
            return Err(match err {
                BackupError::NotOwp { why, .. } => BackupError::NotOwp {
                    path: source.display().to_string(),
                    why,
                },
                other => other,
            });
        }
    };
    fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("flush", &staged, e))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        remove_if_present(Path::new(&side))?;
    }
    fs::rename(&staged, &target).map_err(|e| io("move the restored file to", &target, e))?;
    fs::File::open(&folder)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("flush", &folder, e))?;
    Ok(summary)
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(io("remove", path, err)),
        _ => Ok(()),
    }
}

fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let text = path
        .to_str()
        .ok_or_else(|| BackupError::Io(format!("{} is not a UTF-8 path", path.display())))?;
    SqliteConnection::establish(text).map_err(|e| io("open", path, e))
}

/// Checks that the SQLite file at `path` is an intact owp database: SQLite's
/// `integrity_check` says `ok`, diesel's migrations table records at least one migration and
/// the owp tables exist. It is only read.
pub fn check_sqlite_file(path: &Path) -> Result<BackupSummary, BackupError> {
    let not_owp = |why: String| BackupError::NotOwp {
        path: path.display().to_string(),
        why,
    };
    let mut conn = open(path)?;
    let integrity: Vec<IntegrityRow> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .map_err(|e| not_owp(e.to_string()))?;
    if integrity.len() != 1 || integrity[0].integrity_check != "ok" {
        let found: Vec<String> = integrity.into_iter().map(|r| r.integrity_check).collect();
        return Err(not_owp(format!("integrity check: {}", found.join("; "))));
    }
    let count = |conn: &mut SqliteConnection, sql: &str| {
        diesel::sql_query(sql)
            .get_result::<Count>(conn)
            .map(|c| c.n)
    };
    let migrations = count(
        &mut conn,
        "SELECT count(*) AS n FROM __diesel_schema_migrations",
    )
    .map_err(|_| not_owp("it has no migrations table".into()))?;
    let listed = OWP_TABLES.map(|t| format!("'{t}'")).join(", ");
    let tables = count(
        &mut conn,
        &format!(
            "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ({listed})"
        ),
    )
    .map_err(|e| not_owp(e.to_string()))?;
    if migrations == 0 || tables != i64::try_from(OWP_TABLES.len()).unwrap_or(i64::MAX) {
        return Err(not_owp("its schema is not the platform's".into()));
    }
    let users =
        count(&mut conn, "SELECT count(*) AS n FROM users").map_err(|e| not_owp(e.to_string()))?;
    Ok(BackupSummary { migrations, users })
}

/// Quotes `text` for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The `pg_dump` command that backs up the configured PostgreSQL database into `file` (custom
/// format, for `pg_restore`), with the password redacted: the operator supplies it through
/// `PGPASSWORD` or `~/.pgpass`. `None` for SQLite.
pub fn pg_dump_command(url: &DatabaseUrl, file: &Path) -> Option<String> {
    (url.backend() == Backend::Postgres).then(|| {
        format!(
            "pg_dump --format=custom --no-owner --file={} --dbname={}",
            shell_quote(&file.display().to_string()),
            shell_quote(&url.redacted())
        )
    })
}

/// The `pg_restore` command that restores `file` (written by [`pg_dump_command`]) into the
/// configured PostgreSQL database, replacing what is there, password redacted. `None` for
/// SQLite.
pub fn pg_restore_command(url: &DatabaseUrl, file: &Path) -> Option<String> {
    (url.backend() == Backend::Postgres).then(|| {
        format!(
            "pg_restore --clean --if-exists --no-owner --dbname={} {}",
            shell_quote(&url.redacted()),
            shell_quote(&file.display().to_string())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_commands_quote_and_redact() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/app").unwrap();
        let dump = pg_dump_command(&url, Path::new("it's.dump")).unwrap();
        assert_eq!(
            dump,
            r"pg_dump --format=custom --no-owner --file='it'\''s.dump' --dbname='postgres://app:***@db:5432/app'"
        );
        let restore = pg_restore_command(&url, Path::new("a.dump")).unwrap();
        assert!(
            restore.ends_with("'postgres://app:***@db:5432/app' 'a.dump'"),
            "{restore}"
        );
        let sqlite = DatabaseUrl::parse("sqlite://x.db").unwrap();
        assert_eq!(pg_dump_command(&sqlite, Path::new("a")), None);
    }
}
