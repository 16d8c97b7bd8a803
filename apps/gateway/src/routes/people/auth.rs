//! Sign-in, sessions and the caller's own account.

use actix_web::{HttpRequest, HttpResponse, post, web};
use owp_audit::{EventType, NewAuditEvent};
use owp_credentials::{password_hash_of, verify_dummy, verify_password};
use owp_db::ids::UserId;
use owp_identity::IdentityError;
use owp_identity::sessions;
use owp_identity::users::{LoginCandidate, UserStatus, get_user, record_login};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{Auth, audit_context};
use crate::http::problem::{ApiError, Problem};
use crate::routes::views::UserView;
use crate::state::AppState;

/// Sign-in by email and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name (any case).
    email: String,
    /// Password.
    password: String,
}

/// Tokens for a new or refreshed session.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`.
    access_token: String,
    /// Opaque, single-use token for `/auth/refresh`.
    refresh_token: String,
    /// Always `bearer`.
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: i64,
    /// The signed-in user.
    user: UserView,
}

/// Why sign-in failed, for the audit trail (clients see one message for all of them).
fn failure_event(candidate: Option<&LoginCandidate>, reason: &str) -> NewAuditEvent {
    let event =
        NewAuditEvent::new(EventType::LoginFailure).detail(serde_json::json!({"reason": reason}));
    match candidate {
        Some(c) => event.subject(c.id),
        None => event,
    }
}

/// Checks email and password (argon2 on the blocking pool; an unknown email costs the same as a
/// wrong password) and opens a session.
async fn sign_in(
    state: &AppState,
    req: &HttpRequest,
    email: String,
    password: String,
) -> Result<TokenResponse, ApiError> {
    if email.trim().is_empty() || password.is_empty() {
        return Err(ApiError::invalid_field(
            if email.trim().is_empty() {
                "email"
            } else {
                "password"
            },
            "is required",
        ));
    }
    let ctx = audit_context(req, state);
    let address = ctx.ip.clone().unwrap_or_default();
    if let Err(retry_after) = state.sign_in_throttle.reserve(&email, &address).await {
        let event = failure_event(None, "throttled")
            .detail(serde_json::json!({"reason": "throttled", "email": email.trim()}));
        let at = owp_db::time::now();
        let audit_ctx = ctx.clone();
        state
            .db
            .run(move |conn| owp_audit::record(conn, &audit_ctx, &event, at))
            .await?;
        return Err(ApiError::TooManyRequests {
            detail: "too many failed sign-ins; try again later".into(),
            retry_after,
        });
    }
    let lookup_email = email.clone();
    let found = state
        .db
        .run(move |conn| {
            let Some(candidate) = owp_identity::users::find_login(conn, &lookup_email)? else {
                return Ok::<_, owp_db::StoreError>(None);
            };
            let hash = password_hash_of(conn, candidate.id)?.map(|(_, phc)| phc);
            Ok(Some((candidate, hash)))
        })
        .await?;
    let verified = {
        let found = found.clone();
        web::block(move || match found {
            Some((_, Some(phc))) => verify_password(&phc, &password),
            _ => {
                verify_dummy(&password);
                false
            }
        })
        .await
        .map_err(|e| ApiError::Internal(format!("password check failed: {e}")))?
    };
    let candidate = found.map(|(c, _)| c);
    if verified {
        state.sign_in_throttle.succeeded(&email, &address).await;
    } else {
        let event = failure_event(candidate.as_ref(), "invalid_credentials");
        let at = owp_db::time::now();
        let audit_ctx = ctx.clone();
        state
            .db
            .run(move |conn| owp_audit::record(conn, &audit_ctx, &event, at))
            .await?;
        return Err(ApiError::Unauthorized("invalid email or password".into()));
    }
    let Some(candidate) = candidate else {
        return Err(ApiError::Unauthorized("invalid email or password".into()));
    };
    if candidate.status != UserStatus::Active {
        let reason = candidate.status.as_str();
        let event = failure_event(Some(&candidate), reason);
        let at = owp_db::time::now();
        let audit_ctx = ctx.clone();
        state
            .db
            .run(move |conn| owp_audit::record(conn, &audit_ctx, &event, at))
            .await?;
        return Err(ApiError::Forbidden(match candidate.status {
            UserStatus::Pending => "account pending approval".into(),
            other => format!("account {}", other.as_str()),
        }));
    }
    open_session(state, ctx, candidate.id).await
}

