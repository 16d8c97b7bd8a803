//! Route handlers, kept thin: parse, call a domain crate through `Database::run`, answer.

pub mod health;
pub mod instance;
pub mod metrics;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the OpenAPI spec is collected from these same calls, so
/// the spec lists exactly the routes that exist.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(utoipa_actix_web::scope("/api/v1").service(instance::instance));
}
