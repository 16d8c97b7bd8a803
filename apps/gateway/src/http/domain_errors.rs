//! Every domain error becomes an HTTP answer here, and only here. The policy:
//!
//! - **Statuses**: 400 malformed request; 401 missing, invalid or revoked credentials and
//!   inactive accounts (with `WWW-Authenticate`); 403 signed in but not allowed (a permission, a
//!   model or tool grant, an escalation); 404 no such object — also another organization's object
//!   and a malformed id, so ids of other tenants cannot be probed; 405 with `Allow`; 409 a clash
//!   with stored data or a state that forbids the change; 410 a spent invitation; 413 too large;
//!   415 not JSON; 422 a field breaks a rule (`errors[]` names it); 429 throttled, with
//!   `Retry-After`; 502 / 503 / 504 Ollama answered wrongly / is down / too slow, saying so;
//!   503 the database is unavailable (with `Retry-After`).
//! - **What is logged**: a 500 logs its cause (with the request id, through the request span);
//!   an unavailable database or Ollama logs a warning; refusals of clients are not logged.
//! - **What a 500 hides**: its cause. The client reads "internal error" and quotes the request
//!   id; database and Ollama outages name the dependency but never connection strings.
//!
//! Routes never map errors themselves: they return a crate's error and `?` lands here.

use owp_db::StoreError;
use owp_identity::IdentityError;
use owp_ollama_client::OllamaError;
use owp_rbac::RbacError;

use super::problem::{ApiError, FieldError};

