//! Tools: function definitions whose ids per-user grants name.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::{ProjectId, ToolId};
use owp_workshop::tools::{self, NewTool, Tool, ToolChange, ToolFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::page;
use crate::state::AppState;

/// A page of tools.
#[derive(Serialize, ToSchema)]
pub struct ToolList {
    /// By name.
    items: Vec<Tool>,
    /// How many in all.
    total: i64,
}

/// Filters and paging of the tool list.
#[derive(Deserialize, IntoParams)]
pub struct ToolQuery {
    /// Text in the name or description.
    q: Option<String>,
    /// Only this project's tools.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// The tools you can see.
#[utoipa::path(tag = "content", params(ToolQuery), responses((status = 200, body = ToolList)), security(("bearer" = [])))]
#[get("/tools")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ToolQuery>,
) -> Result<web::Json<ToolList>, ApiError> {
    let query = query.into_inner();
    let window = page(query.limit, query.offset)?;
    let filter = ToolFilter {
        q: query.q,
        project_id: query.project_id,
    };
    let found = state
        .db
        .run(move |conn| tools::list_tools(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(ToolList {
        items: found.items,
        total: found.total,
    }))
}

/// Create a tool; its parameters must be a valid JSON Schema of an object (a fault is 422
/// with its path).
#[utoipa::path(
    tag = "content",
    request_body = NewTool,
    responses((status = 201, body = Tool), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the name is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/tools")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewTool>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| tools::create_tool(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// One tool you can see.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "tool id")),
    responses((status = 200, body = Tool), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/tools/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ToolId>,
) -> Result<web::Json<Tool>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| tools::get_tool(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// Change a tool you may write.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "tool id")),
    request_body = ToolChange,
    responses((status = 200, body = Tool), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/tools/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<ToolId>,
    body: web::Json<ToolChange>,
) -> Result<web::Json<Tool>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let change = body.into_inner();
    let updated = state
        .db
        .run(move |conn| tools::update_tool(conn, &auth.0, &ctx, id, change, at))
        .await?;
    Ok(web::Json(updated))
}

/// Delete a tool you may write; it disappears from every grant.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "tool id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/tools/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<ToolId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| tools::delete_tool(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
