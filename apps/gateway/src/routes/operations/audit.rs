//! The audit trail: list, verify the hash chain, export as CSV.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use owp_audit::{AuditEvent, AuditFilter, ChainHead, ChainReport, EventType};
use owp_db::Page;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::page;
use crate::state::AppState;
use owp_identity::users::visible_organization;

/// Filters of the audit list and export.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
    /// e.g. `login_success`.
    event_type: Option<String>,
    /// Events this user did or was the subject of.
    user_id: Option<String>,
    /// From this time on (RFC 3339).
    since: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339).
    until: Option<DateTime<Utc>>,
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// This page's events.
    items: Vec<AuditEvent>,
    /// Size of the whole filtered list.
    total: i64,
}

fn filter(auth: &Auth, query: &AuditQuery) -> Result<AuditFilter, ApiError> {
    let event_type = query
        .event_type
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<EventType>())
        .transpose()
        .map_err(|e| ApiError::invalid_field("event_type", e.to_string()))?;
    let user_id = query
        .user_id
        .as_deref()
        .filter(|u| !u.is_empty())
        .map(str::parse)
        .transpose()
        .map_err(|_| ApiError::invalid_field("user_id", "is not a user id"))?;
    Ok(AuditFilter {
        organization_id: visible_organization(&auth.0),
        event_type,
        user_id,
        since: query.since.map(owp_db::time::to_stored),
        until: query.until.map(owp_db::time::to_stored),
    })
}

/// List audit events, newest first (admins: their organization; super admins: all).
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    let page = page(query.limit, query.offset)?;
    let filter = filter(&auth, &query)?;
    let found = state
        .db
        .run(move |conn| owp_audit::query(conn, &filter, page))
        .await?;
    Ok(web::Json(AuditPage {
        items: found.items,
        total: found.total,
    }))
}

/// Options of the chain walk.
#[derive(Deserialize, IntoParams)]
pub struct VerifyQuery {
    /// A head logged earlier as `SEQ:HASH` (the `owp::audit` log lines): the chain must still
    /// hold that event with that hash, which finds a cut-off tail.
    expect_head: Option<String>,
}

/// Walk the hash chain and name the first edited, missing, re-ordered or re-hashed event;
/// with `expect_head`, also a tail cut off below that head.
#[utoipa::path(
    tag = "audit",
    params(VerifyQuery),
    responses((status = 200, body = ChainReport), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/audit/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    _auth: Auth,
    query: web::Query<VerifyQuery>,
) -> Result<web::Json<ChainReport>, ApiError> {
    let expected = query
        .expect_head
        .as_deref()
        .filter(|h| !h.is_empty())
        .map(str::parse::<ChainHead>)
        .transpose()
        .map_err(|e| ApiError::invalid_field("expect_head", e.to_string()))?;
    let key = state.audit_key.clone();
    let report = state
        .db
        .run(move |conn| owp_audit::verify(conn, &key, expected.as_ref()))
        .await?;
    Ok(web::Json(report))
}

const CSV_HEADER: &str = "id,seq,occurred_at,event_type,actor_user_id,subject_user_id,credential_id,organization_id,ip,user_agent,request_id,detail\n";
/// Rows fetched per round trip while streaming the export.
const EXPORT_BATCH: i64 = 500;

fn csv_field(value: &str) -> String {
    let needs_quotes = value.contains([',', '"', '\n', '\r']);
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{value}"),
        _ => value.to_owned(),
    };
    if needs_quotes || value.starts_with('\'') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_row(e: &AuditEvent) -> String {
    let opt = |v: &Option<String>| csv_field(v.as_deref().unwrap_or(""));
    format!(
        "{},{},{},{},{},{},{},{},{},{},{},{}\n",
        e.id,
        e.seq,
        e.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
        csv_field(&e.event_type),
        opt(&e.actor_user_id),
        opt(&e.subject_user_id),
        opt(&e.credential_id),
        opt(&e.organization_id),
        opt(&e.ip),
        opt(&e.user_agent),
        opt(&e.request_id),
        csv_field(&e.detail.to_string()),
    )
}

/// Export the filtered audit trail as CSV, streamed in batches (limit/offset are ignored).
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/audit/export")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = filter(&auth, &query)?;
    let db = state.db.clone();
    let header = futures_util::stream::once(async {
        Ok::<_, ApiError>(web::Bytes::from_static(CSV_HEADER.as_bytes()))
    });
    let rows = futures_util::stream::try_unfold(Some(0i64), move |offset| {
        let db = db.clone();
        let filter = filter.clone();
        async move {
            let Some(offset) = offset else {
                return Ok(None);
            };
            let page = Page::new(Some(EXPORT_BATCH), Some(offset))
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let found = db
                .run(move |conn| owp_audit::query(conn, &filter, page))
                .await?;
            if found.items.is_empty() {
                return Ok(None);
            }
            let next = (found.items.len() as i64 == EXPORT_BATCH).then_some(offset + EXPORT_BATCH);
            let chunk: String = found.items.iter().map(csv_row).collect();
            Ok(Some((web::Bytes::from(chunk), next)))
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("content-disposition", "attachment; filename=\"audit.csv\""))
        .streaming(futures_util::StreamExt::chain(header, rows)))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formula_safe() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "\"'=SUM(A1)\"");
    }
}
