//! Turns error responses that carry no JSON (actix's own 400s, CORS refusals, …) into
//! problem+json, keeping their status and headers. JSON error bodies a handler chose on purpose
//! (such as `/readyz`'s 503 report) pass unchanged.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

use super::problem::{PROBLEM_JSON, Problem};

/// Rewrites the body of non-problem error responses.
pub async fn problem_fallback(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let media = v.split(';').next().unwrap_or_default().trim();
            media == "application/json" || media.ends_with("+json")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return Ok(res.map_into_boxed_body());
    }
    let detail = res
        .response()
        .error()
        .map(ToString::to_string)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let problem = Problem::new(status, detail);
    let (req, response) = res.into_parts();
    let mut response = response.set_body(BoxBody::new(problem.to_body()));
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_LENGTH);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Ok(ServiceResponse::new(req, response))
}
