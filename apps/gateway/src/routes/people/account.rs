//! The caller's own account: who am I, change my password, register.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use owp_identity::users::{self, UserStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{Auth, audit_context};
use crate::http::passwords::hash_new_password;
use crate::http::problem::{ApiError, Problem};
use crate::routes::views::UserView;
use crate::state::AppState;

/// The caller: account, organization, roles, effective permissions and grants.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The account.
    user: UserView,
    /// The caller's organization.
    organization: OrganizationRef,
    /// Role names.
    roles: Vec<String>,
    /// Effective permissions (narrowed by an API key's scopes).
    permissions: Vec<String>,
    /// Allowed models for this caller (`null` = any the roles allow).
    allowed_model_ids: Option<Vec<String>>,
    /// Allowed tools (`null` = any).
    allowed_tool_ids: Option<Vec<String>>,
    /// `session` or `api_key`.
    authenticated_by: &'static str,
}

/// An organization reference.
#[derive(Serialize, ToSchema)]
pub struct OrganizationRef {
    /// Id.
    id: String,
    /// Name.
    name: String,
    /// Slug.
    slug: String,
}

/// Who am I.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<Me>, ApiError> {
    let principal = auth.0;
    let who = principal.clone();
    let (user, organization) = state
        .db
        .run(move |conn| users::own_account(conn, &who))
        .await?;
    Ok(web::Json(Me {
        user: user.into(),
        organization: OrganizationRef {
            id: organization.id.to_string(),
            name: organization.name,
            slug: organization.slug,
        },
        roles: principal.roles,
        permissions: principal.permissions.into_iter().collect(),
        allowed_model_ids: principal.allowed_model_ids,
        allowed_tool_ids: principal.allowed_tool_ids,
        authenticated_by: if principal.credential_id.is_some() {
            "api_key"
        } else {
            "session"
        },
    }))
}

/// A password change.
#[derive(Deserialize, ToSchema)]
pub struct ChangePassword {
    /// The password in use now.
    current_password: String,
    /// The new password (at least 8 characters).
    new_password: String,
}

/// Change one's own password; every other session of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePassword,
    responses(
        (status = 204),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "wrong current password or weak new one"),
    ),
    security(("bearer" = []))
)]
#[post("/auth/change-password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    users::change_own_password(
        &state.db,
        &auth.0,
        ctx,
        body.current_password,
        body.new_password,
        at,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A self-registration.
#[derive(Deserialize, ToSchema)]
pub struct Registration {
    /// Login name.
    email: String,
    /// Password (at least 8 characters).
    password: String,
    /// Display name.
    full_name: Option<String>,
}

/// What registration did.
#[derive(Serialize, ToSchema)]
pub struct Registered {
    /// The new account (`pending` until an admin approves it, in approval mode).
    user: UserView,
    /// What happens next, for the person.
    message: &'static str,
}

/// Register an account; per `SIGNUP_MODE` it waits for approval, is active at once, or is refused.
#[utoipa::path(
    tag = "auth",
    request_body = Registration,
    responses(
        (status = 201, body = Registered),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "registration is closed"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "email taken"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Registration>,
) -> Result<HttpResponse, ApiError> {
    state.signup_mode.check_open()?;
    throttle_registration(&state, &req).await?;
    let body = body.into_inner();
    users::normalize_email(&body.email)?;
    let phc = hash_new_password("password", body.password).await?;
    let input = users::SelfRegistration {
        email: body.email,
        full_name: body.full_name,
    };
    let ctx = audit_context(&req, &state);
    let mode = state.signup_mode;
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| users::register(conn, &ctx, mode, input, &phc, at))
        .await?;
    let message = if user.status == UserStatus::Active {
        "registered; you can sign in now"
    } else {
        "registered; an admin must approve the account before you can sign in"
    };
    Ok(HttpResponse::Created().json(Registered {
        user: user.into(),
        message,
    }))
}

/// Counts a registration from the caller's address (sign-up and invitation acceptance share
/// one allowance), before any password is hashed; 429 with `Retry-After` over it.
pub(crate) async fn throttle_registration(
    state: &AppState,
    req: &HttpRequest,
) -> Result<(), ApiError> {
    let address = audit_context(req, state).ip.unwrap_or_default();
    state
        .sign_in_throttle
        .register(&address)
        .await
        .map_err(|retry_after| ApiError::TooManyRequests {
            detail: "too many registrations from this address; try again later".into(),
            retry_after,
        })
}
