//! Model administration: pull (progress streamed as Server-Sent Events) and delete, audited.

use actix_web::{HttpRequest, HttpResponse, delete, post, web};
use futures_util::StreamExt;
use owp_audit::{EventType, NewAuditEvent};
use owp_db::model_name::ModelName;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// A model to pull.
#[derive(Deserialize, ToSchema)]
pub struct PullRequest {
    /// Model name, e.g. `llama3.2:latest`.
    name: String,
}

fn sse(event: &str, data: &serde_json::Value) -> web::Bytes {
    web::Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

/// Pull a model into Ollama; answers `text/event-stream` with `progress` events (`status`,
/// `digest`, `total`, `completed`), then `done` (audited `model_pulled`) or `error`.
#[utoipa::path(
    tag = "models",
    request_body = PullRequest,
    responses(
        (status = 200, content_type = "text/event-stream", body = String),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "Ollama is unreachable"),
    ),
    security(("bearer" = []))
)]
#[post("/models/pull")]
pub async fn pull(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<PullRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = body.into_inner().name.trim_matches(' ').to_owned();
    ModelName::parse(&name, &state.model_registries)
        .map_err(|e| ApiError::invalid_field("name", e.to_string()))?;
    let progress = state.ollama_client.pull_stream(&name).await?;
    let ctx = auth.audit(&req, &state);
    let db = state.db.clone();
    let events = progress.then(move |item| {
        let (db, ctx, name) = (db.clone(), ctx.clone(), name.clone());
        async move {
            let bytes = match item {
                Ok(status) if status.message == "success" => {
                    let event = NewAuditEvent::new(EventType::ModelPulled).detail(serde_json::json!({"model": name}));
                    let at = owp_db::time::now();
                    match db.run(move |conn| owp_audit::record(conn, &ctx, &event, at)).await {
                        Ok(_) => sse("done", &serde_json::json!({"status": "success", "model": name})),
                        Err(err) => sse("error", &serde_json::json!({"message": format!("pulled, but not audited: {err}")})),
                    }
                }
                Ok(status) => sse(
                    "progress",
                    &serde_json::json!({
                        "status": status.message, "digest": status.digest,
                        "total": status.total, "completed": status.completed,
                    }),
                ),
                Err(err) => sse("error", &serde_json::json!({"message": ApiError::from(err).to_string()})),
            };
            Ok::<_, actix_web::Error>(bytes)
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(events))
}

/// Delete a model from Ollama (audited `model_deleted`).
#[utoipa::path(
    tag = "models",
    params(("name" = String, Path, description = "model name")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/models/{name}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    state.ollama_client.delete(&name).await?;
    let ctx = auth.audit(&req, &state);
    let event =
        NewAuditEvent::new(EventType::ModelDeleted).detail(serde_json::json!({"model": name}));
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| owp_audit::record(conn, &ctx, &event, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
