//! The keyed chain on real SQLite and PostgreSQL: a different secret, a tail cut off with the
//! head fixed up, and hashes re-computed without the key.

mod forge;

use diesel::prelude::*;
use forge::{GENESIS, Row, encode, hex, key, plain, seed, verify, verify_with};
use hmac::{Hmac, Mac};
use owp_audit::{ChainHead, ChainKey};
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};
use owp_testkit::{Backend, TestDatabase, on_both_backends, tamper};
use sha2::Sha256;

on_both_backends!(
    a_different_secret_is_named,
    a_cut_tail_with_a_fixed_head_is_found_against_an_expected_head,
    hashes_recomputed_without_the_key_are_found,
    a_chain_stripped_to_plain_hashes_is_found_against_a_logged_head,
);

fn rows(conn: &mut AnyConnection) -> Vec<Row> {
    use audit_events::*;
    audit_events::table
        .order(seq.asc())
        .select((
            seq,
            id,
            occurred_at,
            event_type,
            actor_user_id,
            subject_user_id,
            credential_id,
            organization_id,
            ip,
            user_agent,
            request_id,
            detail,
        ))
        .load(conn)
        .unwrap()
}

fn hmac_with(secret: &[u8], data: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(data.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Re-hashes every row from `from` on with `hash` (optionally changing the `ip` of row `from`),
/// fixes every link and the stored head: all an attacker with write access can do.
fn rehash(
    conn: &mut AnyConnection,
    from: i64,
    forged_ip: Option<&str>,
    hash: &dyn Fn(&str) -> String,
) {
    let all = rows(conn);
    let mut prev = GENESIS.to_owned();
    for mut row in all {
        if let Some(forged) = forged_ip.filter(|_| row.0 == from) {
            row.8 = Some(forged.to_owned());
        }
        if row.0 >= from {
            let new_hash = hash(&encode(&row, &prev));
            diesel::update(audit_events::table.filter(audit_events::seq.eq(row.0)))
                .set((
                    audit_events::ip.eq(&row.8),
                    audit_events::prev_hash.eq(&prev),
                    audit_events::hash.eq(&new_hash),
                ))
                .execute(conn)
                .unwrap();
            prev = new_hash;
        } else {
            prev = audit_events::table
                .filter(audit_events::seq.eq(row.0))
                .select(audit_events::hash)
                .first(conn)
                .unwrap();
        }
    }
    diesel::update(audit_chain::table.find(1))
        .set(audit_chain::last_hash.eq(&prev))
        .execute(conn)
        .unwrap();
}

async fn a_different_secret_is_named(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 3).await;
    assert!(verify(&db, None).await.intact);

    let other = ChainKey::derive(b"another secret");
    let report = db
        .run(move |conn| verify_with(conn, &other, None))
        .await
        .unwrap();
    assert!(!report.intact);
    assert_eq!(report.checked, 0);
    assert_eq!(report.head, ChainHead::genesis());
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 1);
    assert!(
        broken.reason.contains("different secret"),
        "{}",
        broken.reason
    );
    assert!(
        broken.reason.contains(&key().fingerprint()),
        "{}",
        broken.reason
    );
    assert!(!broken.reason.contains("edited"), "{}", broken.reason);
}

async fn a_cut_tail_with_a_fixed_head_is_found_against_an_expected_head(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 6).await;
    let before = verify(&db, None).await;
    assert!(before.intact, "{before:?}");
    assert_eq!(before.head.seq, 6);
    let logged = before.head.clone();
    let early = db
        .run(|conn| owp_audit::heads_at(conn, &[3]))
        .await
        .unwrap();

    tamper(
        &db,
        "DELETE FROM audit_events WHERE seq > 4; \
         UPDATE audit_chain SET last_seq = 4, \
         last_hash = (SELECT hash FROM audit_events WHERE seq = 4)",
    )
    .await;
    let alone = verify(&db, None).await;
    assert!(
        alone.intact,
        "without a head kept elsewhere the cut is invisible: {alone:?}"
    );
    assert_eq!(alone.head.seq, 4);

    let report = verify(&db, Some(logged.clone())).await;
    assert!(!report.intact);
    assert_eq!(report.checked, 4);
    assert_eq!(report.head, alone.head, "the chain really ends here");
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 5);
    assert!(
        broken.reason.contains("truncated below 6"),
        "{}",
        broken.reason
    );
    assert!(
        verify(&db, early.first().cloned()).await.intact,
        "an older head that survived the cut still matches"
    );

    // New events after the cut re-use the positions, with other hashes.
    seed(&db, 3).await;
    let report = verify(&db, Some(logged)).await;
    assert!(!report.intact);
    assert_eq!(report.checked, 5);
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 6);
    assert!(broken.id.is_some());
    assert!(
        broken.reason.contains("different hash at 6"),
        "{}",
        broken.reason
    );
}

async fn hashes_recomputed_without_the_key_are_found(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 4).await;
    type Hasher = fn(&str) -> String;
    let attempts: [(&str, Hasher); 3] = [
        ("plain SHA-256", plain),
        ("a guessed key", |d| hmac_with(b"attacker guess", d)),
        ("the secret used as the key", |d| {
            hmac_with(b"the server secret", d)
        }),
    ];
    for (name, hasher) in attempts {
        db.run(move |conn| {
            rehash(conn, 2, Some("10.6.6.6"), &hasher);
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
        let report = verify(&db, None).await;
        assert!(!report.intact, "{name}: {report:?}");
        assert_eq!(report.checked, 1, "{name}");
        let broken = report.first_broken.unwrap();
        assert_eq!(broken.seq, 2, "{name}");
        assert!(
            broken.reason.contains("without the audit key"),
            "{name}: {}",
            broken.reason
        );
    }
}

async fn a_chain_stripped_to_plain_hashes_is_found_against_a_logged_head(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 4).await;
    let logged = verify(&db, None).await.head;
    // The attacker pretends every event predates keying: plain hashes, boundary past the head.
    db.run(|conn| {
        rehash(conn, 1, Some("10.6.6.6"), &plain);
        diesel::update(audit_chain::table.find(1))
            .set(audit_chain::keyed_from_seq.eq(5))
            .execute(conn)?;
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
    let alone = verify(&db, None).await;
    assert!(alone.intact, "{alone:?}");
    assert_eq!(alone.keyed_from_seq, 5, "the report shows nothing is keyed");
    let report = verify(&db, Some(logged)).await;
    assert!(!report.intact);
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 4);
    assert!(
        broken.reason.contains("different hash at 4"),
        "{}",
        broken.reason
    );
}
