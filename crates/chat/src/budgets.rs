//! Token budgets as operations: read or change the budgets of a user or of one of their API keys,
//! after checking the caller may reach that user (another organization's is "not found"); a
//! change is audited in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::schema::{credentials, users};
use owp_db::{AnyConnection, StoreError};
use owp_metering::quotas::{self, Quota, Subject};
use owp_rbac::Principal;

use crate::ChatError;

/// The credential kind of API keys in the `credentials` table.
const KIND_API_KEY: &str = "api_key";

/// Whether `principal` may see the budgets of `subject`: its user is in an organization the
/// principal reaches, and a key belongs to that user. Anything else is "not found", so ids of
/// other tenants are not confirmed.
fn check_reach(
    conn: &mut AnyConnection,
    principal: &Principal,
    subject: Subject,
) -> Result<(), ChatError> {
    let (owner, key) = subject.owner_and_key();
    let organization: String = users::table
        .find(owner.to_string())
        .select(users::organization_id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let reachable = organization
        .parse()
        .is_ok_and(|organization| principal.can_reach(organization));
    if !reachable {
        return Err(StoreError::NotFound.into());
    }
    if let Some(key) = key {
        let found: i64 = credentials::table
            .find(key.to_string())
            .filter(credentials::user_id.eq(owner.to_string()))
            .filter(credentials::kind.eq(KIND_API_KEY))
            .count()
            .get_result(conn)?;
        if found == 0 {
            return Err(StoreError::NotFound.into());
        }
    }
    Ok(())
}

/// The budgets of `subject`, as `principal` may see them.
pub fn quota_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    subject: Subject,
) -> Result<Quota, ChatError> {
    check_reach(conn, principal, subject)?;
    Ok(quotas::quota_of(conn, subject)?)
}

/// Sets (replaces) the budgets of `subject`; all `None` removes them. Checks the caller reaches
/// the subject, and records `grant_changed` in the same transaction as the change.
pub fn set_quota_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    subject: Subject,
    quota: &Quota,
    at: NaiveDateTime,
) -> Result<Quota, ChatError> {
    let (owner, key) = subject.owner_and_key();
    owp_db::write_transaction(conn, |conn| {
        check_reach(conn, principal, subject)?;
        let mut event = NewAuditEvent::new(EventType::GrantChanged);
        event.subject_user_id = Some(owner);
        event.credential_id = key;
        event.detail = serde_json::json!({"token_quota": quota});
        record(conn, ctx, &event, at)?;
        Ok(quotas::set_quota(conn, subject, quota, at)?)
    })
}
