//! Organizations (tenants): super admins manage them; others see their own.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::OrganizationId;
use owp_identity::organizations::{self, NewOrganization, Organization};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::state::AppState;

/// A page of organizations.
#[derive(Serialize, ToSchema)]
pub struct OrganizationPage {
    /// This page's organizations.
    items: Vec<Organization>,
    /// How many there are.
    total: i64,
}

/// List organizations (super admins: all; others: their own).
#[utoipa::path(
    tag = "organizations",
    params(PageQuery),
    responses((status = 200, body = OrganizationPage)),
    security(("bearer" = []))
)]
#[get("/organizations")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PageQuery>,
) -> Result<web::Json<OrganizationPage>, ApiError> {
    let page = page(query.limit, query.offset)?;
    let found = state
        .db
        .run(move |conn| organizations::list_visible(conn, &auth.0, page))
        .await?;
    Ok(web::Json(OrganizationPage {
        items: found.items,
        total: found.total,
    }))
}

/// Create an organization (super admins).
#[utoipa::path(
    tag = "organizations",
    request_body = NewOrganization,
    responses((status = 201, body = Organization), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/organizations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewOrganization>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let created = state
        .db
        .run(move |conn| organizations::create_as(conn, &ctx, body.into_inner(), at))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Read an organization (another one's is 404 unless super admin).
#[utoipa::path(
    tag = "organizations",
    params(("id" = String, Path, description = "organization id")),
    responses((status = 200, body = Organization), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/organizations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<OrganizationId>,
) -> Result<web::Json<Organization>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| organizations::get_visible(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// A new name.
#[derive(Deserialize, ToSchema)]
pub struct RenameOrganization {
    /// Display name (1..=200 characters).
    name: String,
}

/// Rename an organization (super admins).
#[utoipa::path(
    tag = "organizations",
    params(("id" = String, Path, description = "organization id")),
    request_body = RenameOrganization,
    responses((status = 200, body = Organization), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/organizations/{id}")]
pub async fn rename(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<OrganizationId>,
    body: web::Json<RenameOrganization>,
) -> Result<web::Json<Organization>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let renamed = state
        .db
        .run(move |conn| organizations::rename_as(conn, &auth.0, &ctx, id, &body.name, at))
        .await?;
    Ok(web::Json(renamed))
}

/// Delete an empty organization (super admins; one with users or history answers 409).
#[utoipa::path(
    tag = "organizations",
    params(("id" = String, Path, description = "organization id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/organizations/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| organizations::delete_as(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