async fn open_session(
    state: &AppState,
    mut ctx: owp_audit::AuditContext,
    user: UserId,
) -> Result<TokenResponse, ApiError> {
    let ttl = chrono::TimeDelta::seconds(state.refresh_ttl_secs);
    let at = owp_db::time::now();
    let (issued, user) = state
        .db
        .run(move |conn| {
            let user = get_user(conn, user)?;
            ctx.actor_user_id = Some(user.id);
            ctx.organization_id = Some(user.organization_id);
            let issued = sessions::open_session(conn, user.id, &ctx, ttl, at)?;
            record_login(conn, &ctx, user.id, at)?;
            Ok::<_, ApiError>((issued, get_user(conn, user.id)?))
        })
        .await?;
    tokens_for(state, issued, user)
}

fn tokens_for(
    state: &AppState,
    issued: sessions::IssuedSession,
    user: owp_identity::users::User,
) -> Result<TokenResponse, ApiError> {
    let access_token = state
        .tokens
        .issue(
            user.id,
            user.organization_id,
            issued.session_id,
            chrono::Utc::now().timestamp(),
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(TokenResponse {
        access_token,
        refresh_token: issued.refresh_token,
        token_type: "bearer",
        expires_in: state.tokens.ttl_secs(),
        user: user.into(),
    })
}

/// Sign in with email and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "wrong email or password"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "account pending, disabled or rejected"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "too many failures; see Retry-After"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let body = body.into_inner();
    Ok(web::Json(
        sign_in(&state, &req, body.email, body.password).await?,
    ))
}

/// OAuth2 password grant (form-encoded), for the API page's Authorize button and OAuth2 clients.
#[derive(Deserialize, ToSchema)]
pub struct TokenForm {
    /// Must be `password`.
    grant_type: Option<String>,
    /// The email.
    username: String,
    /// The password.
    password: String,
}

/// Sign in with the OAuth2 password grant.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[post("/auth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let form = form.into_inner();
    if form.grant_type.as_deref().is_some_and(|g| g != "password") {
        return Err(ApiError::invalid_field(
            "grant_type",
            "only the password grant is supported",
        ));
    }
    Ok(web::Json(
        sign_in(&state, &req, form.username, form.password).await?,
    ))
}

/// A refresh token to exchange.
#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The token from sign-in or the last refresh.
    refresh_token: String,
}

/// Exchange a refresh token for new tokens; each refresh token works once.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem, content_type = "application/problem+json"))
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let ctx = audit_context(&req, &state);
    let presented = body.into_inner().refresh_token;
    let at = owp_db::time::now();
    let outcome = state
        .db
        .run(move |conn| {
            let issued = match sessions::rotate(conn, &ctx, &presented, at) {
                Ok(issued) => issued,
                Err(IdentityError::Store(err)) => return Err(ApiError::from(err)),
                Err(refused) => return Ok(Err(refused)),
            };
            let user = get_user(conn, issued.user_id)?;
            Ok(Ok((issued, user)))
        })
        .await?;
    let (issued, user) = outcome.map_err(ApiError::from)?;
    if user.status != UserStatus::Active {
        return Err(ApiError::Unauthorized(format!(
            "the account is {}",
            user.status.as_str()
        )));
    }
    Ok(web::Json(tokens_for(&state, issued, user)?))
}

/// End the current session: its access and refresh tokens stop working.
#[utoipa::path(
    tag = "auth",
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let user = auth.0.user_id;
    match auth.0.session_id {
        Some(session) => {
            state
                .db
                .run(move |conn| sessions::close_session(conn, &ctx, user, session, at))
                .await?
        }
        None => {
            return Err(ApiError::invalid_field(
                "authorization",
                "API keys have no session; revoke the key instead",
            ));
        }
    }
    Ok(HttpResponse::NoContent().finish())
}
