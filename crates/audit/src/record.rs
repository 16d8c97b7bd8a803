//! Appending an event to the chain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::AuditEventId;
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};

use crate::chain::Canonical;
use crate::context::AuditContext;
use crate::event::NewAuditEvent;

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct EventRow<'a> {
    id: &'a str,
    seq: i64,
    occurred_at: NaiveDateTime,
    event_type: &'a str,
    actor_user_id: Option<&'a str>,
    subject_user_id: Option<&'a str>,
    credential_id: Option<&'a str>,
    organization_id: Option<&'a str>,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    request_id: Option<&'a str>,
    detail: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// Appends `event` at time `at`, hashed with HMAC-SHA256 under `ctx.chain_key`. Call it with the
/// connection of the transaction that makes the change, so both commit or neither does; it
/// opens a savepoint of its own. Bumping the chain head first takes its row lock (PostgreSQL) or
/// the write lock (SQLite), so concurrent writers append one after the other and the chain never
/// forks. The first keyed event also stores the key's fingerprint beside the head. A context
/// with a system actor (the CLI) adds `"actor"` to the stored detail, so the hash covers it.
pub fn record(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: &NewAuditEvent,
    at: NaiveDateTime,
) -> Result<AuditEventId, StoreError> {
    owp_db::write_transaction(conn, |conn| {
        diesel::update(audit_chain::table.find(1))
            .set(audit_chain::last_seq.eq(audit_chain::last_seq + 1))
            .execute(conn)?;
        let (seq, prev_hash, fingerprint): (i64, String, Option<String>) = audit_chain::table
            .find(1)
            .select((
                audit_chain::last_seq,
                audit_chain::last_hash,
                audit_chain::key_fingerprint,
            ))
            .first(conn)?;

        let id = AuditEventId::new();
        let id_text = id.to_string();
        let actor = ctx.actor_user_id.map(|u| u.to_string());
        let subject = event.subject_user_id.map(|u| u.to_string());
        let credential = event.credential_id.map(|c| c.to_string());
        let organization = ctx.organization_id.map(|o| o.to_string());
        let detail = ctx.stored_detail(&event.detail);
        let canonical = Canonical {
            seq,
            id: &id_text,
            occurred_at: at,
            event_type: event.event_type.as_str(),
            actor_user_id: actor.as_deref(),
            subject_user_id: subject.as_deref(),
            credential_id: credential.as_deref(),
            organization_id: organization.as_deref(),
            ip: ctx.ip.as_deref(),
            user_agent: ctx.user_agent.as_deref(),
            request_id: ctx.request_id.as_deref(),
            detail: &detail,
            prev_hash: &prev_hash,
        };
        let hash = canonical.keyed_hash(&ctx.chain_key);
        diesel::insert_into(audit_events::table)
            .values(EventRow {
                id: &id_text,
                seq,
                occurred_at: at,
                event_type: canonical.event_type,
                actor_user_id: canonical.actor_user_id,
                subject_user_id: canonical.subject_user_id,
                credential_id: canonical.credential_id,
                organization_id: canonical.organization_id,
                ip: canonical.ip,
                user_agent: canonical.user_agent,
                request_id: canonical.request_id,
                detail: &detail,
                prev_hash: &prev_hash,
                hash: &hash,
            })
            .execute(conn)?;
        diesel::update(audit_chain::table.find(1))
            .set(audit_chain::last_hash.eq(&hash))
            .execute(conn)?;
        if fingerprint.is_none() {
            diesel::update(audit_chain::table.find(1))
                .set(audit_chain::key_fingerprint.eq(ctx.chain_key.fingerprint()))
                .execute(conn)?;
        }
        Ok(id)
    })
}
