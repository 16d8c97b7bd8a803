//! RFC 9457 problem details: the one error shape every route answers with, so clients (and the
//! SPA) read `detail` and `errors` the same way whatever failed.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem, stable for clients to branch on.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// Per-field validation messages (422 and 409 answers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name as sent.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Problem {
    /// A problem for `status` with `detail`; the type URN derives from the reason phrase.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        let slug = title.to_ascii_lowercase().replace([' ', '\''], "-");
        Self {
            problem_type: format!("urn:owp:problem:{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Adds per-field messages.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// The body as bytes; serialising plain strings and numbers cannot fail.
    pub fn to_body(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The response carrying this problem.
    pub fn response(&self) -> HttpResponse {
        HttpResponse::build(
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
        .body(self.to_body())
    }
}

/// Errors a handler returns; each maps to one status and a problem body.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (bad JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that do not check out.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; retry after the given seconds.
    #[error("{detail}")]
    TooManyRequests {
        /// What was throttled.
        detail: String,
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// Nothing lives at this path, or the object is not the caller's to see.
    #[error("{0}")]
    NotFound(String),
    /// The path exists but not with this method; `allow` lists the methods that work.
    #[error("{method} is not allowed here; use {}", .allow.join(", "))]
    MethodNotAllowed {
        /// The method that was used.
        method: String,
        /// The methods the path supports.
        allow: Vec<String>,
    },
    /// The thing existed but can no longer be used (a spent invitation).
    #[error("{0}")]
    Gone(String),
    /// The write clashes with existing data (e.g. a taken slug).
    #[error("{detail}")]
    Conflict {
        /// What clashed.
        detail: String,
        /// The fields involved.
        errors: Vec<FieldError>,
    },
    /// The body is larger than the route accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Well-formed input that breaks a rule.
    #[error("{detail}")]
    Validation {
        /// A summary.
        detail: String,
        /// Which fields are wrong and why.
        errors: Vec<FieldError>,
    },
    /// Ollama is down.
    #[error("{0}")]
    UpstreamUnavailable(String),
    /// Ollama answered wrongly.
    #[error("{0}")]
    BadGateway(String),
    /// Ollama was too slow.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// The database cannot serve the request now; the cause is logged, not sent.
    #[error("the database is unavailable; try again shortly")]
    DatabaseUnavailable(String),
    /// A bug: the cause is logged with the request id, the client sees an opaque message.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 422 for a single field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::UpstreamUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::UpstreamTimeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ApiError::DatabaseUnavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        let errors = match self {
            ApiError::Conflict { errors, .. } | ApiError::Validation { errors, .. } => {
                errors.clone()
            }
            _ => Vec::new(),
        };
        let mut response = Problem::new(self.status_code(), self.to_string())
            .with_errors(errors)
            .response();
        if let ApiError::DatabaseUnavailable(_) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if let ApiError::Unauthorized(_) = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"owp\""),
            );
        }
        if let ApiError::TooManyRequests { retry_after, .. } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if let ApiError::MethodNotAllowed { allow, .. } = self
            && let Ok(value) = HeaderValue::from_str(&allow.join(", "))
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_type_and_title_follow_the_status() {
        let p = Problem::new(StatusCode::METHOD_NOT_ALLOWED, "no");
        assert_eq!(p.problem_type, "urn:owp:problem:method-not-allowed");
        assert_eq!(p.title, "Method Not Allowed");
        assert_eq!(p.status, 405);
    }
}
