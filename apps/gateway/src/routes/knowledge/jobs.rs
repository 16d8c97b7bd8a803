//! Ingestion jobs: one document indexed into one collection generation; read its state, or
//! follow it as Server-Sent Events until it ends.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use futures_util::stream;
use owp_db::ids::JobId;
use owp_vectors::jobs::{Job, get_job};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// How often a followed job is read again (it may run on another replica, so the database is
/// where its progress is seen).
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// An ingestion job of a collection you can see: state, chunks done of total, error.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "job id")),
    responses((status = 200, body = Job), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/jobs/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<JobId>,
) -> Result<web::Json<Job>, ApiError> {
    let id = id.into_inner();
    let found = state.db.run(move |conn| get_job(conn, &auth.0, id)).await?;
    Ok(web::Json(found))
}

/// Follow a job: `text/event-stream` with a `progress` event (the job) whenever it changes,
/// then `done` or `failed` (the job) and the end of the stream.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "job id")),
    responses((status = 200, content_type = "text/event-stream", body = String, description = "`progress`, then `done` or `failed`; each carries the job"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/jobs/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<JobId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let principal = auth.0;
    let first = {
        let principal = principal.clone();
        state
            .db
            .run(move |conn| get_job(conn, &principal, id))
            .await?
    };
    let db = state.db.clone();
    let follow = stream::unfold(Some((first, true)), move |step| {
        let (db, principal) = (db.clone(), principal.clone());
        async move {
            let (job, fresh) = step?;
            if job.state.is_final() {
                let name = job.state.as_str();
                return Some((Ok::<_, actix_web::Error>(frame(name, &job)), None));
            }
            if fresh {
                return Some((Ok(frame("progress", &job)), Some((job, false))));
            }
            let mut last = job;
            loop {
                tokio::time::sleep(FOLLOW_EVERY).await;
                let principal = principal.clone();
                let id = last.id;
                let next = db.run(move |conn| get_job(conn, &principal, id)).await;
                match next {
                    Ok(next) if next != last => {
                        let out = frame(
                            if next.state.is_final() {
                                next.state.as_str()
                            } else {
                                "progress"
                            },
                            &next,
                        );
                        let more = (!next.state.is_final()).then_some((next, false));
                        return Some((Ok(out), more));
                    }
                    Ok(same) => last = same,
                    Err(err) => {
                        let detail = serde_json::json!({"detail": err.to_string()});
                        return Some((
                            Ok(Bytes::from(format!("event: error\ndata: {detail}\n\n"))),
                            None,
                        ));
                    }
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(follow))
}

fn frame(name: &str, job: &Job) -> Bytes {
    let data = serde_json::to_string(job).unwrap_or_default();
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}
