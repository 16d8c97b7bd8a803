//! [`ChatError`]: the one error type of this crate.

use owp_db::StoreError;
use owp_metering::MeteringError;
use owp_ollama_client::OllamaError;
use owp_workshop::WorkshopError;

/// Why a chat operation or model call was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// A field breaks a rule (`field`, `message`).
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// The caller may not use this model or tool.
    #[error("{0}")]
    NotGranted(String),
    /// The named object does not exist or is not the caller's.
    #[error("{0}")]
    NotFound(String),
    /// Ollama failed; the message says so (the same text the API answers with).
    #[error("{}", describe_ollama(.0))]
    Ollama(OllamaError),
    /// Ollama's stream ended without its final piece.
    #[error("{0}")]
    Broken(String),
    /// A budget is used up, or metering failed.
    #[error(transparent)]
    Metering(#[from] MeteringError),
    /// A tool or agent of the call was refused (unknown, invisible, not granted, inactive).
    #[error(transparent)]
    Workshop(#[from] WorkshopError),
    /// The store failed (including "not found" for objects the caller may not see).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ChatError {
    /// A field breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ChatError::Invalid(field.into(), message.into())
    }
}

impl From<OllamaError> for ChatError {
    fn from(err: OllamaError) -> Self {
        ChatError::Ollama(err)
    }
}

impl From<diesel::result::Error> for ChatError {
    fn from(err: diesel::result::Error) -> Self {
        ChatError::Store(err.into())
    }
}

/// What a client is told about an Ollama failure (and what a cut-off reply stores): a missing
/// model, Ollama down, slow, or wrong — each saying that Ollama is the cause.
pub fn describe_ollama(err: &OllamaError) -> String {
    match err {
        OllamaError::ModelNotFound { model } => {
            format!("model {model:?} is not installed in Ollama")
        }
        OllamaError::Unreachable(cause) => {
            format!("Ollama is unreachable ({cause}); try again when it is back")
        }
        OllamaError::Timeout => "Ollama did not answer in time".into(),
        OllamaError::Upstream { status, message } => {
            format!("Ollama answered {status}: {message}")
        }
        OllamaError::Interrupted(cause) => format!("Ollama's answer broke off: {cause}"),
        OllamaError::Malformed(cause) => format!("Ollama's answer was malformed: {cause}"),
        other => other.to_string(),
    }
}