impl From<owp_rbac::Forbidden> for ApiError {
    fn from(err: owp_rbac::Forbidden) -> Self {
        ApiError::Forbidden(err.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound("not found".into()),
            StoreError::Conflict { field } => ApiError::Conflict {
                detail: format!("{field} is already taken"),
                errors: vec![FieldError {
                    field,
                    message: "already taken".into(),
                }],
            },
            StoreError::ForeignKey { field } => ApiError::Conflict {
                detail: "a referenced record does not exist or is still in use".into(),
                errors: field
                    .map(|field| FieldError {
                        field,
                        message: "references a missing or in-use record".into(),
                    })
                    .into_iter()
                    .collect(),
            },
            StoreError::Unavailable(cause) => ApiError::DatabaseUnavailable(cause),
            StoreError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

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

impl From<IdentityError> for ApiError {
    fn from(err: IdentityError) -> Self {
        let err_text = err.to_string();
        match err {
            IdentityError::InvalidEmail => {
                ApiError::invalid_field("email", "is not a valid address")
            }
            IdentityError::Invalid(field, message) => ApiError::invalid_field(field, message),
            IdentityError::Forbidden(message) => ApiError::Forbidden(message),
            IdentityError::Unauthenticated(reason) => ApiError::Unauthorized(reason),
            IdentityError::Inactive(_) | IdentityError::RefreshReused => {
                ApiError::Unauthorized(err_text)
            }
            IdentityError::UnknownInvitation => ApiError::NotFound(err_text),
            IdentityError::SpentInvitation(_) => ApiError::Gone(err_text),
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
            RbacError::UnknownTool(id) => {
                ApiError::invalid_field("allowed_tool_ids", format!("no such tool {id:?}"))
            }
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
            ChatError::Workshop(err) => err.into(),
            ChatError::Store(err) => err.into(),
        }
    }
}

// --- owp-workshop (issue 12) -----------------------------------------------------------------

/// Workshop errors: 422 naming the field (for a tool schema, the path of the fault), 404 for
/// what the caller may not see, 403 for what they see but may not change, 409 for a stale
/// version, a taken command or name, or a project that still has content.
impl From<owp_workshop::WorkshopError> for ApiError {
    fn from(err: owp_workshop::WorkshopError) -> Self {
        use owp_workshop::WorkshopError;
        let text = err.to_string();
        match err {
            WorkshopError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            WorkshopError::Forbidden(detail) => ApiError::Forbidden(detail),
            WorkshopError::NotFound => ApiError::NotFound("not found".into()),
            WorkshopError::Conflict(detail) => ApiError::Conflict {
                detail,
                errors: Vec::new(),
            },
            WorkshopError::StaleVersion { .. } => ApiError::Conflict {
                detail: text,
                errors: vec![FieldError {
                    field: "base_version".into(),
                    message: "is not the current version".into(),
                }],
            },
            WorkshopError::Store(err) => err.into(),
        }
    }
}

// --- owp-documents (issue 13) ----------------------------------------------------------------

/// Document errors: 415 naming the detected type, 422 naming the field (a malformed file is
/// not an error here: it is stored as a failed document), 404 for what the caller may not see,
/// 403 for what they see but may not change.
impl From<owp_documents::DocumentsError> for ApiError {
    fn from(err: owp_documents::DocumentsError) -> Self {
        use owp_documents::DocumentsError;
        let text = err.to_string();
        match err {
            DocumentsError::UnsupportedType(_) => ApiError::UnsupportedMediaType(text),
            DocumentsError::Malformed(_) => ApiError::invalid_field("file", text),
            DocumentsError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            DocumentsError::Forbidden(detail) => ApiError::Forbidden(detail),
            DocumentsError::NotFound => ApiError::NotFound("not found".into()),
            DocumentsError::Store(err) => err.into(),
        }
    }
}

// --- owp-vectors (issue 13) ------------------------------------------------------------------

/// Collection, search and job errors: 422 naming the field (a query vector of the wrong
/// dimension names `query`), 404 for what the caller may not see, 403 for what they see but
/// may not change and for a model not granted, 415 for an upload's type, Ollama failures as
/// everywhere.
impl From<owp_vectors::VectorsError> for ApiError {
    fn from(err: owp_vectors::VectorsError) -> Self {
        use owp_vectors::VectorsError;
        let text = err.to_string();
        match err {
            VectorsError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            VectorsError::DimensionMismatch { .. } => ApiError::invalid_field("query", text),
            VectorsError::NotFound => ApiError::NotFound("not found".into()),
            VectorsError::Forbidden(detail) | VectorsError::NotGranted(detail) => {
                ApiError::Forbidden(detail)
            }
            VectorsError::Unsupported(detail) => ApiError::UnsupportedMediaType(detail),
            VectorsError::Ollama(failure) => std::sync::Arc::try_unwrap(failure.0).map_or_else(
                |shared| ApiError::BadGateway(shared.to_string()),
                ApiError::from,
            ),
            VectorsError::MalformedVector { .. } => ApiError::Internal(text),
            VectorsError::Store(err) => err.into(),
        }
    }
}

// --- owp-rag (issue 13) ----------------------------------------------------------------------

/// RAG errors: 422 naming the field (a template without `{{context}}`, a collection one cannot
/// see), 404/403 by the visibility rule; retrieval and chat failures as those crates map them.
impl From<owp_rag::RagError> for ApiError {
    fn from(err: owp_rag::RagError) -> Self {
        use owp_rag::RagError;
        match err {
            RagError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            RagError::Forbidden(detail) => ApiError::Forbidden(detail),
            RagError::NotFound => ApiError::NotFound("not found".into()),
            RagError::Vectors(err) => err.into(),
            RagError::Chat(err) => err.into(),
            RagError::Store(err) => err.into(),
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

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::*;

    #[test]
    fn store_errors_map_to_the_right_statuses() {
        let cases = [
            (StoreError::NotFound, 404),
            (
                StoreError::Conflict {
                    field: "slug".into(),
                },
                409,
            ),
            (StoreError::ForeignKey { field: None }, 409),
            (StoreError::Unavailable("down".into()), 503),
            (StoreError::Internal("bug".into()), 500),
        ];
        for (store, status) in cases {
            assert_eq!(ApiError::from(store).status_code().as_u16(), status);
        }
    }

    #[test]
    fn unavailable_hides_the_cause_from_clients() {
        let err = ApiError::from(StoreError::Unavailable("password=hunter2".into()));
        assert!(!err.to_string().contains("hunter2"));
    }
}
