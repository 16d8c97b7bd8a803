//! API keys: issue (the secret is shown once), list, revoke — for others (admins) and oneself.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use owp_credentials::{ApiKeyInfo, generate_api_key, hash_api_key};
use owp_db::ids::{CredentialId, UserId};
use owp_identity::api_keys;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// An API key as listed: never its secret or hash.
#[derive(Serialize, ToSchema)]
pub struct ApiKeyView {
    /// Key id.
    id: String,
    /// Owner.
    user_id: String,
    /// What it is for.
    label: String,
    /// The public part of the key, to recognise it.
    prefix: String,
    /// Permissions it is limited to (`null` = the owner's).
    scopes: Option<Vec<String>>,
    /// Models it is limited to (`null` = the owner's).
    allowed_model_ids: Option<Vec<String>>,
    /// UTC.
    created_at: NaiveDateTime,
    /// Last use (minute resolution).
    last_used_at: Option<NaiveDateTime>,
    /// When it stops working.
    expires_at: Option<NaiveDateTime>,
    /// When it was revoked.
    revoked_at: Option<NaiveDateTime>,
}

impl From<ApiKeyInfo> for ApiKeyView {
    fn from(key: ApiKeyInfo) -> Self {
        Self {
            id: key.id.to_string(),
            user_id: key.user_id.to_string(),
            label: key.label,
            prefix: key.prefix,
            scopes: key.scopes,
            allowed_model_ids: key.allowed_model_ids,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            expires_at: key.expires_at,
            revoked_at: key.revoked_at,
        }
    }
}

/// A key to issue.
#[derive(Deserialize, ToSchema)]
pub struct IssueKey {
    /// What it is for (1..=100 characters).
    label: String,
    /// When it stops working (UTC, in the future).
    expires_at: Option<NaiveDateTime>,
    /// Limit it to these permissions (a subset of the owner's).
    scopes: Option<Vec<String>>,
    /// Limit it to these models.
    allowed_model_ids: Option<Vec<String>>,
}

/// A new key and its one-time secret.
#[derive(Serialize, ToSchema)]
pub struct IssuedKey {
    /// The key.
    key: ApiKeyView,
    /// `owp_…`: shown this once, never again.
    secret: String,
}

async fn issue(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    owner: UserId,
    body: IssueKey,
) -> Result<HttpResponse, ApiError> {
    let request = api_keys::KeyRequest {
        label: body.label,
        expires_at: body.expires_at,
        scopes: body.scopes,
        allowed_model_ids: body.allowed_model_ids,
    };
    let at = owp_db::time::now();
    let principal = auth.0.clone();
    let new = state
        .db
        .run(move |conn| api_keys::prepare_key(conn, &principal, owner, request, at))
        .await?;
    let (prefix, secret) = generate_api_key();
    let to_hash = secret.clone();
    let hash = web::block(move || hash_api_key(&to_hash))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let ctx = auth.audit(req, state);
    let key = state
        .db
        .run(move |conn| {
            api_keys::issue_key_as(conn, &auth.0, &ctx, owner, &new, &prefix, &hash, at)
        })
        .await?;
    Ok(HttpResponse::Created().json(IssuedKey {
        key: key.into(),
        secret,
    }))
}

async fn list(state: &AppState, auth: Auth, owner: UserId) -> Result<Vec<ApiKeyView>, ApiError> {
    let keys = state
        .db
        .run(move |conn| api_keys::list_keys_as(conn, &auth.0, owner))
        .await?;
    Ok(keys.into_iter().map(ApiKeyView::from).collect())
}

async fn revoke(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    owner: UserId,
    key: CredentialId,
) -> Result<ApiKeyView, ApiError> {
    let ctx = auth.audit(req, state);
    let at = owp_db::time::now();
    let revoked = state
        .db
        .run(move |conn| api_keys::revoke_key_as(conn, &auth.0, &ctx, owner, key, at))
        .await?;
    Ok(revoked.into())
}

/// Issue an API key for a user.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = String, Path, description = "user id")),
    request_body = IssueKey,
    responses((status = 201, body = IssuedKey), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/users/{id}/api-keys")]
pub async fn issue_for_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<IssueKey>,
) -> Result<HttpResponse, ApiError> {
    issue(&state, &req, auth, id.into_inner(), body.into_inner()).await
}

/// List a user's API keys (revoked ones included).
#[utoipa::path(
    tag = "api-keys",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = Vec<ApiKeyView>), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users/{id}/api-keys")]
pub async fn list_for_user(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<Vec<ApiKeyView>>, ApiError> {
    Ok(web::Json(list(&state, auth, id.into_inner()).await?))
}

/// Revoke a user's API key; it stops working on the next request.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = String, Path, description = "user id"), ("key_id" = String, Path, description = "key id")),
    responses((status = 200, body = ApiKeyView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/users/{id}/api-keys/{key_id}")]
pub async fn revoke_for_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(UserId, CredentialId)>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let (owner, key) = path.into_inner();
    Ok(web::Json(revoke(&state, &req, auth, owner, key).await?))
}

/// Issue an API key for oneself.
#[utoipa::path(
    tag = "api-keys",
    request_body = IssueKey,
    responses((status = 201, body = IssuedKey), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/me/api-keys")]
pub async fn issue_own(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<IssueKey>,
) -> Result<HttpResponse, ApiError> {
    let owner = auth.0.user_id;
    issue(&state, &req, auth, owner, body.into_inner()).await
}

/// List one's own API keys.
#[utoipa::path(
    tag = "api-keys",
    responses((status = 200, body = Vec<ApiKeyView>), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/me/api-keys")]
pub async fn list_own(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<ApiKeyView>>, ApiError> {
    let owner = auth.0.user_id;
    Ok(web::Json(list(&state, auth, owner).await?))
}

/// Revoke one's own API key.
#[utoipa::path(
    tag = "api-keys",
    params(("key_id" = String, Path, description = "key id")),
    responses((status = 200, body = ApiKeyView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/me/api-keys/{key_id}")]
pub async fn revoke_own(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    key: web::Path<CredentialId>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let owner = auth.0.user_id;
    Ok(web::Json(
        revoke(&state, &req, auth, owner, key.into_inner()).await?,
    ))
}
