//! How domain errors become HTTP answers.

use owp_identity::IdentityError;
use owp_rbac::RbacError;

use super::problem::ApiError;

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::InvalidEmail => {
                ApiError::invalid_field("email", "is not a valid address")
            }
            IdentityError::Invalid(field, message) => ApiError::invalid_field(field, message),
            IdentityError::WrongState(message) => ApiError::Conflict {
                detail: message,
                errors: Vec::new(),
            },
            IdentityError::Rbac(err) => err.into(),
            IdentityError::Store(err) => err.into(),
        }
    }
}

impl From<RbacError> for ApiError {
    fn from(err: RbacError) -> Self {
        match err {
            RbacError::UnknownPermission(p) => {
                ApiError::invalid_field("permissions", format!("unknown permission {p:?}"))
            }
            RbacError::UnknownRole(r) => {
                ApiError::invalid_field("roles", format!("unknown role {r:?}"))
            }
            RbacError::SystemRole => {
                ApiError::Forbidden("system roles cannot be changed or deleted".into())
            }
            RbacError::InvalidName => ApiError::invalid_field("name", err.to_string()),
            RbacError::Store(err) => err.into(),
        }
    }
}

// --- owp-metering (crate split, issue 11) ---------------------------------------------------

impl From<owp_metering::MeteringError> for ApiError {
    fn from(err: owp_metering::MeteringError) -> Self {
        match err {
            owp_metering::MeteringError::Invalid(field, message) => {
                ApiError::invalid_field(field, message)
            }
            owp_metering::MeteringError::OverBudget {
                detail,
                retry_after,
            } => ApiError::TooManyRequests {
                detail,
                retry_after,
            },
            owp_metering::MeteringError::Store(err) => err.into(),
        }
    }
}

// --- owp-chat (crate split, issue 11) --------------------------------------------------------

/// Chat and model-call errors: 422 naming the field, 403 for what is not granted, 404 for a
/// conversation that is not the caller's, Ollama's failures as `ollama_errors.rs` maps them
/// (404 model, 503 down, 504 slow, 502 wrong), 502 for a stream that broke off, 429 for a
/// used-up budget.
impl From<owp_chat::ChatError> for ApiError {
    fn from(err: owp_chat::ChatError) -> Self {
        use owp_chat::ChatError;
        match err {
            ChatError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            ChatError::NotGranted(detail) => ApiError::Forbidden(detail),
            ChatError::NotFound(detail) => ApiError::NotFound(detail),
            ChatError::Ollama(err) => err.into(),
            ChatError::Broken(detail) => ApiError::BadGateway(detail),
            ChatError::Metering(err) => err.into(),
            ChatError::Store(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod chat_error_tests {
    use owp_chat::ChatError;
    use owp_ollama_client::OllamaError;

    use super::ApiError;

    /// A cut-off reply stores the chat error's text; the client is told the API's. They agree.
    #[test]
    fn ollama_failures_read_the_same_stored_and_answered() {
        let failures = || {
            [
                OllamaError::ModelNotFound { model: "m".into() },
                OllamaError::Unreachable("refused".into()),
                OllamaError::Timeout,
                OllamaError::Upstream {
                    status: 500,
                    message: "boom".into(),
                },
                OllamaError::Interrupted("eof".into()),
                OllamaError::Malformed("x".into()),
            ]
        };
        for (stored, answered) in failures().into_iter().zip(failures()) {
            assert_eq!(
                ChatError::Ollama(stored).to_string(),
                ApiError::from(ChatError::Ollama(answered)).to_string()
            );
        }
    }
}
