//! [`MeteringError`]: the one error type of this crate.

use owp_db::StoreError;

/// Why a metering operation was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeteringError {
    /// A field breaks a rule (`field`, `message`).
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// A token budget of the caller is used up; `detail` names it and when it resets.
    #[error("{detail}")]
    OverBudget {
        /// Which budget, how much was spent, when it resets.
        detail: String,
        /// Seconds until the budget resets (at least 1).
        retry_after: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for MeteringError {
    fn from(err: diesel::result::Error) -> Self {
        MeteringError::Store(err.into())
    }
}
