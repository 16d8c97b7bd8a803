//! [`IdentityError`]: the crate's one error type.

use owp_db::StoreError;
use owp_rbac::RbacError;

/// Why an identity operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The email is not a plausible address.
    #[error("email is not a valid address")]
    InvalidEmail,
    /// A field breaks a rule (`field`, `message`).
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The caller may see the object but not do this to it (403), e.g. granting `super_admin`
    /// without being one.
    #[error("{0}")]
    Forbidden(String),
    /// The user is not in a state that allows this (e.g. approving an active user).
    #[error("{0}")]
    WrongState(String),
    /// Roles or permissions were refused.
    #[error(transparent)]
    Rbac(#[from] RbacError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for IdentityError {
    fn from(err: diesel::result::Error) -> Self {
        IdentityError::Store(err.into())
    }
}
