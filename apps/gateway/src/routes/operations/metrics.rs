//! Prometheus scrape endpoint.

use actix_web::{HttpResponse, get, web};

use crate::http::metrics::Metrics;
use crate::state::AppState;

/// Request counts, latency histograms and pool state in Prometheus text format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>, state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(&state.db))
}
