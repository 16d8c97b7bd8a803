//! The hash of an event: HMAC-SHA256 under the chain key over its canonical fields and the
//! previous hash (plain SHA-256 for events written before the chain was keyed).

use sha2::{Digest, Sha256};

use crate::key::{ChainKey, hex};

/// The hash the chain starts from.
pub(crate) const GENESIS_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The stored columns that the hash covers, in a fixed order.
pub(crate) struct Canonical<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub occurred_at: chrono::NaiveDateTime,
    pub event_type: &'a str,
    pub actor_user_id: Option<&'a str>,
    pub subject_user_id: Option<&'a str>,
    pub credential_id: Option<&'a str>,
    pub organization_id: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: &'a str,
    pub prev_hash: &'a str,
}

impl Canonical<'_> {
    /// Hex HMAC-SHA256 under `key` of the encoded fields: what every new event stores.
    pub fn keyed_hash(&self, key: &ChainKey) -> String {
        key.mac_hex(self.encode().as_bytes())
    }

    /// Hex SHA-256 of the encoded fields: how events written before the chain was keyed (those
    /// below `audit_chain.keyed_from_seq`) were hashed.
    pub fn plain_hash(&self) -> String {
        hex(&Sha256::digest(self.encode().as_bytes()))
    }

    /// The fields as a JSON array: unambiguous (every value is quoted or `null`), so no two
    /// different rows encode alike.
    fn encode(&self) -> String {
        let occurred_at = self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        let fields = serde_json::json!([
            self.seq,
            self.id,
            occurred_at,
            self.event_type,
            self.actor_user_id,
            self.subject_user_id,
            self.credential_id,
            self.organization_id,
            self.ip,
            self.user_agent,
            self.request_id,
            self.detail,
            self.prev_hash,
        ]);
        fields.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample<'a>(detail: &'a str, ip: Option<&'a str>) -> Canonical<'a> {
        Canonical {
            seq: 1,
            id: "id",
            occurred_at: chrono::DateTime::from_timestamp(1_700_000_000, 1_000)
                .unwrap()
                .naive_utc(),
            event_type: "login_success",
            actor_user_id: None,
            subject_user_id: Some("u"),
            credential_id: None,
            organization_id: None,
            ip,
            user_agent: None,
            request_id: None,
            detail,
            prev_hash: GENESIS_HASH,
        }
    }

    /// The detail of an event without facts.
    const NO_FACTS: &str = "{}";

    #[test]
    fn any_field_change_changes_the_hash() {
        let key = ChainKey::derive(b"test secret");
        for hash in [
            |c: &Canonical<'_>| c.plain_hash(),
            |c: &Canonical<'_>| c.keyed_hash(&ChainKey::derive(b"test secret")),
        ] {
            let base = hash(&sample(NO_FACTS, None));
            assert_eq!(base.len(), 64);
            assert_eq!(base, hash(&sample(NO_FACTS, None)));
            assert_ne!(base, hash(&sample("{\"a\":1}", None)));
            assert_ne!(
                base,
                hash(&sample(NO_FACTS, Some(""))),
                "empty and missing differ"
            );
        }
        assert_ne!(
            sample(NO_FACTS, None).plain_hash(),
            sample(NO_FACTS, None).keyed_hash(&key)
        );
    }

    #[test]
    fn the_keyed_hash_differs_per_key() {
        let row = sample(NO_FACTS, None);
        let a = row.keyed_hash(&ChainKey::derive(b"secret a"));
        let b = row.keyed_hash(&ChainKey::derive(b"secret b"));
        assert_ne!(a, b);
        assert_eq!(a, row.keyed_hash(&ChainKey::derive(b"secret a")));
    }

    #[test]
    fn the_plain_hash_is_unchanged_for_old_rows() {
        // Pinned: rows written before keying must keep verifying with exactly this encoding.
        assert_eq!(
            sample(NO_FACTS, None).plain_hash(),
            hex(&Sha256::digest(
                format!(
                    "[1,\"id\",\"2023-11-14T22:13:20.000001\",\"login_success\",null,\"u\",null,null,null,null,null,\"{{}}\",\"{GENESIS_HASH}\"]"
                )
                .as_bytes()
            ))
        );
    }
}
