//! The permission catalogue and roles: system roles plus the organization's custom roles.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDateTime;
use owp_db::ids::RoleId;
use owp_rbac::permissions;
use owp_rbac::{NewRole, Role, RoleChange};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// A permission and what it allows.
#[derive(Serialize, ToSchema)]
pub struct PermissionView {
    /// `resource:action`.
    name: &'static str,
    /// What it allows.
    description: &'static str,
}

/// Every permission a role can grant.
#[utoipa::path(tag = "roles", responses((status = 200, body = Vec<PermissionView>)), security(("bearer" = [])))]
#[get("/permissions")]
pub async fn list_permissions(_auth: Auth) -> Result<web::Json<Vec<PermissionView>>, ApiError> {
    Ok(web::Json(
        permissions::ALL
            .iter()
            .map(|p| PermissionView {
                name: p.name,
                description: p.description,
            })
            .collect(),
    ))
}

/// A role and what it grants.
#[derive(Serialize, ToSchema)]
pub struct RoleView {
    /// Role id.
    id: String,
    /// `null` for system roles.
    organization_id: Option<String>,
    /// Name.
    name: String,
    /// What it is for.
    description: String,
    /// System roles cannot be changed or deleted.
    is_system: bool,
    /// Granted permissions.
    permissions: Vec<String>,
    /// UTC.
    created_at: NaiveDateTime,
    /// UTC.
    updated_at: NaiveDateTime,
}

impl From<Role> for RoleView {
    fn from(role: Role) -> Self {
        Self {
            id: role.id.to_string(),
            organization_id: role.organization_id.map(|o| o.to_string()),
            name: role.name,
            description: role.description,
            is_system: role.is_system,
            permissions: role.permissions,
            created_at: role.created_at,
            updated_at: role.updated_at,
        }
    }
}

/// System roles and the organization's custom roles.
#[utoipa::path(tag = "roles", responses((status = 200, body = Vec<RoleView>)), security(("bearer" = [])))]
#[get("/roles")]
pub async fn list_roles(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<RoleView>>, ApiError> {
    let organization = auth.0.organization_id;
    let roles = state
        .db
        .run(move |conn| owp_rbac::list_roles(conn, organization))
        .await?;
    Ok(web::Json(roles.into_iter().map(RoleView::from).collect()))
}

/// A custom role to create.
#[derive(Deserialize, ToSchema)]
pub struct CreateRole {
    /// 1..=64 of `a-z0-9_-`, not a system role's name.
    name: String,
    /// What it is for.
    description: Option<String>,
    /// Permissions from the catalogue.
    #[serde(default)]
    permissions: Vec<String>,
}

/// Create a custom role.
#[utoipa::path(
    tag = "roles",
    request_body = CreateRole,
    responses((status = 201, body = RoleView), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/roles")]
pub async fn create_role(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<CreateRole>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new = NewRole {
        name: body.name,
        description: body.description.unwrap_or_default(),
        permissions: body.permissions,
    };
    let ctx = auth.audit(&req, &state);
    let organization = auth.0.organization_id;
    let at = owp_db::time::now();
    let role = state
        .db
        .run(move |conn| owp_rbac::create_role(conn, &ctx, organization, &new, at))
        .await?;
    Ok(HttpResponse::Created().json(RoleView::from(role)))
}

/// Read a role.
#[utoipa::path(
    tag = "roles",
    params(("id" = String, Path, description = "role id")),
    responses((status = 200, body = RoleView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/roles/{id}")]
pub async fn get_role(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<RoleId>,
) -> Result<web::Json<RoleView>, ApiError> {
    let id = id.into_inner();
    let organization = auth.0.organization_id;
    let role = state
        .db
        .run(move |conn| owp_rbac::get_role(conn, organization, id))
        .await?;
    Ok(web::Json(role.into()))
}

/// Changes to a custom role; `add_permissions` / `remove_permissions` assign or revoke in bulk.
#[derive(Deserialize, ToSchema)]
pub struct PatchRole {
    /// New name.
    name: Option<String>,
    /// New description.
    description: Option<String>,
    /// Replace the permission set.
    permissions: Option<Vec<String>>,
    /// Permissions to add.
    #[serde(default)]
    add_permissions: Vec<String>,
    /// Permissions to remove.
    #[serde(default)]
    remove_permissions: Vec<String>,
}

/// Change a custom role (system roles answer 403).
#[utoipa::path(
    tag = "roles",
    params(("id" = String, Path, description = "role id")),
    request_body = PatchRole,
    responses((status = 200, body = RoleView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/roles/{id}")]
pub async fn patch_role(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<RoleId>,
    body: web::Json<PatchRole>,
) -> Result<web::Json<RoleView>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let change = RoleChange {
        name: body.name,
        description: body.description,
        permissions: body.permissions,
        add_permissions: body.add_permissions,
        remove_permissions: body.remove_permissions,
    };
    let ctx = auth.audit(&req, &state);
    let organization = auth.0.organization_id;
    let at = owp_db::time::now();
    let role = state
        .db
        .run(move |conn| owp_rbac::update_role(conn, &ctx, organization, id, &change, at))
        .await?;
    Ok(web::Json(role.into()))
}

/// Delete a custom role (its holders lose it; system roles answer 403).
#[utoipa::path(
    tag = "roles",
    params(("id" = String, Path, description = "role id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/roles/{id}")]
pub async fn delete_role(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<RoleId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let organization = auth.0.organization_id;
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| owp_rbac::delete_role(conn, &ctx, organization, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
