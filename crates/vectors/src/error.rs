//! [`VectorsError`]: the one error type of this crate, mapped to HTTP in one gateway file.

use owp_db::StoreError;

/// Why indexing or retrieval was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VectorsError {
    /// An input breaks a rule (`field`, `message`), e.g. an empty vector, a NaN component, a
    /// `top_k` of 0, vector mode without a query vector: 422.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// A vector's length differs from the generation's (learned from its first vector): 422
    /// for a query, a bug of the ingestion job for an insert.
    #[error("vector has {actual} dimensions, the index has {expected}")]
    DimensionMismatch {
        /// The generation's dimension.
        expected: usize,
        /// The offered vector's length.
        actual: usize,
    },
    /// The generation does not exist (deleted with its collection meanwhile): 404.
    #[error("not found")]
    NotFound,
    /// A stored vector cannot be read back (its blob is not a whole number of f32): a fault of
    /// the store, 500.
    #[error("stored vector of {bytes} bytes is not a sequence of f32")]
    MalformedVector {
        /// Length of the blob.
        bytes: usize,
    },
    /// The store failed (a missing chunk or document is `ForeignKey`).
    #[error(transparent)]
    Store(StoreError),
}

impl VectorsError {
    /// An input breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        VectorsError::Invalid(field.into(), message.into())
    }
}

impl From<StoreError> for VectorsError {
    /// "Not found" from the store is the caller's 404; everything else stays a store error.
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => VectorsError::NotFound,
            other => VectorsError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for VectorsError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}
