//! Agents: a model with its system prompt (text, or a prompt and its variable values), tools
//! and options, used from chat.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::{AgentId, ProjectId};
use owp_workshop::agents::{self, Agent, AgentChange, AgentFilter, NewAgent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::page;
use crate::state::AppState;

/// A page of agents.
#[derive(Serialize, ToSchema)]
pub struct AgentList {
    /// By name.
    items: Vec<Agent>,
    /// How many in all.
    total: i64,
}

/// Filters and paging of the agent list.
#[derive(Deserialize, IntoParams)]
pub struct AgentQuery {
    /// Text in the name, slug or description.
    q: Option<String>,
    /// Only this project's agents.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// Only active (`true`) or inactive (`false`) agents.
    active: Option<bool>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// The agents you can see.
#[utoipa::path(tag = "content", params(AgentQuery), responses((status = 200, body = AgentList)), security(("bearer" = [])))]
#[get("/agents")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<AgentQuery>,
) -> Result<web::Json<AgentList>, ApiError> {
    let query = query.into_inner();
    let window = page(query.limit, query.offset)?;
    let filter = AgentFilter {
        q: query.q,
        project_id: query.project_id,
        active: query.active,
    };
    let found = state
        .db
        .run(move |conn| agents::list_agents(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(AgentList {
        items: found.items,
        total: found.total,
    }))
}

/// Create an agent; its prompt and tools must be ones you can see, its options are checked
/// by name (a fault is 422 naming `options.<field>`).
#[utoipa::path(
    tag = "content",
    request_body = NewAgent,
    responses((status = 201, body = Agent, headers(("Location" = String, description = "the new agent"))), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the slug is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/agents")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewAgent>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| agents::create_agent(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/agents/{}", created.id)))
        .json(created))
}

/// One agent you can see.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "agent id")),
    responses((status = 200, body = Agent), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/agents/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<AgentId>,
) -> Result<web::Json<Agent>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| agents::get_agent(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// Change an agent you may write; absent fields stay.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "agent id")),
    request_body = AgentChange,
    responses((status = 200, body = Agent), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the slug is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/agents/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<AgentId>,
    body: web::Json<AgentChange>,
) -> Result<web::Json<Agent>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let change = body.into_inner();
    let updated = state
        .db
        .run(move |conn| agents::update_agent(conn, &auth.0, &ctx, id, change, at))
        .await?;
    Ok(web::Json(updated))
}

/// Delete an agent you may write.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "agent id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/agents/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<AgentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| agents::delete_agent(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
