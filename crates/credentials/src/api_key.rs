//! What an API key is asked to be, and what is shown of it afterwards.

use chrono::NaiveDateTime;
use owp_db::ids::{CredentialId, UserId};
use serde::Serialize;

/// The caller's choices for a new key; the secret itself is always generated here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewApiKey {
    /// Shown in lists so the owner can tell keys apart (e.g. `ci`, `bootstrap`).
    pub label: String,
    /// When the key stops working; `None` for never.
    pub expires_at: Option<NaiveDateTime>,
    /// Permissions the key is narrowed to; `None` for the owner's.
    pub scopes: Option<Vec<String>>,
    /// Models the key is narrowed to; `None` for the owner's.
    pub allowed_model_ids: Option<Vec<String>>,
}

/// An API key as lists and the API show it. Never holds the secret or its hash, so it is safe
/// to serialize, log and return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    /// The credential id; used to revoke it and in audit events.
    pub id: CredentialId,
    /// The owner.
    pub user_id: UserId,
    /// The owner's name for it.
    pub label: String,
    /// The public part of the key (`owp_<prefix>_…`), so the owner can match a key to a row.
    pub prefix: String,
    /// Permissions the key is narrowed to; `None` for the owner's.
    pub scopes: Option<Vec<String>>,
    /// Models the key is narrowed to; `None` for the owner's.
    pub allowed_model_ids: Option<Vec<String>>,
    /// When it was issued (UTC).
    pub created_at: NaiveDateTime,
    /// Last successful use, to a minute's precision (see [`crate::LAST_USED_RESOLUTION`]).
    pub last_used_at: Option<NaiveDateTime>,
    /// When it stops working.
    pub expires_at: Option<NaiveDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKeyInfo {
    /// Whether the key would be accepted at `now`: not revoked and not yet expired.
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expires| now < expires)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn key(expires_at: Option<NaiveDateTime>, revoked_at: Option<NaiveDateTime>) -> ApiKeyInfo {
        ApiKeyInfo {
            id: CredentialId::new(),
            user_id: UserId::new(),
            label: "ci".into(),
            prefix: "0123456789abcdef".into(),
            scopes: None,
            allowed_model_ids: None,
            created_at: owp_db::time::now(),
            last_used_at: None,
            expires_at,
            revoked_at,
        }
    }

    #[test]
    fn active_until_revoked_or_expired() {
        let now = owp_db::time::now();
        let later = now + TimeDelta::hours(1);
        assert!(key(None, None).is_active(now));
        assert!(key(Some(later), None).is_active(now));
        assert!(!key(Some(now), None).is_active(now), "expiry is exclusive");
        assert!(!key(None, Some(now)).is_active(now));
    }
}
