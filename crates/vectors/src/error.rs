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
    /// The object does not exist or the caller may not see it: 404.
    #[error("not found")]
    NotFound,
    /// An upload's type cannot be extracted (the detected type is named): 415.
    #[error("{0}")]
    Unsupported(String),
    /// The caller may see the object but not do this to it: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The caller is not granted the model this needs (named): 403.
    #[error("{0}")]
    NotGranted(String),
    /// A stored vector cannot be read back (its blob is not a whole number of f32): a fault of
    /// the store, 500.
    #[error("stored vector of {bytes} bytes is not a sequence of f32")]
    MalformedVector {
        /// Length of the blob.
        bytes: usize,
    },
    /// Ollama could not embed the query (unreachable, model missing, …): mapped like every
    /// other Ollama failure.
    #[error(transparent)]
    Ollama(OllamaFailure),
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

impl From<owp_rbac::visibility::Refusal> for VectorsError {
    /// The visibility rule's refusals keep their meaning: hidden 404, read-only 403, invalid 422.
    fn from(refusal: owp_rbac::visibility::Refusal) -> Self {
        use owp_rbac::visibility::Refusal;
        match refusal {
            Refusal::Hidden => VectorsError::NotFound,
            Refusal::ReadOnly(message) => VectorsError::Forbidden(message),
            Refusal::Invalid(field, message) => VectorsError::Invalid(field, message),
            Refusal::Store(err) => err.into(),
        }
    }
}

impl From<diesel::result::Error> for VectorsError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

/// An Ollama failure carried by [`VectorsError`] (which is `Clone` and comparable, the client's
/// error is neither): shared, compared by its message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct OllamaFailure(pub std::sync::Arc<owp_ollama_client::OllamaError>);

impl PartialEq for OllamaFailure {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for OllamaFailure {}

impl From<owp_ollama_client::OllamaError> for VectorsError {
    fn from(err: owp_ollama_client::OllamaError) -> Self {
        VectorsError::Ollama(OllamaFailure(std::sync::Arc::new(err)))
    }
}
