//! Shared by the keyed-chain tests: the server key, seeding, verifying, and the published row
//! encoding an attacker (or the release before keying) hashes rows with.

use chrono::{NaiveDateTime, TimeDelta};
use owp_audit::{AuditContext, ChainHead, ChainKey, ChainReport, EventType, NewAuditEvent, record};
use owp_db::{AnyConnection, Database, StoreError};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key the "server" of these tests chains with.
pub fn key() -> ChainKey {
    ChainKey::derive(b"the server secret")
}

/// Verifies with `key`, against `expected` if given.
pub fn verify_with(
    conn: &mut AnyConnection,
    key: &ChainKey,
    expected: Option<&ChainHead>,
) -> Result<ChainReport, StoreError> {
    owp_audit::verify(conn, key, expected)
}

/// Verifies with [`key`].
pub async fn verify(db: &Database, expected: Option<ChainHead>) -> ChainReport {
    db.run(move |conn| verify_with(conn, &key(), expected.as_ref()))
        .await
        .unwrap()
}

/// Records `n` events with [`key`], a second apart.
pub async fn seed(db: &Database, n: i64) {
    db.run(move |conn| {
        let start = owp_db::time::now();
        for i in 0..n {
            let event =
                NewAuditEvent::new(EventType::LoginFailure).detail(serde_json::json!({"n": i}));
            record(
                conn,
                &AuditContext::system(key()),
                &event,
                start + TimeDelta::seconds(i),
            )?;
        }
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
}

/// A stored row as an attacker (or an older release) reads it.
pub type Row = (
    i64,
    String,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The published canonical encoding of a row: anyone who reads the source knows it.
pub fn encode(r: &Row, prev: &str) -> String {
    serde_json::json!([
        r.0,
        r.1,
        r.2.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        r.3,
        r.4,
        r.5,
        r.6,
        r.7,
        r.8,
        r.9,
        r.10,
        r.11,
        prev
    ])
    .to_string()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How events were hashed before keying (and how an attacker without the key might re-hash).
pub fn plain(data: &str) -> String {
    hex(&Sha256::digest(data.as_bytes()))
}
