//! Turning a presented `owp_…` token into the key it belongs to, without argon2 per request.

use chrono::{NaiveDateTime, SubsecRound, TimeDelta};
use diesel::prelude::*;
use owp_db::ids::CredentialId;
use owp_db::schema::credentials;
use owp_db::{AnyConnection, StoreError};

use crate::api_key::ApiKeyInfo;
use crate::cache::ApiKeyCache;
use crate::password::verify_password;
use crate::row::{CredentialRow, KIND_API_KEY};
use crate::token::parse_api_key;

/// `last_used_at` is written at most this often per key, so busy keys do not cost a write per
/// request.
pub const LAST_USED_RESOLUTION: TimeDelta = TimeDelta::minutes(1);

/// Why a token was refused. The gateway answers 401 for all but `Store`; the variants exist for
/// logs, metrics and audit. A wrong secret reads as `Unknown`, like a prefix nobody has, so the
/// answer tells nothing about which keys exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyRejection {
    /// Not of the form `owp_<16 hex>_<64 hex>`.
    #[error("the API key is malformed")]
    Malformed,
    /// No key has this prefix, or the secret does not match.
    #[error("the API key is not valid")]
    Unknown,
    /// The key was revoked.
    #[error("the API key was revoked")]
    Revoked,
    /// The key's expiry has passed.
    #[error("the API key has expired")]
    Expired,
    /// The database failed; not the caller's fault (503/500, not 401).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `token` at `now` and returns its key. A token this process verified before costs one
/// primary-key read; any other costs a prefix lookup and one argon2 verification (then it is
/// cached). Either way the row is checked for revocation and expiry on every call, and
/// `last_used_at` is refreshed when older than [`LAST_USED_RESOLUTION`]. The owner's account
/// status is left to the caller.
pub fn authenticate_api_key(
    conn: &mut AnyConnection,
    cache: &ApiKeyCache,
    token: &str,
    now: NaiveDateTime,
) -> Result<ApiKeyInfo, ApiKeyRejection> {
    let prefix = parse_api_key(token).ok_or(ApiKeyRejection::Malformed)?;
    let digest = crate::cache::digest(token);
    let key = match cache.get(&digest) {
        Some(id) => match find_by_id(conn, id)? {
            Some(row) if row.key_prefix.as_deref() == Some(prefix) => row.into_api_key()?,
            _ => {
                cache.remove(&digest);
                return Err(ApiKeyRejection::Unknown);
            }
        },
        None => {
            let row = find_by_prefix(conn, prefix)?.ok_or(ApiKeyRejection::Unknown)?;
            if !verify_password(&row.secret_hash, token) {
                return Err(ApiKeyRejection::Unknown);
            }
            let key = row.into_api_key()?;
            cache.insert(digest, key.id);
            key
        }
    };
    if key.revoked_at.is_some() {
        return Err(ApiKeyRejection::Revoked);
    }
    if !key.is_active(now) {
        return Err(ApiKeyRejection::Expired);
    }
    Ok(touch(conn, key, now.trunc_subsecs(6))?)
}

/// Unique-key lookups use `get_result`, not `first`: `first` binds `LIMIT ?`, and SQLite (3.46+)
/// reads a bound LIMIT while planning, so the cached statement expires at every new binding and
/// is parsed again on each request (a third of the CPU of an authenticated read, measured).
fn find_by_id(
    conn: &mut AnyConnection,
    id: CredentialId,
) -> Result<Option<CredentialRow>, StoreError> {
    Ok(credentials::table
        .find(id.to_string())
        .filter(credentials::kind.eq(KIND_API_KEY))
        .select(CredentialRow::as_select())
        .get_result(conn)
        .optional()?)
}

fn find_by_prefix(
    conn: &mut AnyConnection,
    prefix: &str,
) -> Result<Option<CredentialRow>, StoreError> {
    Ok(credentials::table
        .filter(credentials::key_prefix.eq(prefix))
        .filter(credentials::kind.eq(KIND_API_KEY))
        .select(CredentialRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Records the use when the stored one is stale. The update re-checks staleness, so replicas
/// racing on the same key write once.
fn touch(
    conn: &mut AnyConnection,
    mut key: ApiKeyInfo,
    now: NaiveDateTime,
) -> Result<ApiKeyInfo, StoreError> {
    let stale_before = now - LAST_USED_RESOLUTION;
    if key.last_used_at.is_some_and(|used| used > stale_before) {
        return Ok(key);
    }
    diesel::update(
        credentials::table.find(key.id.to_string()).filter(
            credentials::last_used_at
                .is_null()
                .or(credentials::last_used_at.le(stale_before)),
        ),
    )
    .set(credentials::last_used_at.eq(now))
    .execute(conn)?;
    key.last_used_at = Some(now);
    Ok(key)
}
