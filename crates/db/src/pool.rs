//! The r2d2 pool of [`AnyConnection`]s.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::r2d2::R2D2Connection;

use crate::connection::{AnyConnection, DatabaseUrl};

/// The pool every request borrows its connection from.
pub type Pool = r2d2::Pool<ConnectionManager>;

/// A pooled connection with what the pool needs to decide whether to ping it at check-out:
/// when it was last handed back, and whether a connection of the pool was found dead since it
/// was last known to be alive. Derefs to [`AnyConnection`], so work closures take
/// `&mut AnyConnection` as before.
pub struct TrackedConnection {
    conn: AnyConnection,
    last_used: Instant,
    /// The pool's loss count when this connection last answered.
    answered_at_loss: u64,
    /// Found dead after a failed use: the pool drops it instead of taking it back.
    dead: bool,
    /// How many of the pool's connections were found dead so far (shared by the pool's
    /// connections): a server restart or a network cut kills them all, so after one is found
    /// dead the others are pinged before their next use.
    losses: Arc<AtomicU64>,
}

impl TrackedConnection {
    /// Records the end of a use. After a failed one a PostgreSQL connection is pinged at once: a
    /// connection whose socket the server closed fails like a refused query, and diesel does
    /// not mark it broken. One that does not answer is dropped by the pool, and every other
    /// connection of the pool is pinged before its next use.
    pub(crate) fn used(&mut self, failed: bool) {
        self.last_used = Instant::now();
        if failed && ping(&mut self.conn).is_err() {
            self.dead = true;
            self.losses.fetch_add(1, Ordering::AcqRel);
        } else {
            self.answered_at_loss = self.losses.load(Ordering::Acquire);
        }
    }

    /// Whether a check-out must ask the server first: after sitting idle for `idle_limit` or
    /// more (the server, a proxy or a restart may have closed it meanwhile), or when another
    /// connection of the pool was found dead since this one last answered.
    fn needs_ping(&self, idle_limit: Duration) -> bool {
        self.last_used.elapsed() >= idle_limit
            || self.answered_at_loss < self.losses.load(Ordering::Acquire)
    }
}

impl Deref for TrackedConnection {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for TrackedConnection {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// Asks a PostgreSQL server whether the connection still works. A SQLite connection is a file
/// handle that cannot go stale: it is never asked anything (the ping was a parse and a step).
fn ping(conn: &mut AnyConnection) -> Result<(), diesel::result::Error> {
    match conn {
        AnyConnection::Pg(c) => diesel::sql_query("SELECT 1").execute(c).map(drop),
        AnyConnection::Sqlite(_) => Ok(()),
    }
}

/// Opens connections of the variant the URL names, with SQLite pragmas applied, so a pooled
/// connection is always configured and a failed connect reports the engine's own error.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    ping_idle_after: Duration,
    losses: Arc<AtomicU64>,
}

impl ConnectionManager {
    /// A manager for this URL; connections idle for `ping_idle_after` or more are pinged at
    /// check-out.
    pub fn new(url: DatabaseUrl, ping_idle_after: Duration) -> Self {
        Self {
            url,
            ping_idle_after,
            losses: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = TrackedConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<TrackedConnection, Self::Error> {
        let conn = self
            .url
            .establish()
            .map_err(diesel::r2d2::Error::ConnectionError)?;
        Ok(TrackedConnection {
            conn,
            last_used: Instant::now(),
            answered_at_loss: self.losses.load(Ordering::Acquire),
            dead: false,
            losses: Arc::clone(&self.losses),
        })
    }

    /// A connection is pinged at check-out only when it may be stale (see
    /// [`TrackedConnection`]): a busy one answered a moment ago, and the ping was a round trip
    /// (and a backend wake-up) on every database call. The price: a connection the server
    /// closed while it was busy fails the one call that finds out (docs/decisions.md).
    fn is_valid(&self, conn: &mut TrackedConnection) -> Result<(), Self::Error> {
        if conn.needs_ping(self.ping_idle_after) {
            let losses = self.losses.load(Ordering::Acquire);
            ping(&mut conn.conn).map_err(diesel::r2d2::Error::QueryError)?;
            conn.answered_at_loss = losses;
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut TrackedConnection) -> bool {
        conn.dead
            || match &mut conn.conn {
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
    /// A PostgreSQL connection idle this long is pinged before it is handed out (so is any
    /// connection after another of the pool was found dead).
    pub ping_idle_after: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            acquire_timeout: Duration::from_secs(3),
            ping_idle_after: Duration::from_secs(1),
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
        .build_unchecked(ConnectionManager::new(url.clone(), options.ping_idle_after))
}
