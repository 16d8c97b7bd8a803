//! Embedded migrations of both dialects, run on the concrete connection (diesel's migration
//! harness is not implemented for the multi-backend connection).

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::AnyConnection;
use crate::error::StoreError;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Key of the PostgreSQL advisory lock that keeps replicas starting together from running the
/// same migration twice.
const MIGRATION_LOCK_KEY: i64 = 0x006f_7770_5f6d_6967;

/// Applies every pending migration, then the data migrations that need Rust rules
/// ([`crate::canonical_names`]); returns how many schema migrations ran. Running it again
/// applies nothing. On PostgreSQL an advisory lock keeps replicas from running either twice.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    if let AnyConnection::Pg(c) = conn {
        let lock = format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})");
        diesel::sql_query(lock).execute(c)?;
    }
    let applied = apply(conn);
    if let AnyConnection::Pg(c) = conn {
        let unlock = format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})");
        diesel::sql_query(unlock).execute(c)?;
    }
    applied
}

fn apply(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    let applied = match conn {
        AnyConnection::Pg(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
    }
    .map_err(migration_error)?;
    apply_data_migrations(conn)?;
    Ok(applied)
}

/// Migrating is an edge like a handler (it runs at start-up and from `owp migrate`), so it reads
/// the clock itself; the time is only the `applied_at` stamp in `data_migrations`, as diesel
/// stamps `run_on` of schema migrations with the database's own clock.
#[expect(
    clippy::disallowed_methods,
    reason = "the migration runner is an edge; the time only stamps data_migrations.applied_at"
)]
fn apply_data_migrations(conn: &mut AnyConnection) -> Result<(), StoreError> {
    crate::canonical_names::apply_once(conn, crate::time::now())?;
    Ok(())
}

/// How many migrations have not run yet; `/readyz` is not ready while this is above zero.
pub fn pending_migrations(conn: &mut AnyConnection) -> Result<usize, StoreError> {
    match conn {
        AnyConnection::Pg(c) => c.pending_migrations(POSTGRES).map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.pending_migrations(SQLITE).map(|v| v.len()),
    }
    .map_err(migration_error)
}

/// Migration failures come as boxed errors; a diesel error inside is classified as usual so an
/// unreachable database still reads as [`StoreError::Unavailable`].
fn migration_error(err: Box<dyn std::error::Error + Send + Sync>) -> StoreError {
    match err.downcast::<diesel::result::Error>() {
        Ok(diesel_err) => StoreError::from(*diesel_err),
        Err(other) => StoreError::Internal(format!("migration failed: {other}")),
    }
}
