//! [`DocumentsError`]: the one error type of this crate.

/// Why a document was refused.
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
    /// A setting is out of its range (the field, e.g. `chunking.size`, and what it must be):
    /// the request is refused with 422 before anything is stored.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
}
