//! [`write_transaction`]: the transaction every change runs in.
//!
//! On SQLite a plain `BEGIN` is deferred: the transaction reads under a snapshot and asks for
//! the write lock only at its first write. If another connection committed in between (a
//! background job, another request), SQLite cannot upgrade the stale snapshot and answers
//! `database is locked` at once — the busy timeout does not apply — so a read-then-write
//! operation failed whenever a job wrote beside it. `BEGIN IMMEDIATE` takes the write lock up
//! front and waits for it under the busy timeout instead. Readers are unaffected (WAL); writers
//! were serialised by SQLite anyway. PostgreSQL keeps its ordinary `BEGIN`; nested calls are
//! savepoints on both.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::result::Error;

use crate::AnyConnection;

/// Runs `work` in a transaction that writes: committed when it returns `Ok`, rolled back on
/// `Err`. See the module documentation for why SQLite's is `BEGIN IMMEDIATE`.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<Error>,
{
    let outermost_sqlite = match conn {
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?
                .is_none()
        }
        AnyConnection::Pg(_) => false,
    };
    if !outermost_sqlite {
        return conn.transaction(work);
    }
    if let AnyConnection::Sqlite(inner) = conn {
        AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    }
    let outcome = work(conn);
    let AnyConnection::Sqlite(inner) = conn else {
        return outcome;
    };
    match outcome {
        Ok(value) => {
            if let Err(commit) = AnsiTransactionManager::commit_transaction(inner) {
                // A failed COMMIT leaves the transaction open: end it before answering.
                let _ = AnsiTransactionManager::rollback_transaction(inner);
                return Err(commit.into());
            }
            Ok(value)
        }
        Err(err) => match AnsiTransactionManager::rollback_transaction(inner) {
            Ok(()) | Err(Error::BrokenTransactionManager) => Err(err),
            Err(rollback) => Err(rollback.into()),
        },
    }
}
