//! [`Database`]: the pool plus what async code needs to use it safely.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::timeout;

use crate::connection::{AnyConnection, Backend, DatabaseUrl};
use crate::error::StoreError;
use crate::migrations;
use crate::pool::{self, Pool, PoolOptions};

/// Shared handle to the database: cheap to clone, safe to use from async code.
///
/// It also remembers whether the schema is migrated, so that while the database is down (or
/// still empty) callers get [`StoreError::Unavailable`] instead of "no such table" errors.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    backend: Backend,
    schema_ready: Arc<AtomicBool>,
    migrating: Arc<Mutex<()>>,
    /// One permit per pooled connection: callers beyond the pool wait here, asynchronously,
    /// instead of each parking a blocking thread on the pool (hundreds of threads, their memory
    /// and their start-up time, under a burst of requests).
    permits: Arc<Semaphore>,
    acquire_timeout: Duration,
}

/// What `/readyz` reports about the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Readiness {
    /// Which engine is configured.
    pub backend: Backend,
    /// Whether a connection could be had and answered.
    pub reachable: bool,
    /// Migrations not applied yet (`None` when the database could not be asked).
    pub pending_migrations: Option<usize>,
    /// Why the database is not ready, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Readiness {
    /// Ready means reachable with every migration applied.
    pub fn is_ready(&self) -> bool {
        self.reachable && self.pending_migrations == Some(0)
    }
}

impl Database {
    /// Creates the pool without connecting: start-up never fails because the database is down.
    pub fn new(url: &DatabaseUrl, options: PoolOptions) -> Self {
        let pool = pool::build(url, options);
        let permits = usize::try_from(pool.max_size()).unwrap_or(1);
        Self {
            pool,
            backend: url.backend(),
            schema_ready: Arc::new(AtomicBool::new(false)),
            migrating: Arc::new(Mutex::new(())),
            permits: Arc::new(Semaphore::new(permits)),
            acquire_timeout: options.acquire_timeout,
        }
    }

    /// The configured engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Pool size and idle connections, for the metrics endpoint.
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// Whether migrations have completed in this process.
    pub fn schema_ready(&self) -> bool {
        self.schema_ready.load(Ordering::Acquire)
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, so async workers never
    /// wait on the database. Refuses with [`StoreError::Unavailable`] until migrations have run.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if !self.schema_ready() {
            return Err(
                StoreError::Unavailable("database schema is not migrated yet".into()).into(),
            );
        }
        let permit = timeout(self.acquire_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                StoreError::Unavailable("no database connection came free in time".into())
            })?
            .map_err(|_| StoreError::Unavailable("the database is shutting down".into()))?;
        let pool = self.pool.clone();
        spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool.get().map_err(StoreError::from)?;
            let outcome = work(&mut conn);
            conn.used(outcome.is_err());
            outcome
        })
        .await?
    }

    /// Applies pending migrations (one caller at a time in this process; PostgreSQL also locks
    /// across replicas) and marks the schema ready. Waits at most `wait` for a connection.
    /// Returns how many migrations ran.
    pub async fn migrate_within(&self, wait: Duration) -> Result<usize, StoreError> {
        let this = self.clone();
        spawn_blocking(move || {
            let _guard = this.migrating.lock().unwrap_or_else(|p| p.into_inner());
            if this.schema_ready() {
                return Ok(0);
            }
            let mut conn = this.pool.get_timeout(wait)?;
            let applied = migrations::run_migrations(&mut conn);
            conn.used(applied.is_err());
            let applied = applied?;
            this.schema_ready.store(true, Ordering::Release);
            Ok(applied)
        })
        .await?
    }

    /// Pings the database within `timeout` and counts pending migrations.
    pub async fn readiness(&self, timeout: Duration) -> Readiness {
        let pool = self.pool.clone();
        let backend = self.backend;
        let probe = spawn_blocking(move || {
            let mut conn = pool.get_timeout(timeout)?;
            let pending = migrations::pending_migrations(&mut conn);
            conn.used(pending.is_err());
            pending
        })
        .await
        .and_then(|r| r);
        match probe {
            Ok(pending) => Readiness {
                backend,
                reachable: true,
                pending_migrations: Some(pending),
                error: (pending > 0).then(|| format!("{pending} migration(s) not applied yet")),
            },
            Err(err) => Readiness {
                backend,
                reachable: false,
                pending_migrations: None,
                error: Some(err.to_string()),
            },
        }
    }
}

/// Runs CPU-heavy `work` (argon2) on the blocking pool, so it never stalls an async worker and
/// holds no pooled connection while it runs.
pub async fn spawn_blocking<T, F>(work: F) -> Result<T, StoreError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Internal(format!("database task failed: {e}")))
}
