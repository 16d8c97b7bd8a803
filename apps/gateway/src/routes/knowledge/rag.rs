//! RAG systems: collections + chat model + prompt template (create, list, read, change,
//! delete) and asking one — the answer streamed like chat, then its citations.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::{ProjectId, RagSystemId};
use owp_rag::Citation;
use owp_rag::query::{Question, ask_streamed, ask_whole};
use owp_rag::systems::{self, NewRagSystem, RagSystem, RagSystemChange, RagSystemFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::chat::conversations::MessageView;
use crate::routes::chat::stream::{relay_with_citations, usage_of};
use crate::routes::params::page;
use crate::state::AppState;

/// A page of RAG systems.
#[derive(Serialize, ToSchema)]
pub struct RagSystemList {
    /// By name.
    items: Vec<RagSystem>,
    /// How many in all.
    total: i64,
}

/// Filters and paging of the RAG system list.
#[derive(Deserialize, IntoParams)]
pub struct RagSystemQuery {
    /// Text in the name (case-insensitive).
    q: Option<String>,
    /// Only this project's RAG systems.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// A whole answer of a RAG system.
#[derive(Serialize, ToSchema)]
pub struct RagAnswer {
    /// The conversation the exchange was stored in.
    conversation_id: String,
    /// The stored reply.
    message: MessageView,
    /// Tokens Ollama counted.
    #[schema(value_type = Object)]
    usage: Value,
    /// The numbered sources the model was given; `cited` where the answer names them with
    /// `[n]`. Empty when nothing passed the score floor (the model was told so).
    citations: Vec<Citation>,
}

/// The RAG systems you can see, by name; `q` searches the name.
#[utoipa::path(tag = "knowledge", params(RagSystemQuery), responses((status = 200, body = RagSystemList)), security(("bearer" = [])))]
#[get("/rag-systems")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<RagSystemQuery>,
) -> Result<web::Json<RagSystemList>, ApiError> {
    let query = query.into_inner();
    let window = page(query.limit, query.offset)?;
    let filter = RagSystemFilter {
        q: query.q,
        project_id: query.project_id,
    };
    let found = state
        .db
        .run(move |conn| systems::list_rag_systems(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(RagSystemList {
        items: found.items,
        total: found.total,
    }))
}

/// Create a RAG system over collections you can see; the template must contain `{{context}}`
/// and `{{question}}` (a template citing numbered sources is used when none is given).
#[utoipa::path(
    tag = "knowledge",
    request_body = NewRagSystem,
    responses((status = 201, body = RagSystem, headers(("Location" = String, description = "the new RAG system"))), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the name is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/rag-systems")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewRagSystem>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| systems::create_rag_system(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/rag-systems/{}", created.id),
        ))
        .json(created))
}

/// One RAG system you can see.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "RAG system id")),
    responses((status = 200, body = RagSystem), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/rag-systems/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<RagSystemId>,
) -> Result<web::Json<RagSystem>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| systems::get_rag_system(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// Change a RAG system you may write; absent fields stay.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "RAG system id")),
    request_body = RagSystemChange,
    responses((status = 200, body = RagSystem), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/rag-systems/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<RagSystemId>,
    body: web::Json<RagSystemChange>,
) -> Result<web::Json<RagSystem>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let change = body.into_inner();
    let updated = state
        .db
        .run(move |conn| systems::update_rag_system(conn, &auth.0, &ctx, id, change, at))
        .await?;
    Ok(web::Json(updated))
}

/// Delete a RAG system you may write (its collections and conversations stay).
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "RAG system id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/rag-systems/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<RagSystemId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| systems::delete_rag_system(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask a RAG system: retrieval from its collections (you need each collection's embedding
/// model and the chat model), then the answer — streamed as chat's events (`start`, `delta`,
/// then `citations` {citations} and `done`), or whole with `stream: false`. The exchange is
/// stored as a conversation; the answer's `[n]` markers name the citations.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "RAG system id")),
    request_body = Question,
    responses(
        (status = 200, body = RagAnswer, description = "with `stream: false`; otherwise `text/event-stream`: `start`, `delta`…, `citations` {citations}, `done` (or `error`)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "a model is not granted to you"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "a token budget is used up"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "Ollama is unreachable"),
    ),
    security(("bearer" = []))
)]
#[post("/rag-systems/{id}/query")]
pub async fn ask(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<RagSystemId>,
    body: web::Json<Question>,
) -> Result<HttpResponse, ApiError> {
    let (db, ollama, indexes) = (&state.db, &state.ollama_client, &state.indexes);
    let question = body.into_inner();
    let clock = owp_db::time::now;
    if question.stream {
        let (relay, citations) = ask_streamed(
            db,
            ollama,
            indexes,
            &auth.0,
            id.into_inner(),
            question,
            clock,
        )
        .await?;
        return Ok(HttpResponse::Ok()
            .content_type("text/event-stream")
            .insert_header(("cache-control", "no-cache"))
            .insert_header(("x-accel-buffering", "no"))
            .streaming(relay_with_citations(relay, Some(citations))));
    }
    let answer = ask_whole(
        db,
        ollama,
        indexes,
        &auth.0,
        id.into_inner(),
        question,
        clock,
    )
    .await?;
    Ok(HttpResponse::Ok().json(RagAnswer {
        conversation_id: answer.conversation_id.to_string(),
        message: answer.message.into(),
        usage: usage_of(answer.spend),
        citations: answer.citations,
    }))
}
