//! Admin management of users: create, list, read, change, disable, set password, grants.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use owp_audit::EventType;
use owp_credentials::store_password_hash;
use owp_db::AnyConnection;
use owp_db::ids::{OrganizationId, UserId};
use owp_identity::users::{self, NewUser, User, UserChange, UserFilter, UserStatus};
use owp_rbac::{Principal, resolve_role_names};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::params::{PageQuery, StatusParam, page};
use super::views::{UserPage, UserView};
use crate::http::auth::Auth;
use crate::http::passwords::hash_new_password;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Loads a user the caller may see: another organization's user is NotFound (not Forbidden),
/// so ids of other tenants cannot be probed.
pub(crate) fn reachable_user(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: UserId,
) -> Result<User, ApiError> {
    let user = users::get_user(conn, id)?;
    if principal.can_reach(user.organization_id) {
        Ok(user)
    } else {
        Err(ApiError::NotFound("not found".into()))
    }
}

/// The organization list queries are limited to (`None` for super admins).
pub(crate) fn visible_organization(principal: &Principal) -> Option<OrganizationId> {
    (!principal.is_super_admin()).then_some(principal.organization_id)
}

pub(crate) fn parse_user_id(raw: &str) -> Result<UserId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound("not found".into()))
}

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
    let ctx = auth.audit(&req, &state);
    let body = body.into_inner();
    let organization_id = match body.organization_id.as_deref() {
        None => auth.0.organization_id,
        Some(raw) => {
            let id: OrganizationId = raw.parse().map_err(|_| {
                ApiError::invalid_field("organization_id", "is not an organization id")
            })?;
            if !auth.0.can_reach(id) {
                return Err(ApiError::Forbidden(
                    "only a super admin can create users in another organization".into(),
                ));
            }
            id
        }
    };
    let new = NewUser {
        organization_id,
        email: body.email,
        full_name: body.full_name,
        status: UserStatus::Active,
        roles: Vec::new(),
    };
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::create_user(conn, &ctx, &new, EventType::UserCreated, at))
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
        organization_id: visible_organization(&auth.0),
        status: query.status.map(UserStatus::from),
        role: query.role,
        text: query.q.filter(|q| !q.trim().is_empty()),
    };
    let found = state
        .db
        .run(move |conn| users::list_users(conn, &filter, page))
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
        organization_id: visible_organization(&auth.0),
        status: Some(UserStatus::Pending),
        ..UserFilter::default()
    };
    let found = state
        .db
        .run(move |conn| users::list_users(conn, &filter, page))
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
    id: web::Path<String>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = parse_user_id(&id)?;
    let principal = auth.0;
    let user = state
        .db
        .run(move |conn| reachable_user(conn, &principal, id))
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
    id: web::Path<String>,
    body: web::Json<PatchUser>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = parse_user_id(&id)?;
    let body = body.into_inner();
    guard_self(&auth.0, id, body.active == Some(false), "disable")?;
    let ctx = auth.audit(&req, &state);
    let principal = auth.0;
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| {
            let target = reachable_user(conn, &principal, id)?;
            let roles = match &body.roles {
                Some(names) => Some(assignable_roles(
                    conn,
                    &principal,
                    target.organization_id,
                    names,
                )?),
                None => None,
            };
            let change = UserChange {
                full_name: body.full_name,
                active: body.active,
                roles,
            };
            Ok::<_, ApiError>(users::update_user(conn, &ctx, id, &change, at)?)
        })
        .await?;
    Ok(web::Json(user.into()))
}

/// Admins cannot lock themselves out by disabling their own account.
fn guard_self(
    principal: &Principal,
    target: UserId,
    disabling: bool,
    action: &str,
) -> Result<(), ApiError> {
    if disabling && principal.user_id == target {
        return Err(ApiError::Conflict {
            detail: format!("you cannot {action} your own account"),
            errors: Vec::new(),
        });
    }
    Ok(())
}

/// Role names → ids, refusing `super_admin` unless the caller is one (no privilege escalation).
pub(crate) fn assignable_roles(
    conn: &mut AnyConnection,
    principal: &Principal,
    organization: OrganizationId,
    names: &[String],
) -> Result<Vec<owp_db::ids::RoleId>, ApiError> {
    if !principal.is_super_admin() && names.iter().any(|n| n == "super_admin") {
        return Err(ApiError::Forbidden(
            "only a super admin can grant super_admin".into(),
        ));
    }
    Ok(resolve_role_names(conn, organization, names)?)
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
    id: web::Path<String>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = parse_user_id(&id)?;
    guard_self(&auth.0, id, true, "disable")?;
    let ctx = auth.audit(&req, &state);
    let principal = auth.0;
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| {
            let target = reachable_user(conn, &principal, id)?;
            if target.status == UserStatus::Disabled {
                return Ok(target);
            }
            let change = UserChange {
                active: Some(false),
                ..UserChange::default()
            };
            Ok::<_, ApiError>(users::update_user(conn, &ctx, id, &change, at)?)
        })
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
    id: web::Path<String>,
    body: web::Json<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_user_id(&id)?;
    let password = body.into_inner().password;
    let principal = auth.0.clone();
    state
        .db
        .run(move |conn| reachable_user(conn, &principal, id))
        .await?;
    let phc = hash_new_password("password", password).await?;
    let ctx = auth.audit(&req, &state);
    let keep = (auth.0.user_id == id)
        .then_some(auth.0.session_id)
        .flatten();
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| {
            store_password_hash(conn, &ctx, id, &phc, EventType::PasswordSet, at)?;
            owp_identity::sessions::close_other_sessions(conn, id, keep, at)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
