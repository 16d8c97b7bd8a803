//! Projects and their members.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use owp_db::ids::{ProjectId, UserId};
use owp_workshop::projects::{self, MemberRole, NewProject, Project, ProjectChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::state::AppState;

/// A page of projects.
#[derive(Serialize, ToSchema)]
pub struct ProjectList {
    /// By name.
    items: Vec<Project>,
    /// How many in all.
    total: i64,
}

/// A member's role to set.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// `owner`, `editor` or `viewer`.
    role: MemberRole,
}

/// Whether deleting a project also deletes its content.
#[derive(Deserialize, IntoParams)]
pub struct DeleteQuery {
    /// Delete the project's prompts and tools too (otherwise a project with content is 409).
    cascade: Option<bool>,
}

/// The projects you are a member of (admins: all of the organization's).
#[utoipa::path(tag = "content", params(PageQuery), responses((status = 200, body = ProjectList)), security(("bearer" = [])))]
#[get("/projects")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PageQuery>,
) -> Result<web::Json<ProjectList>, ApiError> {
    let window = page(query.limit, query.offset)?;
    let found = state
        .db
        .run(move |conn| projects::list_projects(conn, &auth.0, window))
        .await?;
    Ok(web::Json(ProjectList {
        items: found.items,
        total: found.total,
    }))
}

/// Create a project; you become its owner.
#[utoipa::path(
    tag = "content",
    request_body = NewProject,
    responses((status = 201, body = Project), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/projects")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewProject>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| projects::create_project(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// One project you are a member of.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "project id")),
    responses((status = 200, body = Project), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/projects/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ProjectId>,
) -> Result<web::Json<Project>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| projects::get_project(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// Rename or re-describe a project (its owners and admins).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "project id")),
    request_body = ProjectChange,
    responses((status = 200, body = Project), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/projects/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<ProjectId>,
    body: web::Json<ProjectChange>,
) -> Result<web::Json<Project>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let change = body.into_inner();
    let updated = state
        .db
        .run(move |conn| projects::update_project(conn, &auth.0, &ctx, id, change, at))
        .await?;
    Ok(web::Json(updated))
}

/// Delete a project; with content only when `cascade=true` (which deletes the content too).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "project id"), DeleteQuery),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the project has content")),
    security(("bearer" = []))
)]
#[delete("/projects/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<ProjectId>,
    query: web::Query<DeleteQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let cascade = query.cascade.unwrap_or(false);
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| projects::delete_project(conn, &auth.0, &ctx, id, cascade, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a member to a project or change their role (its owners and admins).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "project id"), ("user_id" = String, Path, description = "user id")),
    request_body = MemberBody,
    responses((status = 200, body = Project), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the last owner")),
    security(("bearer" = []))
)]
#[put("/projects/{id}/members/{user_id}")]
pub async fn set_member(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    ids: web::Path<(ProjectId, UserId)>,
    body: web::Json<MemberBody>,
) -> Result<web::Json<Project>, ApiError> {
    let (id, user) = ids.into_inner();
    let role = body.into_inner().role;
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let updated = state
        .db
        .run(move |conn| projects::set_member(conn, &auth.0, &ctx, id, user, role, at))
        .await?;
    Ok(web::Json(updated))
}

/// Remove a member from a project (its owners and admins).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "project id"), ("user_id" = String, Path, description = "user id")),
    responses((status = 204, description = "removed"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the last owner")),
    security(("bearer" = []))
)]
#[delete("/projects/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    ids: web::Path<(ProjectId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user) = ids.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| projects::remove_member(conn, &auth.0, &ctx, id, user, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
