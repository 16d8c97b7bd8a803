//! Sign-in, sessions and the caller's own account.

use actix_web::{HttpRequest, HttpResponse, post, web};
use owp_credentials::{verify_dummy, verify_password};
use owp_identity::{sessions, sign_in};
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

/// Checks email and password (argon2 on the blocking pool; an unknown email costs the same as a
/// wrong password) and opens a session. The attempt is counted against the account and the
/// address before the password is checked, and given back when it is right.
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
    let at = owp_db::time::now();
    if let Err(retry_after) = state.sign_in_throttle.reserve(&email, &address).await {
        let (audit_ctx, attempted) = (ctx.clone(), email.clone());
        state
            .db
            .run(move |conn| sign_in::record_throttled(conn, &audit_ctx, &attempted, at))
            .await?;
        return Err(ApiError::TooManyRequests {
            detail: "too many failed sign-ins; try again later".into(),
            retry_after,
        });
    }
    let lookup_email = email.clone();
    let lookup = state
        .db
        .run(move |conn| sign_in::look_up(conn, &lookup_email))
        .await?;
    let verified = {
        let phc = lookup.phc().map(str::to_owned);
        web::block(move || match phc {
            Some(phc) => verify_password(&phc, &password),
            None => {
                verify_dummy(&password);
                false
            }
        })
        .await
        .map_err(|e| ApiError::Internal(format!("password check failed: {e}")))?
    };
    if verified {
        state.sign_in_throttle.succeeded(&email, &address).await;
    }
    let ttl = chrono::TimeDelta::seconds(state.refresh_ttl_secs);
    let (issued, user) = state
        .db
        .run(move |conn| sign_in::finish(conn, &ctx, lookup, verified, ttl, at))
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
    let (issued, user) = state
        .db
        .run(move |conn| sign_in::refresh(conn, &ctx, &presented, at))
        .await?;
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
