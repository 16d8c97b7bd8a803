//! Issuing, listing and revoking API keys, each change audited in its own transaction.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{CredentialId, UserId, parse_stored_id};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::credentials;
use owp_db::{AnyConnection, StoreError};

use crate::api_key::{ApiKeyInfo, NewApiKey};

/// Model names in canonical spelling (a caller validates them first; a name that does not
/// parse is kept as given and so matches nothing but itself).
fn canonical_names(models: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(models.len());
    for name in models.iter().map(|m| canonical_or_same(m)) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}
use crate::error::CredentialError;
use crate::password::{hash_api_key, is_argon2id_hash};
use crate::row::{CredentialRow, KIND_API_KEY, NewCredentialRow, encode_list};
use crate::token::generate_api_key;

/// Stores a key the caller generated ([`crate::generate_api_key`]) and hashed
/// ([`crate::hash_api_key`]) on the blocking pool, and records `api_key_issued` in the same
/// transaction. A `token_hash` that is not an argon2id hash is refused, so a plain token can
/// never be stored by mistake. Times are kept to the microsecond both backends store.
pub fn insert_api_key(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    new: &NewApiKey,
    prefix: &str,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<ApiKeyInfo, StoreError> {
    if !is_argon2id_hash(token_hash) {
        return Err(StoreError::Internal(
            "refusing to store an API key that is not argon2id-hashed".into(),
        ));
    }
    let info = ApiKeyInfo {
        id: CredentialId::new(),
        user_id: user,
        label: new.label.clone(),
        prefix: prefix.to_owned(),
        scopes: new.scopes.clone(),
        allowed_model_ids: new
            .allowed_model_ids
            .as_ref()
            .map(|models| canonical_names(models)),
        created_at: at.trunc_subsecs(6),
        last_used_at: None,
        expires_at: new.expires_at.map(|e| e.trunc_subsecs(6)),
        revoked_at: None,
    };
    let (id, user_id) = (info.id.to_string(), user.to_string());
    let row = NewCredentialRow {
        id: &id,
        user_id: &user_id,
        kind: KIND_API_KEY,
        label: &info.label,
        key_prefix: Some(prefix),
        secret_hash: token_hash,
        scopes: encode_list(info.scopes.as_deref())?,
        allowed_model_ids: encode_list(info.allowed_model_ids.as_deref())?,
        expires_at: info.expires_at,
        created_at: info.created_at,
    };
    owp_db::write_transaction(conn, |conn| {
        diesel::insert_into(credentials::table)
            .values(&row)
            .execute(conn)?;
        let event = NewAuditEvent::new(EventType::ApiKeyIssued)
            .subject(user)
            .credential(info.id)
            .detail(serde_json::json!({"label": info.label, "prefix": info.prefix}));
        record(conn, ctx, &event, info.created_at)
    })?;
    Ok(info)
}

/// Generates, hashes and stores a key in one call, holding the connection while hashing; for
/// bootstrap and tools, where that is fine. Returns the token, which is shown once and never
/// stored.
pub fn issue_api_key(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    new: &NewApiKey,
    at: NaiveDateTime,
) -> Result<(ApiKeyInfo, String), CredentialError> {
    let (prefix, token) = generate_api_key();
    let token_hash = hash_api_key(&token)?;
    let info = insert_api_key(conn, ctx, user, new, &prefix, &token_hash, at)?;
    Ok((info, token))
}

/// The user's keys, newest first, revoked and expired ones included so the owner sees history.
pub fn list_api_keys(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<ApiKeyInfo>, StoreError> {
    credentials::table
        .filter(credentials::user_id.eq(user.to_string()))
        .filter(credentials::kind.eq(KIND_API_KEY))
        .order((credentials::created_at.desc(), credentials::id.desc()))
        .select(CredentialRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CredentialRow::into_api_key)
        .collect()
}

/// One of the user's keys; [`StoreError::NotFound`] when it does not exist or is someone
/// else's, so callers cannot tell the two apart.
pub fn get_api_key(
    conn: &mut AnyConnection,
    user: UserId,
    key: CredentialId,
) -> Result<ApiKeyInfo, StoreError> {
    credentials::table
        .find(key.to_string())
        .filter(credentials::user_id.eq(user.to_string()))
        .filter(credentials::kind.eq(KIND_API_KEY))
        .select(CredentialRow::as_select())
        .first(conn)?
        .into_api_key()
}

/// The owner of API key `key`, for callers that know only the key's id (the operator's
/// `owp api-key revoke`); [`StoreError::NotFound`] when no API key has it.
pub fn api_key_owner(conn: &mut AnyConnection, key: CredentialId) -> Result<UserId, StoreError> {
    let owner: String = credentials::table
        .find(key.to_string())
        .filter(credentials::kind.eq(KIND_API_KEY))
        .select(credentials::user_id)
        .first(conn)?;
    parse_stored_id(&owner)
}

/// Revokes one of the user's keys and records `api_key_revoked` in the same transaction.
/// Revoking again changes nothing and records nothing: the first `revoked_at` stays, also when
/// two revocations race.
pub fn revoke_api_key(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    key: CredentialId,
    at: NaiveDateTime,
) -> Result<ApiKeyInfo, StoreError> {
    let at = at.trunc_subsecs(6);
    owp_db::write_transaction(conn, |conn| {
        let current = get_api_key(conn, user, key)?;
        if current.revoked_at.is_some() {
            return Ok(current);
        }
        let revoked = diesel::update(
            credentials::table
                .find(key.to_string())
                .filter(credentials::revoked_at.is_null()),
        )
        .set(credentials::revoked_at.eq(at))
        .execute(conn)?;
        if revoked == 0 {
            return get_api_key(conn, user, key);
        }
        let event = NewAuditEvent::new(EventType::ApiKeyRevoked)
            .subject(user)
            .credential(key)
            .detail(serde_json::json!({"label": current.label, "prefix": current.prefix}));
        record(conn, ctx, &event, at)?;
        Ok(ApiKeyInfo {
            revoked_at: Some(at),
            ..current
        })
    })
}

/// Whether the user has an unrevoked key with this label, so bootstrap issues its key only once.
/// Expiry is not considered (no clock is passed): an expired key still counts.
pub fn has_api_key_labelled(
    conn: &mut AnyConnection,
    user: UserId,
    label: &str,
) -> Result<bool, StoreError> {
    let count: i64 = credentials::table
        .filter(credentials::user_id.eq(user.to_string()))
        .filter(credentials::kind.eq(KIND_API_KEY))
        .filter(credentials::label.eq(label))
        .filter(credentials::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}
