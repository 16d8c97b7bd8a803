//! API keys as operations of a principal: who may manage whose keys (one's own with
//! `api_keys:self`, anyone's in reach with the admin permission), what a new key may hold (a
//! subset of its owner's permissions, canonical model names, a future expiry), issue, list and
//! revoke — each checking visibility and writing its audit event in one transaction.
//!
//! Issuing is split in two because the key's secret is hashed with argon2 between them, on the
//! blocking pool and outside any transaction: [`prepare_key`] checks everything that can refuse
//! the request, [`issue_key_as`] stores it.

use chrono::NaiveDateTime;
use owp_audit::AuditContext;
use owp_credentials::{
    ApiKeyInfo, NewApiKey, get_api_key, insert_api_key, list_api_keys, revoke_api_key,
};
use owp_db::AnyConnection;
use owp_db::ids::{CredentialId, UserId};
use owp_db::model_name::canonical_list;
use owp_rbac::permissions::{self, API_KEYS_READ, API_KEYS_SELF, API_KEYS_WRITE};
use owp_rbac::{Principal, permissions_of};

use crate::IdentityError;
use crate::users::get_visible_user;

/// Longest key label, in characters.
const MAX_LABEL: usize = 100;

/// A key as asked for.
#[derive(Debug, Clone, Default)]
pub struct KeyRequest {
    /// What it is for (1..=100 characters).
    pub label: String,
    /// When it stops working (UTC, in the future).
    pub expires_at: Option<NaiveDateTime>,
    /// Permissions it is limited to (a subset of the owner's).
    pub scopes: Option<Vec<String>>,
    /// Models it is limited to (any spelling; stored canonical).
    pub allowed_model_ids: Option<Vec<String>>,
}

fn may_manage(
    principal: &Principal,
    owner: UserId,
    admin_permission: &str,
) -> Result<(), IdentityError> {
    if owner == principal.user_id && principal.has(API_KEYS_SELF) {
        return Ok(());
    }
    principal
        .require(admin_permission)
        .map_err(|e| IdentityError::Forbidden(e.to_string()))
}

/// Checks a key request for `owner` and returns the key to store: the caller may manage the
/// owner's keys and see the owner, the label and expiry are sane, every scope is a known
/// permission the owner holds, every model name parses (stored canonical).
pub fn prepare_key(
    conn: &mut AnyConnection,
    principal: &Principal,
    owner: UserId,
    request: KeyRequest,
    at: NaiveDateTime,
) -> Result<NewApiKey, IdentityError> {
    may_manage(principal, owner, API_KEYS_WRITE)?;
    let label = request.label.trim().to_owned();
    if label.is_empty() || label.chars().count() > MAX_LABEL {
        return Err(IdentityError::Invalid(
            "label",
            format!("must be 1 to {MAX_LABEL} characters"),
        ));
    }
    if request.expires_at.is_some_and(|expiry| expiry <= at) {
        return Err(IdentityError::Invalid(
            "expires_at",
            "must be in the future".into(),
        ));
    }
    let scopes = request.scopes;
    if let Some(unknown) = scopes.iter().flatten().find(|s| !permissions::is_known(s)) {
        return Err(IdentityError::Invalid(
            "scopes",
            format!("unknown permission {unknown:?}"),
        ));
    }
    let allowed_model_ids = request
        .allowed_model_ids
        .as_deref()
        .map(canonical_list)
        .transpose()
        .map_err(|e| IdentityError::Invalid("allowed_model_ids", e.to_string()))?;
    get_visible_user(conn, principal, owner)?;
    let held = permissions_of(conn, owner)?;
    if let Some(beyond) = scopes.iter().flatten().find(|s| !held.contains(*s)) {
        return Err(IdentityError::Invalid(
            "scopes",
            format!("the owner does not hold {beyond:?}"),
        ));
    }
    Ok(NewApiKey {
        label,
        expires_at: request.expires_at,
        scopes,
        allowed_model_ids,
    })
}

/// Stores a prepared key whose secret the caller hashed; audited `api_key_issued`.
#[expect(
    clippy::too_many_arguments,
    reason = "one operation's whole input, each part distinct"
)]
pub fn issue_key_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    owner: UserId,
    key: &NewApiKey,
    prefix: &str,
    hash: &str,
    at: NaiveDateTime,
) -> Result<ApiKeyInfo, IdentityError> {
    may_manage(principal, owner, API_KEYS_WRITE)?;
    owp_db::write_transaction(conn, |conn| {
        get_visible_user(conn, principal, owner)?;
        Ok(insert_api_key(conn, ctx, owner, key, prefix, hash, at)?)
    })
}

/// The owner's keys (never a secret or hash), newest first.
pub fn list_keys_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    owner: UserId,
) -> Result<Vec<ApiKeyInfo>, IdentityError> {
    may_manage(principal, owner, API_KEYS_READ)?;
    get_visible_user(conn, principal, owner)?;
    Ok(list_api_keys(conn, owner)?)
}

/// Revokes one of the owner's keys at once on every replica; audited `api_key_revoked` once.
pub fn revoke_key_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    owner: UserId,
    key: CredentialId,
    at: NaiveDateTime,
) -> Result<ApiKeyInfo, IdentityError> {
    may_manage(principal, owner, API_KEYS_WRITE)?;
    owp_db::write_transaction(conn, |conn| {
        get_visible_user(conn, principal, owner)?;
        get_api_key(conn, owner, key)?;
        Ok(revoke_api_key(conn, ctx, owner, key, at)?)
    })
}
