//! The runtime-chosen connection: one type for both backends, so domain code is written once.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to either backend; domain functions take `&mut AnyConnection` so the same query
/// code serves a laptop (SQLite) and a cluster (PostgreSQL).
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL, for multi-replica deployments.
    Pg(PgConnection),
    /// SQLite, for single-process deployments on a laptop.
    Sqlite(SqliteConnection),
}

/// The query backend of [`AnyConnection`], for boxed queries built before the engine is known.
pub type AnyBackend = <AnyConnection as Connection>::Backend;

/// Which engine a URL points at; reported by `/readyz` and used to pick the migration dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// PostgreSQL (`postgres://…` or `postgresql://…`).
    Postgres,
    /// SQLite (`sqlite://path` or `sqlite::memory:`).
    Sqlite,
}

impl Backend {
    /// The lowercase name used in logs, metrics and health answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// Why a database URL was refused; said before anything tries to connect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The scheme is neither SQLite nor PostgreSQL.
    #[error("database URL must start with sqlite:// or postgres:// (got {0:?})")]
    UnknownScheme(String),
    /// `sqlite://` with nothing after it.
    #[error("sqlite:// URL names no file")]
    EmptySqlitePath,
}

/// A validated database URL: the backend is decided once, at parse time, so connecting never
/// has to guess (diesel's derived `establish` tries each backend and hides the real error).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// For PostgreSQL the whole URL, for SQLite the file path (or `:memory:`).
    target: String,
}

impl DatabaseUrl {
    /// Parses `sqlite://path`, `sqlite::memory:`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(Self {
                backend: Backend::Sqlite,
                target: ":memory:".to_owned(),
            });
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(UrlError::EmptySqlitePath);
            }
            return Ok(Self {
                backend: Backend::Sqlite,
                target: path.to_owned(),
            });
        }
        let scheme = url.split("://").next().unwrap_or_default();
        Err(UrlError::UnknownScheme(scheme.to_owned()))
    }

    /// The engine this URL points at.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path, if this is a SQLite URL.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    /// Whether every connection gets its own private database (SQLite `:memory:`).
    pub fn is_in_memory(&self) -> bool {
        self.backend == Backend::Sqlite && self.target == ":memory:"
    }

    /// Opens one connection of the right variant and, for SQLite, applies the pragmas every
    /// connection needs (WAL, busy timeout, foreign keys).
    pub fn establish(&self) -> Result<AnyConnection, diesel::ConnectionError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(AnyConnection::Pg),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    /// The URL with any password replaced, safe to log.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_password(&self.target),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Applied to every SQLite connection: WAL lets readers run beside the writer, the busy timeout
/// makes concurrent writers wait instead of failing, and foreign keys are off unless asked for.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme() {
        let pg = DatabaseUrl::parse("postgres://u:p@h:5432/db").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            Backend::Postgres
        );
        let file = DatabaseUrl::parse("sqlite://./data/owp.db").unwrap();
        assert_eq!(file.sqlite_path(), Some("./data/owp.db"));
        assert!(!file.is_in_memory());
        assert!(
            DatabaseUrl::parse("sqlite::memory:")
                .unwrap()
                .is_in_memory()
        );
    }

    #[test]
    fn refuses_unknown_schemes_and_empty_paths() {
        assert_eq!(
            DatabaseUrl::parse("mysql://x").unwrap_err(),
            UrlError::UnknownScheme("mysql".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://").unwrap_err(),
            UrlError::EmptySqlitePath
        );
    }

    #[test]
    fn redacts_passwords_only() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/app").unwrap();
        assert_eq!(url.redacted(), "postgres://app:***@db:5432/app");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DatabaseUrl::parse("postgres://app@db/app").unwrap();
        assert_eq!(url.redacted(), "postgres://app@db/app");
    }
}
