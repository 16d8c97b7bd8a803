//! [`IdentityError`]: the crate's one error type, for every operation from sign-in to
//! invitations, so the gateway maps it in one place.

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
    /// Unknown, malformed, expired or revoked credentials: an access token, a session, an API
    /// key or a refresh token (401; the reason is safe to show).
    #[error("{0}")]
    Unauthenticated(String),
    /// The account exists but may not act (pending, disabled, rejected): 401.
    #[error("the account is {0}")]
    Inactive(String),
    /// A used refresh token came back: its session has been revoked (401).
    #[error("the refresh token was already used; the session has been revoked")]
    RefreshReused,
    /// No invitation has this token (404).
    #[error("no invitation matches this token")]
    UnknownInvitation,
    /// The invitation was accepted, revoked or has expired (410).
    #[error("this invitation is {0}")]
    SpentInvitation(&'static str),
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
