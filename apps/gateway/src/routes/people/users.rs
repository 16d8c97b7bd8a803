//! Admin management of users: create, list, read, change, disable, set password, grants.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use owp_db::ids::{OrganizationId, UserId};
use owp_identity::users::{self, UserFilter, UserStatus};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::passwords::hash_new_password;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, StatusParam, page};
use crate::routes::views::{UserPage, UserView};
use crate::state::AppState;

/// A user to create (active, no roles, no password until one is set).
#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    /// Login name.
    email: String,
    /// Display name.
    full_name: Option<String>,
    /// Organization to create the user in (super admins only; default: the caller's).
    organization_id: Option<String>,
}

/// Create a user.
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, body = UserView),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "email taken"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let organization_id = body
        .organization_id
        .as_deref()
        .map(|raw| {
            raw.parse::<OrganizationId>().map_err(|_| {
                ApiError::invalid_field("organization_id", "is not an organization id")
            })
        })
        .transpose()?;
    let input = users::CreatedUser {
        email: body.email,
        full_name: body.full_name,
        organization_id,
    };
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::create_user_as(conn, &auth.0, &ctx, input, at))
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}

/// Filters of the user list.
#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
    /// `pending`, `active`, `disabled` or `rejected`.
    #[param(inline)]
    status: Option<StatusParam>,
    /// Holders of this role name.
    role: Option<String>,
    /// Substring of email or name.
    q: Option<String>,
}

/// List the organization's users (super admins: every organization's).
#[utoipa::path(
    tag = "users",
    params(UserQuery),
    responses((status = 200, body = UserPage), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UserQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let query = query.into_inner();
    let page = page(query.limit, query.offset)?;
    let filter = UserFilter {
        organization_id: None,
        status: query.status.map(UserStatus::from),
        role: query.role,
        text: query.q.filter(|q| !q.trim().is_empty()),
    };
    let found = state
        .db
        .run(move |conn| users::list_visible_users(conn, &auth.0, filter, page))
        .await?;
    Ok(web::Json(UserPage::from(found)))
}

/// Pending registrations waiting for approval.
#[utoipa::path(
    tag = "users",
    params(("limit" = Option<i64>, Query, description = "1..=500"), ("offset" = Option<i64>, Query, description = "rows to skip")),
    responses((status = 200, body = UserPage)),
    security(("bearer" = []))
)]
#[get("/admin/users/pending")]
pub async fn pending_users(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PageQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let page = page(query.limit, query.offset)?;
    let filter = UserFilter {
        status: Some(UserStatus::Pending),
        ..UserFilter::default()
    };
    let found = state
        .db
        .run(move |conn| users::list_visible_users(conn, &auth.0, filter, page))
        .await?;
    Ok(web::Json(UserPage::from(found)))
}

/// Read a user.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    let user = state
        .db
        .run(move |conn| users::get_visible_user(conn, &auth.0, id))
        .await?;
    Ok(web::Json(user.into()))
}

/// Changes to a user.
#[derive(Deserialize, ToSchema)]
pub struct PatchUser {
    /// New display name.
    full_name: Option<String>,
    /// Activate (`true`) or disable (`false`).
    active: Option<bool>,
    /// Replace the role set (role names).
    roles: Option<Vec<String>>,
}

/// Change a user's name, active flag or roles.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    request_body = PatchUser,
    responses(
        (status = 200, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn patch_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<PatchUser>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let patch = users::UserPatch {
        full_name: body.full_name,
        active: body.active,
        roles: body.roles,
    };
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::update_user_as(conn, &auth.0, &ctx, id, patch, at))
        .await?;
    Ok(web::Json(user.into()))
}

/// Disable a user; history and audit stay.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/users/{id}")]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::disable_user_as(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(web::Json(user.into()))
}

/// A password an admin sets.
#[derive(Deserialize, ToSchema)]
pub struct SetPassword {
    /// The new password (at least 8 characters).
    password: String,
}

/// Set a user's password (the user's sessions end).
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    request_body = SetPassword,
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let phc = hash_new_password("password", body.into_inner().password).await?;
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| users::set_password_as(conn, &auth.0, &ctx, id, &phc, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
