//! Per-request context: the request id (taken from `x-request-id` when the caller sends a sane
//! one), one access-log line per request and the request metrics.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing_actix_web::RootSpanBuilder;

use super::auth::RateLimitStatus;
use super::metrics::Metrics;

/// Header carrying the request id in both directions.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Label used for requests that matched no route, so unknown paths cannot blow up metric
/// cardinality.
const UNMATCHED_ROUTE: &str = "<unmatched>";

/// The id of the current request, in request extensions for handlers and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Assigns the request id, then logs and measures the request once it is answered.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_acceptable_id(v))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let started = Instant::now();

    let mut res = next.call(req).await?;

    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    if let Some(metrics) = metrics {
        metrics.observe(method.as_str(), &route, status, elapsed);
    }
    tracing::info!(
        target: "owp::access",
        request_id = %id,
        method = %method,
        path = %path,
        route = %route,
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let rate = res.request().extensions().get::<RateLimitStatus>().copied();
    if let Some(RateLimitStatus(window)) = rate {
        let headers = res.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", window.limit.to_string()),
            ("ratelimit-remaining", window.remaining.to_string()),
            ("ratelimit-reset", window.reset_secs.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
    }
    Ok(res)
}

/// Accepts caller-supplied ids that are safe to log and echo: short, visible ASCII.
/// A client's id is kept only when it is `[A-Za-z0-9._-]{1,64}`, so it cannot carry log
/// injection, header tricks or unbounded length into logs and audit rows.
fn is_acceptable_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Root span of every request, carrying the request id so every log line inside a handler
/// names the request it belongs to.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> tracing::Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        tracing::info_span!(
            "http_request",
            request_id = %id,
            method = %request.method(),
            path = %request.path(),
        )
    }

    fn on_request_end<B: MessageBody>(
        _span: tracing::Span,
        _outcome: &Result<ServiceResponse<B>, Error>,
    ) {
    }
}

#[cfg(test)]
mod tests {
    use super::is_acceptable_id;

    #[test]
    fn refuses_ids_that_could_forge_log_lines() {
        assert!(is_acceptable_id("abc-123"));
        assert!(!is_acceptable_id(""));
        assert!(!is_acceptable_id("a b"));
        assert!(!is_acceptable_id("line\nbreak"));
        assert!(!is_acceptable_id("a/b"));
        assert!(!is_acceptable_id("quote\"d"));
        assert!(is_acceptable_id(&"x".repeat(64)));
        assert!(!is_acceptable_id(&"x".repeat(65)));
    }
}
