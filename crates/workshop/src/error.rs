//! [`WorkshopError`]: the one error type of this crate.

use owp_db::StoreError;

/// Why a workshop operation was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkshopError {
    /// A field breaks a rule (`field`, `message`).
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// Metering refused or failed.
    #[error(transparent)]
    Metering(#[from] owp_metering::MeteringError),
    /// The store failed (including "not found" for objects the caller may not see).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for WorkshopError {
    fn from(err: diesel::result::Error) -> Self {
        WorkshopError::Store(err.into())
    }
}
