//! Enforces [`crate::routes::access::ROUTES`] for every request of a scope, before its handler:
//! the caller is authenticated once (the handler's [`Auth`] reuses it) and must hold what the
//! route needs. Unknown paths pass through to the 404/405 fallback.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::auth::Auth;
use super::problem::ApiError;
use crate::routes::access::{Need, need_of};

/// Checks the caller against the route's entry in the access table.
pub async fn enforce(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let need = need_of(req.method().as_str(), req.path());
    if let Some(need) = need.filter(|n| *n != Need::Anyone) {
        let auth = match req.extract::<Auth>().await {
            Ok(auth) => auth,
            Err(err) => return Ok(req.error_response(err)),
        };
        if let Err(refused) = need.allows(&auth.0) {
            return Ok(req.error_response(ApiError::from(refused)));
        }
        req.extensions_mut().insert(auth);
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
