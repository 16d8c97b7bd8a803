//! Applies [`super::json_rules`] (and the NUL rule to form bodies) to every body of the API
//! scopes before routing, so every route — typed JSON, raw relays to Ollama, the OAuth2 form —
//! gets the same refusals: 400 for keys that collide, 422 naming the field for NUL or nesting
//! that is too deep. Multipart uploads are left to their own streaming limits.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{Error, HttpMessage};
use futures_util::StreamExt;

use super::extract::JSON_BODY_LIMIT;
use super::json_rules::{BodyFault, MAX_DEPTH, inspect};
use super::problem::ApiError;

/// Reads the body (up to [`JSON_BODY_LIMIT`]), checks it and hands it on unchanged.
pub async fn body_rules(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !carries_body(&req) || content_type.starts_with("multipart/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(length) = declared.filter(|l| *l > JSON_BODY_LIMIT) {
        let refusal = ApiError::PayloadTooLarge(format!(
            "request body is {length} bytes; the limit is {JSON_BODY_LIMIT}"
        ));
        return Ok(req.error_response(refusal));
    }
    let body = match read_limited(req.take_payload()).await {
        Ok(body) => body,
        Err(refusal) => return Ok(req.error_response(refusal)),
    };
    let verdict = if content_type.starts_with("application/x-www-form-urlencoded") {
        check_form(&body)
    } else {
        inspect(&body).map_err(refusal_for)
    };
    if let Err(refusal) = verdict {
        return Ok(req.error_response(refusal));
    }
    req.set_payload(Payload::from(body));
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn carries_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v != "0")
}

async fn read_limited(mut payload: Payload) -> Result<Bytes, ApiError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::BadRequest(format!("could not read the request body: {e}")))?;
        if body.len() + chunk.len() > JSON_BODY_LIMIT {
            return Err(ApiError::PayloadTooLarge(format!(
                "request body exceeds the limit of {JSON_BODY_LIMIT} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn check_form(body: &[u8]) -> Result<(), ApiError> {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return Ok(());
    };
    match pairs
        .iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        Some((key, _)) => Err(nul_refusal(&key.replace('\0', ""))),
        None => Ok(()),
    }
}

fn nul_refusal(field: &str) -> ApiError {
    let field = if field.is_empty() { "body" } else { field };
    ApiError::invalid_field(field, "must not contain NUL (\\u0000) characters")
}

/// The answer for a body that breaks a rule.
pub fn refusal_for(fault: BodyFault) -> ApiError {
    match fault {
        BodyFault::DuplicateKey {
            path,
            first,
            second,
        } => {
            let place = if path.is_empty() {
                "the body".to_owned()
            } else {
                format!("`{path}`")
            };
            ApiError::BadRequest(format!(
                "{place} has both `{first}` and `{second}`, which name the same field \
                 (keys are compared case-insensitively, as Ollama does): send it once"
            ))
        }
        BodyFault::Nul { path } => nul_refusal(&path),
        BodyFault::TooDeep { path } => ApiError::invalid_field(
            if path.is_empty() { "body" } else { &path },
            format!("nests deeper than {MAX_DEPTH} levels"),
        ),
    }
}
