//! [`WorkshopError`]: the one error type of this crate, mapped to HTTP in one gateway file.

use owp_db::StoreError;
use owp_rbac::visibility::Refusal;

/// Why a workshop operation was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkshopError {
    /// A field breaks a rule (`field`, `message`): 422.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// The caller may see the object but not do this to it: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The object does not exist or the caller may not see it: 404.
    #[error("not found")]
    NotFound,
    /// The change clashes with stored data (a project with content, the last owner): 409.
    #[error("{0}")]
    Conflict(String),
    /// An update was based on an older version than the stored one: 409, nothing written.
    #[error("the prompt is at version {current}, not {base}; reload it and apply the change again")]
    StaleVersion {
        /// The version the caller based the change on.
        base: i64,
        /// The stored version.
        current: i64,
    },
    /// The store failed (a unique name or command taken is `Conflict` naming the column).
    #[error(transparent)]
    Store(StoreError),
}

impl WorkshopError {
    /// A field breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        WorkshopError::Invalid(field.into(), message.into())
    }
}

impl From<StoreError> for WorkshopError {
    /// "Not found" from the store is the caller's 404; everything else stays a store error.
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => WorkshopError::NotFound,
            other => WorkshopError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for WorkshopError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<Refusal> for WorkshopError {
    /// The visibility rule's refusals keep their meaning: hidden 404, read-only 403, invalid 422.
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Hidden => WorkshopError::NotFound,
            Refusal::ReadOnly(message) => WorkshopError::Forbidden(message),
            Refusal::Invalid(field, message) => WorkshopError::Invalid(field, message),
            Refusal::Store(err) => err.into(),
        }
    }
}
