//! The r2d2 pool of [`AnyConnection`]s.

use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::r2d2::R2D2Connection;

use crate::connection::{AnyConnection, DatabaseUrl};

/// The pool every request borrows its connection from.
pub type Pool = r2d2::Pool<ConnectionManager>;

/// Opens connections of the variant the URL names, with SQLite pragmas applied, so a pooled
/// connection is always configured and a failed connect reports the engine's own error.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    /// A manager for this URL.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        self.url
            .establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    /// PostgreSQL connections are pinged at check-out (the server may have closed one while it
    /// sat idle); a SQLite connection is a file handle that cannot go stale, so it is not asked
    /// anything (the ping was a parse and a step on every database call).
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        match conn {
            AnyConnection::Pg(c) => diesel::sql_query("SELECT 1")
                .execute(c)
                .map(drop)
                .map_err(diesel::r2d2::Error::QueryError),
            AnyConnection::Sqlite(_) => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        match conn {
            AnyConnection::Pg(c) => c.is_broken(),
            AnyConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

/// Pool sizing; the defaults suit one replica on a small machine.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// Most connections open at once (forced to 1 for SQLite `:memory:`).
    pub max_size: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Builds the pool without connecting, so the process starts (and serves `/healthz`) even while
/// the database is down; connections are opened on first use.
pub(crate) fn build(url: &DatabaseUrl, options: PoolOptions) -> Pool {
    let max_size = if url.is_in_memory() {
        1
    } else {
        options.max_size.max(1)
    };
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(options.acquire_timeout)
        .test_on_check_out(true)
        .build_unchecked(ConnectionManager::new(url.clone()))
}
