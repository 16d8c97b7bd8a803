//! Liveness and readiness probes.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use owp_db::Readiness;
use serde::Serialize;
use utoipa::ToSchema;

use crate::ollama_probe::OllamaStatus;
use crate::state::AppState;

/// How long readiness waits for a database connection before calling it unreachable; below
/// Kubernetes' default probe timeout.
const DATABASE_PROBE_TIMEOUT: Duration = Duration::from_millis(800);

/// The liveness answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` while the process serves HTTP.
    status: &'static str,
}

/// The readiness answer.
#[derive(Serialize, ToSchema)]
pub struct ReadinessReport {
    /// `ready` or `unavailable`.
    status: &'static str,
    /// Database reachability and migration state.
    #[schema(value_type = Object)]
    database: Readiness,
    /// Ollama reachability: reported, not required.
    ollama: OllamaStatus,
}

/// Liveness: answers while the process can serve HTTP, whatever the database does.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: 200 when the database answers and every migration has run, else 503 saying why.
/// Runs migrations first if they could not run at start, so a database that comes back makes
/// the replica ready without a restart.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = ReadinessReport, description = "ready to serve"),
        (status = 503, body = ReadinessReport, description = "not ready; `database.error` says why"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if let Err(err) = state.preparation.ensure(DATABASE_PROBE_TIMEOUT).await {
        tracing::debug!(%err, "migrations still cannot run");
    }
    let (database, ollama) = tokio::join!(
        state.db.readiness(DATABASE_PROBE_TIMEOUT),
        state.ollama.status()
    );
    let ready = database.is_ready();
    let report = ReadinessReport {
        status: if ready { "ready" } else { "unavailable" },
        database,
        ollama,
    };
    if ready {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::ServiceUnavailable().json(report)
    }
}
