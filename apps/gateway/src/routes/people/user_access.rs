//! Per-user grants and the approval of pending registrations.

use actix_web::{HttpRequest, get, post, put, web};
use owp_db::ids::UserId;
use owp_identity::users;
use owp_rbac::Grants;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::views::UserView;
use crate::state::AppState;

/// A user's model and tool allowlists (`null` = whatever the roles allow; a list = only those).
#[derive(Deserialize, serde::Serialize, ToSchema)]
pub struct GrantsBody {
    /// Allowed model names.
    allowed_model_ids: Option<Vec<String>>,
    /// Allowed tool ids.
    allowed_tool_ids: Option<Vec<String>>,
}

/// Read a user's grants.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = GrantsBody), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users/{id}/grants")]
pub async fn get_grants(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<GrantsBody>, ApiError> {
    let id = id.into_inner();
    let user = state
        .db
        .run(move |conn| users::get_visible_user(conn, &auth.0, id))
        .await?;
    Ok(web::Json(GrantsBody {
        allowed_model_ids: user.grants.allowed_model_ids,
        allowed_tool_ids: user.grants.allowed_tool_ids,
    }))
}

/// Replace a user's grants.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    request_body = GrantsBody,
    responses((status = 200, body = GrantsBody), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/grants")]
pub async fn put_grants(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<GrantsBody>,
) -> Result<web::Json<GrantsBody>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let grants = Grants {
        allowed_model_ids: body.allowed_model_ids,
        allowed_tool_ids: body.allowed_tool_ids,
    };
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::set_grants_as(conn, &auth.0, &ctx, id, &grants, at))
        .await?;
    Ok(web::Json(GrantsBody {
        allowed_model_ids: user.grants.allowed_model_ids,
        allowed_tool_ids: user.grants.allowed_tool_ids,
    }))
}

/// An admin's decision on a pending registration.
#[derive(Deserialize, ToSchema)]
pub struct ApproveBody {
    /// Approve (`true`) or reject (`false`).
    approved: bool,
    /// Role names to give on approval (default `user`).
    roles: Option<Vec<String>>,
    /// Allowed models (omit for no restriction).
    allowed_model_ids: Option<Vec<String>>,
    /// Allowed tools (omit for no restriction).
    allowed_tool_ids: Option<Vec<String>>,
    /// A note kept on the user.
    admin_notes: Option<String>,
}

/// Approve or reject a pending user.
#[utoipa::path(
    tag = "users",
    params(("id" = String, Path, description = "user id")),
    request_body = ApproveBody,
    responses(
        (status = 200, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the user is not pending"),
    ),
    security(("bearer" = []))
)]
#[post("/admin/users/{id}/approve")]
pub async fn approve_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<ApproveBody>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let decision = users::Decision {
        approved: body.approved,
        roles: body.roles,
        grants: Grants {
            allowed_model_ids: body.allowed_model_ids,
            allowed_tool_ids: body.allowed_tool_ids,
        },
        admin_notes: body.admin_notes,
    };
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::decide_registration(conn, &auth.0, &ctx, id, decision, at))
        .await?;
    Ok(web::Json(user.into()))
}
