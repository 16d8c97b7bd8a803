//! Enforces [`crate::routes::access::ROUTES`] for every request of a scope, before its handler.
//!
//! The entry is looked up on the path the router itself matches (`match_info`: percent-decoded
//! the way actix decodes it), never on the raw request line, so `/api/v1/%75sers` is judged as
//! `/api/v1/users`. The check fails closed: a request for which the table has no entry is
//! answered here (405 when the path exists under other methods, else 404) and never reaches the
//! router, so no handler runs without a decision. The caller is authenticated once; the
//! handler's [`Auth`] reuses it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::auth::Auth;
use super::problem::ApiError;
use crate::routes::access::{Need, allowed_methods, entry_of};

/// Checks the caller against the route's entry in the access table.
pub async fn enforce(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let routed_path = req.match_info().as_str().to_owned();
    let Some((pattern, need)) = entry_of(req.method().as_str(), &routed_path) else {
        let allow = allowed_methods(&routed_path);
        let refusal = if allow.is_empty() {
            ApiError::NotFound(format!("no route for {} {}", req.method(), req.path()))
        } else {
            ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allow,
            }
        };
        return Ok(req.error_response(refusal));
    };
    if need != Need::Anyone {
        let auth = match req.extract::<Auth>().await {
            Ok(auth) => auth,
            Err(err) => return Ok(req.error_response(err)),
        };
        if let Err(refused) = need.allows(&auth.0) {
            return Ok(req.error_response(ApiError::from(refused)));
        }
        req.extensions_mut().insert(auth);
    }
    let res = next.call(req).await?;
    if let Some(matched) = res.request().match_pattern()
        && matched != pattern
    {
        tracing::error!(
            decided = pattern,
            matched,
            "the access table and the router disagree on a route: fix the table"
        );
    }
    Ok(res.map_into_boxed_body())
}
