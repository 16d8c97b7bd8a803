//! Route handlers, kept thin: parse, call a domain crate through `Database::run`, answer.

pub mod account;
pub mod auth;
pub mod health;
pub mod instance;
pub mod metrics;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the OpenAPI spec is collected from these same calls, so
/// the spec lists exactly the routes that exist.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(instance::instance)
                .service(auth::login)
                .service(auth::token)
                .service(auth::refresh)
                .service(auth::logout)
                .service(account::me)
                .service(account::change_password)
                .service(account::register),
        );
}
