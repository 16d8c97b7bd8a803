//! Organizations (tenants): super admins manage them; others see their own.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDateTime;
use owp_db::ids::OrganizationId;
use owp_identity::organizations::{self, NewOrganization, Organization};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::state::AppState;

/// An organization.
#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    /// Id.
    id: String,
    /// Display name.
    name: String,
    /// URL-safe unique handle.
    slug: String,
    /// UTC.
    created_at: NaiveDateTime,
    /// UTC.
    updated_at: NaiveDateTime,
}

impl From<Organization> for OrganizationView {
    fn from(o: Organization) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name,
            slug: o.slug,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A page of organizations.
#[derive(Serialize, ToSchema)]
pub struct OrganizationPage {
    /// This page's organizations.
    items: Vec<OrganizationView>,
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
    let principal = auth.0;
    let found = state
        .db
        .run(move |conn| {
            if principal.is_super_admin() {
                organizations::list(conn, page)
            } else {
                let own = organizations::get(conn, principal.organization_id)?;
                Ok(owp_db::Paged {
                    items: vec![own],
                    total: 1,
                })
            }
        })
        .await?;
    Ok(web::Json(OrganizationPage {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
    }))
}

/// An organization to create.
#[derive(Deserialize, ToSchema)]
pub struct CreateOrganization {
    /// Display name (1..=200 characters).
    name: String,
    /// 1..=64 of `a-z0-9-`.
    slug: String,
}

/// Create an organization (super admins).
#[utoipa::path(
    tag = "organizations",
    request_body = CreateOrganization,
    responses((status = 201, body = OrganizationView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/organizations")]
pub async fn create(
    state: web::Data<AppState>,
    _auth: Auth,
    body: web::Json<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    let slug_ok = !body.slug.is_empty()
        && body.slug.len() <= 64
        && body
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug_ok {
        return Err(ApiError::invalid_field(
            "slug",
            "must be 1 to 64 characters of a-z, 0-9 and '-'",
        ));
    }
    let new = NewOrganization {
        name,
        slug: body.slug,
    };
    let at = owp_db::time::now();
    let created = state
        .db
        .run(move |conn| organizations::create(conn, new, at))
        .await?;
    Ok(HttpResponse::Created().json(OrganizationView::from(created)))
}

/// Read an organization (another one's is 404 unless super admin).
#[utoipa::path(
    tag = "organizations",
    params(("id" = String, Path, description = "organization id")),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/organizations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<OrganizationId>,
) -> Result<web::Json<OrganizationView>, ApiError> {
    let id = id.into_inner();
    if !auth.0.can_reach(id) {
        return Err(ApiError::NotFound("not found".into()));
    }
    let found = state
        .db
        .run(move |conn| organizations::get(conn, id))
        .await?;
    Ok(web::Json(found.into()))
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
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/organizations/{id}")]
pub async fn rename(
    state: web::Data<AppState>,
    _auth: Auth,
    id: web::Path<OrganizationId>,
    body: web::Json<RenameOrganization>,
) -> Result<web::Json<OrganizationView>, ApiError> {
    let id = id.into_inner();
    let name = body.into_inner().name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    let at = owp_db::time::now();
    let renamed = state
        .db
        .run(move |conn| organizations::rename(conn, id, &name, at))
        .await?;
    Ok(web::Json(renamed.into()))
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
    _auth: Auth,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db
        .run(move |conn| organizations::delete(conn, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
