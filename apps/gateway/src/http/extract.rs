//! Error handlers for actix's extractors, so a bad body, path or query answers problem+json
//! with the right status instead of actix's plain-text defaults.

use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use super::problem::ApiError;

/// Largest JSON body any route accepts; bigger inputs (document uploads) get their own limit.
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// JSON extractor settings shared by every route.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_BODY_LIMIT)
        .error_handler(json_error)
}

/// Raw body extractor settings shared by every route.
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(JSON_BODY_LIMIT)
}

/// Form body settings (the OAuth2 token endpoint): errors as problem+json.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(64 * 1024).error_handler(
        |err: actix_web::error::UrlencodedError, _| {
            ApiError::BadRequest(format!("invalid form body: {err}")).into()
        },
    )
}

/// Path parameter settings. Path parameters are typed ids (`web::Path<UserId>`) or free text
/// (model names), so the only segment that fails to parse is a malformed id, which names no
/// object: 404, the same everywhere, as an id of another tenant's object would.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _| {
        tracing::debug!(%err, "malformed id in the path");
        ApiError::NotFound("not found".into()).into()
    })
}

/// Query string settings: an unparsable query is a 400.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _| {
        ApiError::BadRequest(format!("invalid query string: {err}")).into()
    })
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::PayloadTooLarge(
            format!("request body is {length} bytes; the limit is {limit}"),
        ),
        JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("request body exceeds the limit of {limit} bytes"))
        }
        JsonPayloadError::Payload(PayloadError::Overflow) => ApiError::PayloadTooLarge(format!(
            "request body exceeds the limit of {JSON_BODY_LIMIT} bytes"
        )),
        JsonPayloadError::ContentType => {
            ApiError::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::Validation {
            detail: format!("request body has the wrong shape: {e}"),
            errors: Vec::new(),
        },
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        other => ApiError::BadRequest(format!("could not read the request body: {other}")),
    };
    api.into()
}
