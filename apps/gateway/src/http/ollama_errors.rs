//! How Ollama failures become HTTP answers: a missing model is 404, Ollama down is 503, a slow
//! Ollama is 504, anything else it got wrong is 502 — each saying that Ollama is the cause.

use owp_ollama_client::OllamaError;

use super::problem::ApiError;

impl From<OllamaError> for ApiError {
    fn from(err: OllamaError) -> Self {
        match err {
            OllamaError::ModelNotFound { model } => {
                ApiError::NotFound(format!("model {model:?} is not installed in Ollama"))
            }
            OllamaError::Unreachable(cause) => {
                tracing::warn!(%cause, "Ollama unreachable");
                ApiError::UpstreamUnavailable(format!(
                    "Ollama is unreachable ({cause}); try again when it is back"
                ))
            }
            OllamaError::Timeout => {
                ApiError::UpstreamTimeout("Ollama did not answer in time".into())
            }
            OllamaError::Upstream { status, message } => {
                ApiError::BadGateway(format!("Ollama answered {status}: {message}"))
            }
            OllamaError::Interrupted(cause) => {
                ApiError::BadGateway(format!("Ollama's answer broke off: {cause}"))
            }
            OllamaError::Malformed(cause) => {
                ApiError::BadGateway(format!("Ollama's answer was malformed: {cause}"))
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}
