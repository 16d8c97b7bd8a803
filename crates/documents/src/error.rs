//! [`DocumentsError`]: the one error type of this crate, mapped to HTTP in one gateway file.

use owp_db::StoreError;
use owp_rbac::visibility::Refusal;

/// Why a document was refused or an operation on one failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentsError {
    /// The content is of a type the platform cannot extract text from (the detected media
    /// type is named): 415.
    #[error("unsupported document type {0}: upload plain text, markdown, HTML, PDF or DOCX")]
    UnsupportedType(String),
    /// The file claims a format but its content is broken (the reason says where): the
    /// document is stored as `failed` with this reason.
    #[error("the document could not be read: {0}")]
    Malformed(String),
    /// A field breaks a rule (`field`, `message`): 422.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// The caller may see the document but not do this to it: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The document does not exist or the caller may not see it: 404.
    #[error("not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl DocumentsError {
    /// A field breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DocumentsError::Invalid(field.into(), message.into())
    }
}

impl From<StoreError> for DocumentsError {
    /// "Not found" from the store is the caller's 404; everything else stays a store error.
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => DocumentsError::NotFound,
            other => DocumentsError::Store(other),
        }
    }
}

impl From<diesel::result::Error> for DocumentsError {
    fn from(err: diesel::result::Error) -> Self {
        StoreError::from(err).into()
    }
}

impl From<Refusal> for DocumentsError {
    /// The visibility rule's refusals keep their meaning: hidden 404, read-only 403, invalid 422.
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Hidden => DocumentsError::NotFound,
            Refusal::ReadOnly(message) => DocumentsError::Forbidden(message),
            Refusal::Invalid(field, message) => DocumentsError::Invalid(field, message),
            Refusal::Store(err) => err.into(),
        }
    }
}
