//! The password credential of a user: reading its hash and replacing it.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{CredentialId, UserId};
use owp_db::schema::credentials;
use owp_db::{AnyConnection, StoreError};

use crate::password::is_argon2id_hash;
use crate::row::{KIND_PASSWORD, NewCredentialRow, parse_credential_id};

/// The user's active password credential and its PHC string, or `None` when the user has no
/// password (e.g. an API-only account). The caller verifies on the blocking pool after the
/// connection is returned.
pub fn password_hash_of(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Option<(CredentialId, String)>, StoreError> {
    let row: Option<(String, String)> = credentials::table
        .filter(credentials::user_id.eq(user.to_string()))
        .filter(credentials::kind.eq(KIND_PASSWORD))
        .filter(credentials::revoked_at.is_null())
        .order((credentials::created_at.desc(), credentials::id.desc()))
        .select((credentials::id, credentials::secret_hash))
        .first(conn)
        .optional()?;
    row.map(|(id, hash)| Ok((parse_credential_id(&id)?, hash)))
        .transpose()
}

/// Makes `phc` the user's only active password: the previous one is revoked (kept for the
/// record) and a new credential inserted, with `event` (`password_changed` by the user or
/// `password_set` by an admin) recorded in the same transaction. Refuses other event types and
/// anything that is not an argon2id hash, so a plain password can never be stored by mistake.
pub fn store_password_hash(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    phc: &str,
    event: EventType,
    at: NaiveDateTime,
) -> Result<CredentialId, StoreError> {
    if !matches!(event, EventType::PasswordChanged | EventType::PasswordSet) {
        return Err(StoreError::Internal(format!(
            "{} is not a password event",
            event.as_str()
        )));
    }
    if !is_argon2id_hash(phc) {
        return Err(StoreError::Internal(
            "refusing to store a password that is not argon2id-hashed".into(),
        ));
    }
    let at = at.trunc_subsecs(6);
    let id = CredentialId::new();
    let (id_text, user_text) = (id.to_string(), user.to_string());
    owp_db::write_transaction(conn, |conn| {
        // The audit event goes first: recording it locks the chain head until commit, so two
        // concurrent password changes run one after the other and the second revokes the
        // first's new row instead of leaving two active passwords.
        let audit = NewAuditEvent::new(event).subject(user).credential(id);
        record(conn, ctx, &audit, at)?;
        diesel::update(
            credentials::table
                .filter(credentials::user_id.eq(&user_text))
                .filter(credentials::kind.eq(KIND_PASSWORD))
                .filter(credentials::revoked_at.is_null()),
        )
        .set(credentials::revoked_at.eq(at))
        .execute(conn)?;
        diesel::insert_into(credentials::table)
            .values(&NewCredentialRow {
                id: &id_text,
                user_id: &user_text,
                kind: KIND_PASSWORD,
                label: KIND_PASSWORD,
                key_prefix: None,
                secret_hash: phc,
                scopes: None,
                allowed_model_ids: None,
                expires_at: None,
                created_at: at,
            })
            .execute(conn)?;
        Ok(id)
    })
}
