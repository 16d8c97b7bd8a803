//! Reading events back, newest first.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{OrganizationId, UserId};
use owp_db::schema::audit_events;
use owp_db::{AnyConnection, Page, Paged, StoreError};

use crate::event::{AuditEvent, EventType};

/// Which events to return; every set field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this tenant's events (`None` = every tenant, for super admins).
    pub organization_id: Option<OrganizationId>,
    /// Only this kind of event.
    pub event_type: Option<EventType>,
    /// Only events this user did or was the subject of.
    pub user_id: Option<UserId>,
    /// Only events at or after this time.
    pub since: Option<NaiveDateTime>,
    /// Only events before this time.
    pub until: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub(crate) struct StoredEvent {
    pub id: String,
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub event_type: String,
    pub actor_user_id: Option<String>,
    pub subject_user_id: Option<String>,
    pub credential_id: Option<String>,
    pub organization_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl TryFrom<StoredEvent> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: StoredEvent) -> Result<Self, StoreError> {
        Ok(AuditEvent {
            id: row
                .id
                .parse()
                .map_err(|e| StoreError::Internal(format!("bad audit id {}: {e}", row.id)))?,
            seq: row.seq,
            occurred_at: row.occurred_at,
            event_type: row.event_type,
            actor_user_id: row.actor_user_id,
            subject_user_id: row.subject_user_id,
            credential_id: row.credential_id,
            organization_id: row.organization_id,
            ip: row.ip,
            user_agent: row.user_agent,
            request_id: row.request_id,
            detail: serde_json::from_str(&row.detail).unwrap_or(serde_json::Value::Null),
        })
    }
}

fn filtered(filter: &AuditFilter) -> audit_events::BoxedQuery<'static, owp_db::AnyBackend> {
    let mut q = audit_events::table.into_boxed();
    if let Some(org) = filter.organization_id {
        q = q.filter(audit_events::organization_id.eq(org.to_string()));
    }
    if let Some(event_type) = filter.event_type {
        q = q.filter(audit_events::event_type.eq(event_type.as_str()));
    }
    if let Some(user) = filter.user_id {
        let user = user.to_string();
        q = q.filter(
            audit_events::actor_user_id
                .eq(user.clone())
                .or(audit_events::subject_user_id.eq(user)),
        );
    }
    if let Some(since) = filter.since {
        q = q.filter(audit_events::occurred_at.ge(since));
    }
    if let Some(until) = filter.until {
        q = q.filter(audit_events::occurred_at.lt(until));
    }
    q
}

/// Events matching `filter`, newest first, one page at a time.
pub fn query(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    page: Page,
) -> Result<Paged<AuditEvent>, StoreError> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows: Vec<StoredEvent> = filtered(filter)
        .order(audit_events::seq.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select(StoredEvent::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(AuditEvent::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// Up to `limit` events matching `filter` after position `after_seq`, oldest first: an export
/// walks the whole trail batch by batch (`after_seq` = the last one's `seq`) without holding it
/// in memory or paging by offset while events are being appended.
pub fn export_batch(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEvent>, StoreError> {
    let rows: Vec<StoredEvent> = filtered(filter)
        .filter(audit_events::seq.gt(after_seq))
        .order(audit_events::seq.asc())
        .limit(limit)
        .select(StoredEvent::as_select())
        .load(conn)?;
    rows.into_iter().map(AuditEvent::try_from).collect()
}
