//! The crate's one error type and the rules that map transport failures and Ollama's answers
//! onto it.
//!
//! Policy: every failure is classified by what the caller should do about it, not by which
//! library noticed it. Connection failures (refused, DNS, reset before an answer) are
//! [`OllamaError::Unreachable`]; a stalled read is [`OllamaError::Timeout`]; a 404 that names a
//! model is [`OllamaError::ModelNotFound`]; any other non-2xx, and an `{"error": ...}` line inside
//! a stream, is [`OllamaError::Upstream`] carrying Ollama's own text; a body that breaks off is
//! [`OllamaError::Interrupted`]; a body that does not parse is [`OllamaError::Malformed`].

use std::error::Error as _;

use serde::Deserialize;

/// Shorthand for results of this crate.
pub type Result<T, E = OllamaError> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Ollama, split so the gateway can answer precisely
/// (404 for a missing model, 503 when Ollama is down, 502/504 for upstream trouble).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OllamaError {
    /// The configuration (base URL, timeout) is unusable; raised at start-up, never per call.
    #[error("invalid Ollama client configuration: {0}")]
    InvalidConfig(String),
    /// Ollama could not be reached: connection refused, DNS failure, connect timeout, or the
    /// connection dropped before any answer arrived.
    #[error("Ollama is unreachable: {0}")]
    Unreachable(String),
    /// Ollama accepted the request but stayed silent longer than the read timeout.
    #[error("Ollama did not answer within the read timeout")]
    Timeout,
    /// Ollama does not have the requested model installed (it answered 404 naming the model).
    #[error("model {model:?} is not available in Ollama")]
    ModelNotFound {
        /// The model name the request asked for.
        model: String,
    },
    /// Ollama answered with a failure: a non-2xx status, or an error line inside a stream
    /// (then `status` is the stream's own, successful, status).
    #[error("Ollama answered {status}: {message}")]
    Upstream {
        /// HTTP status of Ollama's response.
        status: u16,
        /// Ollama's error text (the `error` field of its JSON, else the raw body).
        message: String,
    },
    /// A streamed answer broke off: the connection dropped mid-body or the stream ended before
    /// its final message.
    #[error("Ollama's answer was interrupted: {0}")]
    Interrupted(String),
    /// Ollama's answer did not have the expected shape.
    #[error("Ollama's answer could not be parsed: {0}")]
    Malformed(String),
    /// The request could not be encoded or built (a bug in the caller, not an Ollama failure).
    #[error("the request to Ollama could not be built: {0}")]
    InvalidRequest(String),
}

/// Ollama's error body: `{"error": "..."}`.
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    pub(crate) error: String,
}

/// Longest slice of a non-JSON error body kept in [`OllamaError::Upstream`].
const MAX_RAW_MESSAGE: usize = 512;

impl OllamaError {
    /// Classifies a transport error from `reqwest`.
    pub(crate) fn from_reqwest(err: &reqwest::Error) -> Self {
        let detail = describe(err);
        if err.is_connect() {
            Self::Unreachable(detail)
        } else if err.is_timeout() {
            Self::Timeout
        } else if err.is_builder() {
            Self::InvalidRequest(detail)
        } else if err.is_body() || err.is_decode() {
            // This crate never asks reqwest to decode (no `.json()`, no compression), so its
            // "decode" errors are body reads that broke off, like its "body" errors.
            Self::Interrupted(detail)
        } else {
            Self::Unreachable(detail)
        }
    }

    /// Classifies a non-2xx answer from its status, its body and the model the request named.
    pub(crate) fn from_status(status: u16, body: &[u8], model: Option<&str>) -> Self {
        let message = error_message(body);
        match model {
            Some(model) if status == 404 && message.contains("not found") => Self::ModelNotFound {
                model: model.to_owned(),
            },
            _ => Self::Upstream { status, message },
        }
    }
}

/// Ollama's error text: the `error` field when the body is Ollama's JSON, else the trimmed raw
/// body (cut to a sane length).
pub(crate) fn error_message(body: &[u8]) -> String {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        return parsed.error;
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(MAX_RAW_MESSAGE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "(empty body)".to_owned(),
        None => text.to_owned(),
    }
}

/// The error's kind, URL and causes on one line, since `reqwest`'s own message hides the cause.
fn describe(err: &reqwest::Error) -> String {
    let mut text = kind_of(err).to_owned();
    if let Some(url) = err.url() {
        text.push_str(&format!(" ({url})"));
    }
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn kind_of(err: &reqwest::Error) -> &'static str {
    if err.is_connect() {
        "connection failed"
    } else if err.is_timeout() {
        "timed out"
    } else if err.is_body() || err.is_decode() {
        "reading the body failed"
    } else if err.is_builder() {
        "building the request failed"
    } else {
        "request failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_naming_a_model_is_model_not_found() {
        let body = br#"{"error":"model \"llama9\" not found, try pulling it first"}"#;
        let err = OllamaError::from_status(404, body, Some("llama9"));
        assert!(matches!(err, OllamaError::ModelNotFound { ref model } if model == "llama9"));
    }

    #[test]
    fn plain_404_without_model_context_is_upstream() {
        let err = OllamaError::from_status(404, b"404 page not found", None);
        assert!(
            matches!(err, OllamaError::Upstream { status: 404, ref message } if message == "404 page not found")
        );
    }

    #[test]
    fn other_statuses_carry_ollamas_message() {
        let err = OllamaError::from_status(500, br#"{"error":"out of memory"}"#, Some("m"));
        assert!(
            matches!(err, OllamaError::Upstream { status: 500, ref message } if message == "out of memory")
        );
    }

    #[test]
    fn raw_bodies_are_trimmed_and_cut() {
        assert_eq!(error_message(b"  boom \n"), "boom");
        assert_eq!(error_message(b""), "(empty body)");
        let long = "x".repeat(2_000);
        let message = error_message(long.as_bytes());
        assert_eq!(message.chars().count(), MAX_RAW_MESSAGE + 1);
        assert!(message.ends_with('…'));
    }
}
