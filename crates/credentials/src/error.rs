//! [`CredentialError`]: the one error type of this crate.

use owp_db::StoreError;

/// Why a credential could not be created or changed. None of the variants carries a secret, so
/// the error can be logged and shown as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A new password breaks the password rules; `reason` is fit to show to the user (422).
    #[error("password {reason}")]
    WeakPassword {
        /// What rule it breaks, e.g. "must be at least 8 characters".
        reason: String,
    },
    /// argon2 refused to hash (e.g. the system's random source failed); a server-side fault.
    #[error("hashing failed: {0}")]
    Hashing(String),
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lets `conn.transaction(..)` return this error, so callers can issue a key inside a larger
/// transaction of their own.
impl From<diesel::result::Error> for CredentialError {
    fn from(err: diesel::result::Error) -> Self {
        CredentialError::Store(err.into())
    }
}
