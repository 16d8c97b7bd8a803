//! Chains written before keying (plain SHA-256) keep verifying after the upgrade, on real
//! SQLite and PostgreSQL, and the first keyed event links to them.

mod forge;

use chrono::TimeDelta;
use diesel::prelude::*;
use forge::{GENESIS, Row, encode, plain, seed, verify};
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};
use owp_testkit::{Backend, TestDatabase, on_both_backends, tamper};

on_both_backends!(a_chain_written_before_keying_keeps_verifying);

/// Back to the schema of the release before keying, as an upgraded installation has it.
const UNKEY_SCHEMA: &str = "ALTER TABLE audit_chain DROP COLUMN key_fingerprint; \
     ALTER TABLE audit_chain DROP COLUMN keyed_from_seq; \
     DELETE FROM __diesel_schema_migrations WHERE version = '20261125000005'";

/// Writes `n` events the way the release before keying did (plain SHA-256).
fn write_legacy(conn: &mut AnyConnection, n: i64) {
    let start = owp_db::time::now() - TimeDelta::days(1);
    let mut prev = GENESIS.to_owned();
    for seq in 1..=n {
        let row: Row = (
            seq,
            uuid::Uuid::now_v7().to_string(),
            start + TimeDelta::seconds(seq),
            "login_success".into(),
            None,
            None,
            None,
            None,
            Some("192.0.2.1".into()),
            None,
            None,
            format!("{{\"legacy\":{seq}}}"),
        );
        let hash = plain(&encode(&row, &prev));
        diesel::insert_into(audit_events::table)
            .values((
                audit_events::seq.eq(row.0),
                audit_events::id.eq(&row.1),
                audit_events::occurred_at.eq(row.2),
                audit_events::event_type.eq(&row.3),
                audit_events::ip.eq(&row.8),
                audit_events::detail.eq(&row.11),
                audit_events::prev_hash.eq(&prev),
                audit_events::hash.eq(&hash),
            ))
            .execute(conn)
            .unwrap();
        prev = hash;
    }
    diesel::update(audit_chain::table.find(1))
        .set((
            audit_chain::last_seq.eq(n),
            audit_chain::last_hash.eq(&prev),
        ))
        .execute(conn)
        .unwrap();
}

async fn a_chain_written_before_keying_keeps_verifying(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let old = test_db.migrated().await;
    tamper(&old, UNKEY_SCHEMA).await;
    old.run(|conn| {
        write_legacy(conn, 3);
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
    drop(old);

    let db = test_db.migrated().await; // the upgrade: applies the keying migration
    let upgraded = verify(&db, None).await;
    assert!(upgraded.intact, "{upgraded:?}");
    assert_eq!((upgraded.checked, upgraded.keyed_from_seq), (3, 4));
    let last_legacy = upgraded.head.hash.clone();

    seed(&db, 2).await;
    let report = verify(&db, None).await;
    assert!(report.intact, "{report:?}");
    assert_eq!((report.checked, report.keyed_from_seq), (5, 4));
    let links: Vec<(i64, String)> = db
        .run(|conn| {
            audit_events::table
                .filter(audit_events::seq.eq(4))
                .select((audit_events::seq, audit_events::prev_hash))
                .load(conn)
                .map_err(StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(
        links,
        [(4, last_legacy)],
        "the first keyed event links to the old chain"
    );
    assert!(verify(&db, Some(upgraded.head)).await.intact);

    // Moving the boundary down makes an old event look like a keyed one that does not verify.
    tamper(&db, "UPDATE audit_chain SET keyed_from_seq = 3").await;
    let lowered = verify(&db, None).await.first_broken.unwrap();
    assert_eq!(lowered.seq, 3);
    tamper(&db, "UPDATE audit_chain SET keyed_from_seq = 4").await;
    // An old event edited is still found.
    tamper(&db, "UPDATE audit_events SET ip = '10.0.0.1' WHERE seq = 2").await;
    let edited = verify(&db, None).await.first_broken.unwrap();
    assert_eq!(edited.seq, 2);
    assert!(edited.reason.contains("edited"), "{}", edited.reason);
}
