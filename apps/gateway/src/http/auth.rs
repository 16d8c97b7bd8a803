//! Who is calling: the `Auth` extractor (JWT access token or `owp_` API key, checked against
//! the database on every request so disabling a user or revoking a key takes effect at once)
//! and the audit context of a request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use owp_audit::AuditContext;
use owp_identity::principal::{principal_for_api_key, principal_for_token};
use owp_rbac::Principal;

use super::client_address::client_ip;
use super::problem::ApiError;
use super::request_context::RequestId;
use crate::state::AppState;

/// The authenticated caller; a handler taking `Auth` answers 401 to anonymous callers.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl Auth {
    /// Audit context naming this caller.
    pub fn audit(&self, req: &HttpRequest, state: &AppState) -> AuditContext {
        let mut ctx = audit_context(req, state);
        ctx.actor_user_id = Some(self.0.user_id);
        ctx.organization_id = Some(self.0.organization_id);
        ctx
    }
}

/// The caller's rate-limit window, for the `RateLimit-*` response headers.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitStatus(pub crate::http::limits::WindowState);

/// Prefix that tells API keys from JWTs.
const API_KEY_PREFIX: &str = "owp_";

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(auth) = req.extensions().get::<Auth>().cloned() {
            return Box::pin(std::future::ready(Ok(auth)));
        }
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let request = req.clone();
        Box::pin(async move {
            let token = token.ok_or_else(|| {
                ApiError::Unauthorized(
                    "sign in: send Authorization: Bearer <token or API key>".into(),
                )
            })?;
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let now = owp_db::time::now();
            let principal = if token.starts_with(API_KEY_PREFIX) {
                let cache = state.api_keys.clone();
                state
                    .db
                    .run(move |conn| {
                        principal_for_api_key(conn, &cache, &token, now).map_err(ApiError::from)
                    })
                    .await?
            } else {
                let verified = state.tokens.verify(&token).map_err(|e| {
                    tracing::debug!(%e, "access token refused");
                    ApiError::Unauthorized("the access token is invalid or expired".into())
                })?;
                state
                    .db
                    .run(move |conn| {
                        principal_for_token(conn, verified, now).map_err(ApiError::from)
                    })
                    .await?
            };
            let key = match principal.credential_id {
                Some(key) => format!("key:{key}"),
                None => format!("user:{}", principal.user_id),
            };
            let window = state.request_rate.hit(&key).await;
            request.extensions_mut().insert(RateLimitStatus(window));
            if window.exhausted {
                return Err(ApiError::TooManyRequests {
                    detail: format!("more than {} requests this minute; slow down", window.limit),
                    retry_after: window.reset_secs,
                });
            }
            Ok(Auth(principal))
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Where a request came from, for audit events of anonymous or authenticated callers and for
/// throttling by address, with the server's audit chain key. The address is the TCP peer, or
/// what `X-Forwarded-For` / `Forwarded` say when the peer is one of `TRUSTED_PROXIES`.
pub fn audit_context(req: &HttpRequest, state: &AppState) -> AuditContext {
    AuditContext {
        chain_key: state.audit_key.clone(),
        actor_user_id: None,
        system_actor: None,
        organization_id: None,
        ip: client_ip(req, Some(&state.trusted_proxies)).map(|ip| ip.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect()),
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
    }
}
