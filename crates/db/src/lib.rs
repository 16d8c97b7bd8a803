//! Data layer of the Ollama Workshop Platform.
//!
//! Owns everything that touches the database engine itself, so that domain crates only write
//! portable diesel queries against [`schema`]: the runtime choice between SQLite and PostgreSQL
//! ([`AnyConnection`], picked from the URL), the connection pool with SQLite's pragmas, the
//! embedded migrations of both dialects, typed ids, UTC time, paging and [`StoreError`], the one
//! error type every store function returns so callers can tell "not found", "conflict",
//! "dangling reference" and "database down" apart on both backends — and the canonical
//! spelling of model names ([`model_name`]), the one identifier that comes from outside.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod backup;
mod canonical_names;
mod connection;
mod database;
mod error;
pub mod ids;
mod migrations;
pub mod model_name;
mod paging;
mod pool;
pub mod schema;
pub mod text_search;
pub mod time;
mod transaction;

pub use backup::{
    BackupError, BackupSummary, backup_sqlite, check_sqlite_file, pg_dump_command,
    pg_restore_command, restore_sqlite,
};
pub use connection::{AnyBackend, AnyConnection, Backend, DatabaseUrl, UrlError};
pub use database::{Database, Readiness, spawn_blocking};
pub use error::StoreError;
pub use migrations::{pending_migrations, run_migrations};
pub use paging::{Page, PageError, Paged};
pub use pool::{ConnectionManager, Pool, PoolOptions, TrackedConnection};
pub use transaction::write_transaction;
