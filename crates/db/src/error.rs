//! [`StoreError`]: what went wrong in the store, in terms a caller can act on.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

/// The one error type of store functions. Callers map it to HTTP (404, 409, 503, …) without
/// looking at engine-specific messages; this type does that parsing once for both backends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; `field` names the column(s), e.g. `slug`.
    #[error("{field} is already taken")]
    Conflict {
        /// The column (or comma-separated columns) whose value already exists.
        field: String,
    },
    /// A foreign key refused the write: a referenced row is missing, or a row still referenced
    /// was to be deleted. `field` names the column where the engine says so (PostgreSQL).
    #[error("a referenced record does not exist or is still in use")]
    ForeignKey {
        /// The referencing column, when the engine reports it.
        field: Option<String>,
    },
    /// The database cannot be reached, is busy, or has no schema yet; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or an unexpected engine answer.
    #[error("database error: {0}")]
    Internal(String),
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(kind, info) => from_database_error(kind, info.as_ref()),
            DieselError::BrokenTransactionManager => {
                StoreError::Unavailable("connection is in a broken state".into())
            }
            other => StoreError::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(err: r2d2::Error) -> Self {
        StoreError::Unavailable(err.to_string())
    }
}

fn from_database_error(kind: DatabaseErrorKind, info: &dyn DatabaseErrorInformation) -> StoreError {
    match kind {
        DatabaseErrorKind::UniqueViolation => StoreError::Conflict {
            field: violated_columns(info).unwrap_or_else(|| "value".to_owned()),
        },
        DatabaseErrorKind::ForeignKeyViolation => StoreError::ForeignKey {
            field: violated_columns(info),
        },
        DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
            StoreError::Unavailable(info.message().to_owned())
        }
        _ if looks_unavailable(info.message()) => StoreError::Unavailable(info.message().into()),
        _ => StoreError::Internal(info.message().to_owned()),
    }
}

/// Names the constrained columns: PostgreSQL says `Key (slug)=(x) already exists.` in the
/// detail, SQLite says `UNIQUE constraint failed: organizations.slug` in the message.
fn violated_columns(info: &dyn DatabaseErrorInformation) -> Option<String> {
    if let Some(detail) = info.details() {
        let start = detail.find("Key (")? + "Key (".len();
        let end = detail[start..].find(")=")? + start;
        return Some(detail[start..end].to_owned());
    }
    let (_, columns) = info.message().split_once("constraint failed: ")?;
    let names: Vec<&str> = columns
        .split(',')
        .map(|c| c.trim().rsplit('.').next().unwrap_or(c))
        .collect();
    Some(names.join(", "))
}

/// Engine messages that mean "try again later" rather than "your query is wrong".
fn looks_unavailable(message: &str) -> bool {
    const MARKERS: [&str; 7] = [
        "database is locked",
        "database is busy",
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "could not connect",
        "the database system is",
    ];
    MARKERS.iter().any(|m| message.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Info {
        message: &'static str,
        details: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            self.details
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn db_error(
        kind: DatabaseErrorKind,
        message: &'static str,
        details: Option<&'static str>,
    ) -> StoreError {
        DieselError::DatabaseError(kind, Box::new(Info { message, details })).into()
    }

    #[test]
    fn names_the_column_of_a_unique_violation_on_both_dialects() {
        let sqlite = db_error(
            DatabaseErrorKind::UniqueViolation,
            "UNIQUE constraint failed: organizations.slug",
            None,
        );
        assert_eq!(
            sqlite,
            StoreError::Conflict {
                field: "slug".into()
            }
        );
        let pg = db_error(
            DatabaseErrorKind::UniqueViolation,
            "duplicate key value violates unique constraint \"organizations_slug_key\"",
            Some("Key (slug)=(default) already exists."),
        );
        assert_eq!(
            pg,
            StoreError::Conflict {
                field: "slug".into()
            }
        );
        let composite = db_error(
            DatabaseErrorKind::UniqueViolation,
            "UNIQUE constraint failed: roles.organization_id, roles.name",
            None,
        );
        assert_eq!(
            composite,
            StoreError::Conflict {
                field: "organization_id, name".into()
            }
        );
    }

    #[test]
    fn tells_busy_and_closed_connections_from_bugs() {
        let locked = db_error(DatabaseErrorKind::Unknown, "database is locked", None);
        assert!(matches!(locked, StoreError::Unavailable(_)));
        let closed = db_error(DatabaseErrorKind::ClosedConnection, "gone", None);
        assert!(matches!(closed, StoreError::Unavailable(_)));
        let syntax = db_error(DatabaseErrorKind::Unknown, "syntax error near FROM", None);
        assert!(matches!(syntax, StoreError::Internal(_)));
        assert_eq!(
            StoreError::from(DieselError::NotFound),
            StoreError::NotFound
        );
    }
}
