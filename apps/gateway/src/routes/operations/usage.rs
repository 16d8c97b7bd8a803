//! Usage reports (own, and the organization's for admins) and token budgets (quotas) per user
//! and per API key.

use actix_web::{HttpRequest, get, put, web};
use chrono::NaiveDate;
use owp_db::ids::{CredentialId, UserId};
use owp_metering::quotas::{Quota, Subject};
use owp_metering::report::{self, ReportQuery, UsageReport};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Which days and model a report covers.
#[derive(Deserialize, IntoParams)]
pub struct UsageQuery {
    /// First day included (`YYYY-MM-DD`, UTC); default: 31 days up to `until` (or today).
    since: Option<NaiveDate>,
    /// Last day included.
    until: Option<NaiveDate>,
    /// Only this model.
    model: Option<String>,
    /// Only this user (admin report).
    user_id: Option<String>,
}

impl UsageQuery {
    fn parse(self) -> Result<ReportQuery, ApiError> {
        let user = self
            .user_id
            .as_deref()
            .map(|raw| {
                raw.parse::<UserId>()
                    .map_err(|_| ApiError::invalid_field("user_id", "is not a user id"))
            })
            .transpose()?;
        Ok(ReportQuery {
            since: self.since,
            until: self.until,
            model: self.model,
            user,
        })
    }
}

/// Your usage by day and model, and your budgets.
#[utoipa::path(
    tag = "usage",
    params(UsageQuery),
    responses((status = 200, body = UsageReport), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/usage")]
pub async fn own(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UsageQuery>,
) -> Result<web::Json<UsageReport>, ApiError> {
    let caller = owp_chat::caller_of(&auth.0);
    let query = UsageQuery {
        user_id: None,
        ..query.into_inner()
    }
    .parse()?;
    let at = owp_db::time::now();
    let found = state
        .db
        .run(move |conn| report::own_report(conn, &caller, query, at))
        .await?;
    Ok(web::Json(found))
}

/// The organization's usage by day, model and user.
#[utoipa::path(
    tag = "usage",
    params(UsageQuery),
    responses((status = 200, body = UsageReport), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/admin/usage")]
pub async fn organization(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<UsageQuery>,
) -> Result<web::Json<UsageReport>, ApiError> {
    let query = query.into_inner().parse()?;
    let organization = auth.0.organization_id;
    let at = owp_db::time::now();
    let found = state
        .db
        .run(move |conn| report::organization_report(conn, organization, query, at))
        .await?;
    Ok(web::Json(found))
}

/// A user's token budgets (`null` = no cap).
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = Quota), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users/{id}/quota")]
pub async fn get_user_quota(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<Quota>, ApiError> {
    let subject = Subject::User(id.into_inner());
    let quota = state
        .db
        .run(move |conn| owp_chat::budgets::quota_as(conn, &auth.0, subject))
        .await?;
    Ok(web::Json(quota))
}

/// Set a user's token budgets (all their sessions and keys together).
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id")),
    request_body = Quota,
    responses((status = 200, body = Quota), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/quota")]
pub async fn put_user_quota(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<Quota>,
) -> Result<web::Json<Quota>, ApiError> {
    set_quota(
        &state,
        &req,
        auth,
        Subject::User(id.into_inner()),
        body.into_inner(),
    )
    .await
}

/// Set one API key's token budgets (on top of its owner's).
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id"), ("key_id" = String, Path, description = "API key id")),
    request_body = Quota,
    responses((status = 200, body = Quota), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/api-keys/{key_id}/quota")]
pub async fn put_key_quota(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(UserId, CredentialId)>,
    body: web::Json<Quota>,
) -> Result<web::Json<Quota>, ApiError> {
    let (owner, key) = path.into_inner();
    set_quota(
        &state,
        &req,
        auth,
        Subject::Key { owner, key },
        body.into_inner(),
    )
    .await
}

async fn set_quota(
    state: &AppState,
    req: &HttpRequest,
    auth: Auth,
    subject: Subject,
    quota: Quota,
) -> Result<web::Json<Quota>, ApiError> {
    let ctx = auth.audit(req, state);
    let at = owp_db::time::now();
    let set = state
        .db
        .run(move |conn| owp_chat::budgets::set_quota_as(conn, &auth.0, &ctx, subject, &quota, at))
        .await?;
    Ok(web::Json(set))
}
