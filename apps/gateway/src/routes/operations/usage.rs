//! Usage reports (own, and the organization's for admins) and token budgets (quotas) per user
//! and per API key.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, get, put, web};
use chrono::{NaiveDate, NaiveDateTime};
use owp_credentials::get_api_key;
use owp_db::ids::{CredentialId, UserId};
use owp_identity::users::get_visible_user;
use owp_metering::quotas::{self, Budget, Quota, Subject};
use owp_metering::usage::{self, UsageBucket, UsageFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// Spend of one day and model (and user, in the admin report).
#[derive(Serialize, ToSchema, Default, Clone)]
pub struct UsageRow {
    /// `YYYY-MM-DD` (UTC).
    day: String,
    /// Model name.
    model: String,
    /// The user (admin report only).
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    /// Model calls.
    requests: i64,
    /// Prompt tokens.
    prompt_tokens: i64,
    /// Generated tokens.
    completion_tokens: i64,
    /// Both.
    total_tokens: i64,
}

impl UsageRow {
    fn add(&mut self, bucket: &UsageBucket) {
        self.requests += bucket.requests;
        self.prompt_tokens += bucket.prompt_tokens;
        self.completion_tokens += bucket.completion_tokens;
        self.total_tokens += bucket.prompt_tokens + bucket.completion_tokens;
    }
}

/// A budget and what is left of it.
#[derive(Serialize, ToSchema)]
pub struct BudgetView {
    /// `user` or `api_key`.
    scope: &'static str,
    /// `daily` or `monthly`.
    period: &'static str,
    /// Tokens allowed in the period.
    limit: i64,
    /// Tokens spent in the period.
    used: i64,
    /// Tokens left.
    remaining: i64,
    /// When the period starts over (UTC).
    resets_at: NaiveDateTime,
}

impl From<Budget> for BudgetView {
    fn from(b: Budget) -> Self {
        Self {
            scope: b.scope,
            period: b.period,
            limit: b.limit,
            used: b.used,
            remaining: b.remaining,
            resets_at: b.resets_at,
        }
    }
}

/// A usage report.
#[derive(Serialize, ToSchema)]
pub struct UsageReport {
    /// Newest day first.
    items: Vec<UsageRow>,
    /// Sums over the items.
    totals: UsageRow,
    /// The caller's budgets (own report only; empty when none is set).
    budgets: Vec<BudgetView>,
}

/// Days a report covers when the query names no `since`, so an unfiltered report stays small.
const DEFAULT_DAYS: i64 = 31;

fn filter(query: &UsageQuery, user: Option<UserId>) -> Result<UsageFilter, ApiError> {
    let since = query.since.unwrap_or_else(|| {
        let today = query.until.unwrap_or_else(|| owp_db::time::now().date());
        today - chrono::TimeDelta::days(DEFAULT_DAYS - 1)
    });
    if query.until.is_some_and(|until| since > until) {
        return Err(ApiError::invalid_field("since", "must not be after until"));
    }
    Ok(UsageFilter {
        user,
        model: query.model.clone(),
        since: Some(since),
        until: query.until,
    })
}

/// Sums buckets per day and model (and user when `per_user`), keys merged.
fn report(buckets: &[UsageBucket], per_user: bool, budgets: Vec<Budget>) -> UsageReport {
    let mut rows: BTreeMap<(String, String, String), UsageRow> = BTreeMap::new();
    let mut totals = UsageRow::default();
    for bucket in buckets {
        let user = if per_user {
            bucket.user_id.clone()
        } else {
            String::new()
        };
        let key = (bucket.day.clone(), bucket.model.clone(), user);
        rows.entry(key)
            .or_insert_with(|| UsageRow {
                day: bucket.day.clone(),
                model: bucket.model.clone(),
                user_id: per_user.then(|| bucket.user_id.clone()),
                ..UsageRow::default()
            })
            .add(bucket);
        totals.add(bucket);
    }
    UsageReport {
        items: rows.into_values().rev().collect(),
        totals,
        budgets: budgets.into_iter().map(Into::into).collect(),
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
    let filter = filter(&query, Some(caller.user_id))?;
    let at = owp_db::time::now();
    let (buckets, budgets) = state
        .db
        .run(move |conn| {
            let buckets = usage::usage_buckets(conn, caller.organization_id, &filter)?;
            Ok::<_, owp_metering::MeteringError>((buckets, quotas::budgets(conn, &caller, at)?))
        })
        .await?;
    Ok(web::Json(report(&buckets, false, budgets)))
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
    let user = query
        .user_id
        .as_deref()
        .map(|raw| {
            raw.parse::<UserId>()
                .map_err(|_| ApiError::invalid_field("user_id", "is not a user id"))
        })
        .transpose()?;
    let filter = filter(&query, user)?;
    let organization = auth.0.organization_id;
    let buckets = state
        .db
        .run(move |conn| usage::usage_buckets(conn, organization, &filter))
        .await?;
    Ok(web::Json(report(&buckets, true, Vec::new())))
}

/// Token budgets: `null` = no cap.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct QuotaBody {
    /// Tokens per UTC day.
    daily_tokens: Option<i64>,
    /// Tokens per UTC calendar month.
    monthly_tokens: Option<i64>,
}

impl From<Quota> for QuotaBody {
    fn from(q: Quota) -> Self {
        Self {
            daily_tokens: q.daily_tokens,
            monthly_tokens: q.monthly_tokens,
        }
    }
}

impl From<QuotaBody> for Quota {
    fn from(q: QuotaBody) -> Self {
        Self {
            daily_tokens: q.daily_tokens,
            monthly_tokens: q.monthly_tokens,
        }
    }
}

/// A user's token budgets.
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id")),
    responses((status = 200, body = QuotaBody), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/users/{id}/quota")]
pub async fn get_user_quota(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<UserId>,
) -> Result<web::Json<QuotaBody>, ApiError> {
    let id = id.into_inner();
    let principal = auth.0;
    let quota = state
        .db
        .run(move |conn| {
            get_visible_user(conn, &principal, id)?;
            Ok::<_, ApiError>(quotas::quota_of(conn, Subject::User(id))?)
        })
        .await?;
    Ok(web::Json(quota.into()))
}

/// Set a user's token budgets (all their sessions and keys together).
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id")),
    request_body = QuotaBody,
    responses((status = 200, body = QuotaBody), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/quota")]
pub async fn put_user_quota(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<UserId>,
    body: web::Json<QuotaBody>,
) -> Result<web::Json<QuotaBody>, ApiError> {
    let id = id.into_inner();
    let quota = Quota::from(body.into_inner());
    let ctx = auth.audit(&req, &state);
    let principal = auth.0;
    let at = owp_db::time::now();
    let set = state
        .db
        .run(move |conn| {
            get_visible_user(conn, &principal, id)?;
            Ok::<_, ApiError>(owp_chat::budgets::set_quota(
                conn,
                &ctx,
                Subject::User(id),
                &quota,
                at,
            )?)
        })
        .await?;
    Ok(web::Json(set.into()))
}

/// Set one API key's token budgets (on top of its owner's).
#[utoipa::path(
    tag = "usage",
    params(("id" = String, Path, description = "user id"), ("key_id" = String, Path, description = "API key id")),
    request_body = QuotaBody,
    responses((status = 200, body = QuotaBody), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[put("/users/{id}/api-keys/{key_id}/quota")]
pub async fn put_key_quota(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(UserId, CredentialId)>,
    body: web::Json<QuotaBody>,
) -> Result<web::Json<QuotaBody>, ApiError> {
    let (owner, key) = path.into_inner();
    let quota = Quota::from(body.into_inner());
    let ctx = auth.audit(&req, &state);
    let principal = auth.0;
    let at = owp_db::time::now();
    let set = state
        .db
        .run(move |conn| {
            get_visible_user(conn, &principal, owner)?;
            get_api_key(conn, owner, key)?;
            let subject = Subject::Key { owner, key };
            Ok::<_, ApiError>(owp_chat::budgets::set_quota(
                conn, &ctx, subject, &quota, at,
            )?)
        })
        .await?;
    Ok(web::Json(set.into()))
}
