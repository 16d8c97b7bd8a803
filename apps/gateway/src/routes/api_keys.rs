//! API keys: issue (the secret is shown once), list, revoke — for others (admins) and oneself.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use owp_credentials::{
    ApiKeyInfo, NewApiKey, generate_api_key, get_api_key, hash_api_key, insert_api_key,
    list_api_keys, revoke_api_key,
};
use owp_db::ids::{CredentialId, UserId};
use owp_rbac::permissions::{self, API_KEYS_READ, API_KEYS_SELF, API_KEYS_WRITE};
use owp_rbac::{Principal, permissions_of};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::{parse_user_id, reachable_user};
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

/// Who may manage whose keys: one's own with `api_keys:self`, anyone's in reach with the admin
/// permission.
fn may_manage(
    principal: &Principal,
    owner: UserId,
    admin_permission: &str,
) -> Result<(), ApiError> {
    if owner == principal.user_id && principal.has(API_KEYS_SELF) {
        return Ok(());
    }
    Ok(principal.require(admin_permission)?)
}

async fn issue(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    owner: UserId,
    body: IssueKey,
) -> Result<HttpResponse, ApiError> {
    may_manage(&auth.0, owner, API_KEYS_WRITE)?;
    let label = body.label.trim().to_owned();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(ApiError::invalid_field(
            "label",
            "must be 1 to 100 characters",
        ));
    }
    let now = owp_db::time::now();
    if body.expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_field(
            "expires_at",
            "must be in the future",
        ));
    }
    if let Some(unknown) = body
        .scopes
        .iter()
        .flatten()
        .find(|s| !permissions::is_known(s))
    {
        return Err(ApiError::invalid_field(
            "scopes",
            format!("unknown permission {unknown:?}"),
        ));
    }
    let principal = auth.0.clone();
    let owner_permissions = state
        .db
        .run(move |conn| {
            reachable_user(conn, &principal, owner)?;
            Ok::<_, ApiError>(permissions_of(conn, owner)?)
        })
        .await?;
    if let Some(beyond) = body
        .scopes
        .iter()
        .flatten()
        .find(|s| !owner_permissions.contains(*s))
    {
        return Err(ApiError::invalid_field(
            "scopes",
            format!("the owner does not hold {beyond:?}"),
        ));
    }
    let allowed_model_ids = body
        .allowed_model_ids
        .as_deref()
        .map(owp_db::model_name::canonical_list)
        .transpose()
        .map_err(|e| ApiError::invalid_field("allowed_model_ids", e.to_string()))?;
    let (prefix, secret) = generate_api_key();
    let to_hash = secret.clone();
    let hash = web::block(move || hash_api_key(&to_hash))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let new = NewApiKey {
        label,
        expires_at: body.expires_at,
        scopes: body.scopes,
        allowed_model_ids,
    };
    let ctx = auth.audit(req, state);
    let key = state
        .db
        .run(move |conn| insert_api_key(conn, &ctx, owner, &new, &prefix, &hash, now))
        .await?;
    Ok(HttpResponse::Created().json(IssuedKey {
        key: key.into(),
        secret,
    }))
}

async fn list(state: &AppState, auth: Auth, owner: UserId) -> Result<Vec<ApiKeyView>, ApiError> {
    may_manage(&auth.0, owner, API_KEYS_READ)?;
    let principal = auth.0;
    let keys = state
        .db
        .run(move |conn| {
            reachable_user(conn, &principal, owner)?;
            Ok::<_, ApiError>(list_api_keys(conn, owner)?)
        })
        .await?;
    Ok(keys.into_iter().map(ApiKeyView::from).collect())
}

async fn revoke(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    owner: UserId,
    key: &str,
) -> Result<ApiKeyView, ApiError> {
    may_manage(&auth.0, owner, API_KEYS_WRITE)?;
    let key: CredentialId = key
        .parse()
        .map_err(|_| ApiError::NotFound("not found".into()))?;
    let ctx = auth.audit(req, state);
    let principal = auth.0;
    let at = owp_db::time::now();
    let revoked = state
        .db
        .run(move |conn| {
            reachable_user(conn, &principal, owner)?;
            get_api_key(conn, owner, key)?;
            Ok::<_, ApiError>(revoke_api_key(conn, &ctx, owner, key, at)?)
        })
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
    id: web::Path<String>,
    body: web::Json<IssueKey>,
) -> Result<HttpResponse, ApiError> {
    let owner = parse_user_id(&id)?;
    issue(&state, &req, auth, owner, body.into_inner()).await
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
    id: web::Path<String>,
) -> Result<web::Json<Vec<ApiKeyView>>, ApiError> {
    let owner = parse_user_id(&id)?;
    Ok(web::Json(list(&state, auth, owner).await?))
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
    path: web::Path<(String, String)>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let (id, key) = path.into_inner();
    let owner = parse_user_id(&id)?;
    Ok(web::Json(revoke(&state, &req, auth, owner, &key).await?))
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
    key: web::Path<String>,
) -> Result<web::Json<ApiKeyView>, ApiError> {
    let owner = auth.0.user_id;
    Ok(web::Json(revoke(&state, &req, auth, owner, &key).await?))
}
