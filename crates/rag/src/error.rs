//! [`RagError`]: the one error type of this crate, mapped to HTTP in one gateway file.

use owp_db::StoreError;
use owp_rbac::visibility::Refusal;

/// Why a RAG operation was refused or failed. (Not `Clone`: it carries the chat pipeline's
/// error, which holds Ollama's.)
#[derive(Debug, thiserror::Error)]
pub enum RagError {
    /// A field breaks a rule (`field`, `message`): 422.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// The caller may see the RAG system but not do this to it: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The RAG system does not exist or the caller may not see it: 404.
    #[error("not found")]
    NotFound,
    /// Retrieval failed (a collection's search; grants of its embedding model; Ollama).
    #[error(transparent)]
    Vectors(owp_vectors::VectorsError),
    /// The chat turn failed (grants of the chat model, budget, Ollama).
    #[error(transparent)]
    Chat(owp_chat::ChatError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl RagError {
    /// A field breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        RagError::Invalid(field.into(), message.into())
    }
}

impl From<StoreError> for RagError {
    /// "Not found" from the store is the caller's 404; everything else stays a store error.
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => RagError::NotFound,
            other => RagError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for RagError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<Refusal> for RagError {
    /// The visibility rule's refusals keep their meaning: hidden 404, read-only 403, invalid 422.
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Hidden => RagError::NotFound,
            Refusal::ReadOnly(message) => RagError::Forbidden(message),
            Refusal::Invalid(field, message) => RagError::Invalid(field, message),
            Refusal::Store(err) => err.into(),
        }
    }
}

impl From<owp_vectors::VectorsError> for RagError {
    fn from(err: owp_vectors::VectorsError) -> Self {
        RagError::Vectors(err)
    }
}

impl From<owp_chat::ChatError> for RagError {
    fn from(err: owp_chat::ChatError) -> Self {
        RagError::Chat(err)
    }
}
