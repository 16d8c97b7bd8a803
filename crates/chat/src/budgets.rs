//! Changing a token budget, audited in the same transaction.

use chrono::NaiveDateTime;
use diesel::Connection;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::AnyConnection;
use owp_metering::quotas::{self, Quota, Subject};

use crate::ChatError;

/// Sets (replaces) the budgets of `subject`; all `None` removes them. Audited as
/// `grant_changed` in the same transaction.
pub fn set_quota(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    subject: Subject,
    quota: &Quota,
    at: NaiveDateTime,
) -> Result<Quota, ChatError> {
    let (owner, key) = subject.owner_and_key();
    conn.transaction(|conn| {
        let mut event = NewAuditEvent::new(EventType::GrantChanged);
        event.subject_user_id = Some(owner);
        event.credential_id = key;
        event.detail = serde_json::json!({"token_quota": quota});
        record(conn, ctx, &event, at)?;
        Ok(quotas::set_quota(conn, subject, quota, at)?)
    })
}
