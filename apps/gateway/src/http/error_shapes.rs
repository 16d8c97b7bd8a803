//! Compatibility routes answer errors in the shape their clients expect, with the same HTTP
//! status: OpenAI's `{"error": {"message", "type", "code", "param"}}` under `/v1` (`param` names
//! the first invalid field), so existing SDKs report them properly, and Ollama's `{"error": "message"}` under `/ollama`.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use serde_json::{Value, json};

use super::problem::PROBLEM_JSON;

/// Rewrites problem+json answers of the wrapped scope into OpenAI's error object.
pub async fn openai_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    reshape(next.call(req).await?, |status, message, field| {
        let (kind, code) = classify(status);
        json!({"error": {"message": message, "type": kind, "code": code, "param": field}})
    })
    .await
}

/// Rewrites problem+json answers of the wrapped scope into Ollama's error object.
pub async fn ollama_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    reshape(
        next.call(req).await?,
        |_, message, _| json!({"error": message}),
    )
    .await
}

async fn reshape(
    res: ServiceResponse<impl MessageBody + 'static>,
    shape: impl FnOnce(StatusCode, &str, Option<&str>) -> Value,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !is_problem {
        return Ok(res.map_into_boxed_body());
    }
    let status = res.status();
    let (req, response) = res.into_parts();
    let (response, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let problem: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let message = problem["detail"].as_str().unwrap_or("request failed");
    let field = problem["errors"][0]["field"].as_str();
    let body = shape(status, message, field);
    let mut response = response.set_body(BoxBody::new(body.to_string()));
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(ServiceResponse::new(req, response))
}

fn classify(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        401 => ("invalid_request_error", "invalid_api_key"),
        403 => ("invalid_request_error", "permission_denied"),
        404 => ("invalid_request_error", "model_not_found"),
        429 => ("rate_limit_error", "rate_limit_exceeded"),
        400 | 413 | 415 | 422 => ("invalid_request_error", "invalid_request"),
        _ => ("api_error", "upstream_error"),
    }
}
