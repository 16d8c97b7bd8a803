//! The hash of an event: SHA-256 over its canonical fields and the previous hash.

use sha2::{Digest, Sha256};

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
    /// Hex SHA-256 of the fields encoded as a JSON array: unambiguous (every value is quoted or
    /// `null`), so no two different rows encode alike.
    pub fn hash(&self) -> String {
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
        let digest = Sha256::digest(fields.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
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
        let base = sample(NO_FACTS, None).hash();
        assert_eq!(base.len(), 64);
        assert_eq!(base, sample(NO_FACTS, None).hash());
        assert_ne!(base, sample("{\"a\":1}", None).hash());
        assert_ne!(
            base,
            sample(NO_FACTS, Some("")).hash(),
            "empty and missing differ"
        );
    }
}
