//! The audit chain on real SQLite and PostgreSQL: recording, filtering, tamper detection,
//! concurrent writers and transactional recording.

use chrono::TimeDelta;
use diesel::Connection;
use owp_audit::{
    AuditContext, AuditFilter, ChainKey, ChainReport, EventType, NewAuditEvent, query, record,
};
use owp_db::ids::UserId;
use owp_db::{Database, Page, StoreError};
use owp_testkit::{Backend, TestDatabase, on_both_backends, tamper};

on_both_backends!(
    records_filters_and_verifies,
    an_edited_row_is_named,
    a_deleted_row_is_named,
    a_removed_tail_is_detected,
    concurrent_writers_keep_one_chain,
    a_rolled_back_change_leaves_no_event,
);

/// The key every event of these tests is chained with.
fn key() -> ChainKey {
    ChainKey::derive(b"chain test secret")
}

fn system() -> AuditContext {
    AuditContext::system(key())
}

/// Verifies with [`key`] and no expected head.
fn verify(conn: &mut owp_db::AnyConnection) -> Result<ChainReport, StoreError> {
    owp_audit::verify(conn, &key(), None)
}

fn ctx(actor: UserId) -> AuditContext {
    AuditContext {
        chain_key: key(),
        actor_user_id: Some(actor),
        system_actor: None,
        organization_id: None,
        ip: Some("127.0.0.1".into()),
        user_agent: Some("tests".into()),
        request_id: Some("req-1".into()),
    }
}

/// Records `n` login events a second apart for alternating users; returns the users.
async fn seed(db: &Database, n: i64) -> (UserId, UserId) {
    let (alice, bob) = (UserId::new(), UserId::new());
    db.run(move |conn| {
        let start = owp_db::time::now();
        for i in 0..n {
            let user = if i % 2 == 0 { alice } else { bob };
            let event = NewAuditEvent::new(EventType::LoginSuccess)
                .subject(user)
                .detail(serde_json::json!({"n": i}));
            record(conn, &ctx(user), &event, start + TimeDelta::seconds(i))?;
        }
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
    (alice, bob)
}

async fn records_filters_and_verifies(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (alice, _) = seed(&db, 5).await;
    db.run(|conn| {
        let event = NewAuditEvent::new(EventType::ApiKeyIssued);
        record(conn, &system(), &event, owp_db::time::now())
    })
    .await
    .unwrap();

    let (all, alices, keys, report) = db
        .run(move |conn| {
            let all = query(
                conn,
                &AuditFilter::default(),
                Page::new(Some(3), None).unwrap(),
            )?;
            let by_user = AuditFilter {
                user_id: Some(alice),
                ..AuditFilter::default()
            };
            let alices = query(conn, &by_user, Page::default())?;
            let by_type = AuditFilter {
                event_type: Some(EventType::ApiKeyIssued),
                ..AuditFilter::default()
            };
            let keys = query(conn, &by_type, Page::default())?;
            Ok::<_, StoreError>((all, alices, keys, verify(conn)?))
        })
        .await
        .unwrap();
    assert_eq!(all.total, 6);
    let seqs: Vec<i64> = all.items.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [6, 5, 4], "newest first");
    assert_eq!(alices.total, 3);
    assert!(alices.items.iter().all(|e| e.event_type == "login_success"));
    assert_eq!(alices.items[0].detail, serde_json::json!({"n": 4}));
    assert_eq!(alices.items[0].ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(keys.total, 1);
    assert!(report.intact, "{report:?}");
    assert_eq!(report.checked, 6);
    assert_eq!(report.keyed_from_seq, 1, "a new database keys every event");
    let stored = db.run(owp_audit::stored_head).await.unwrap();
    assert_eq!(report.head, stored);
    assert_eq!(stored.seq, 6);

    let first = alices.items.last().unwrap().occurred_at;
    let window = db
        .run(move |conn| {
            let filter = AuditFilter {
                since: Some(first + TimeDelta::seconds(1)),
                until: Some(first + TimeDelta::seconds(3)),
                ..AuditFilter::default()
            };
            query(conn, &filter, Page::default())
        })
        .await
        .unwrap();
    let seqs: Vec<i64> = window.items.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [3, 2], "since is inclusive, until exclusive");
}

async fn an_edited_row_is_named(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 4).await;
    tamper(&db, "UPDATE audit_events SET ip = '10.0.0.1' WHERE seq = 3").await;
    let report = db.run(verify).await.unwrap();
    assert!(!report.intact);
    assert_eq!(report.checked, 2);
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 3);
    assert!(broken.id.is_some());
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
}

async fn a_deleted_row_is_named(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 4).await;
    tamper(&db, "DELETE FROM audit_events WHERE seq = 2").await;
    let broken = db.run(verify).await.unwrap().first_broken.unwrap();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}

async fn a_removed_tail_is_detected(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    seed(&db, 4).await;
    tamper(&db, "DELETE FROM audit_events WHERE seq = 4").await;
    let report = db.run(verify).await.unwrap();
    assert!(!report.intact);
    let broken = report.first_broken.unwrap();
    assert_eq!(broken.seq, 4);
    assert!(broken.reason.contains("removed"), "{}", broken.reason);
}

async fn concurrent_writers_keep_one_chain(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let writers: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    db.run(|conn| {
                        let event = NewAuditEvent::new(EventType::Logout);
                        record(conn, &system(), &event, owp_db::time::now())
                    })
                    .await
                    .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let report = db.run(verify).await.unwrap();
    assert!(report.intact, "{report:?}");
    assert_eq!(report.checked, 80);
}

async fn a_rolled_back_change_leaves_no_event(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let outcome = db
        .run(|conn| {
            conn.transaction(|conn| {
                let event = NewAuditEvent::new(EventType::UserCreated);
                record(conn, &system(), &event, owp_db::time::now())?;
                Err::<(), _>(StoreError::Conflict {
                    field: "email".into(),
                })
            })
        })
        .await;
    assert_eq!(
        outcome,
        Err(StoreError::Conflict {
            field: "email".into()
        })
    );
    let (events, report) = db
        .run(|conn| {
            Ok::<_, StoreError>((
                query(conn, &AuditFilter::default(), Page::default())?,
                verify(conn)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(events.total, 0);
    assert!(report.intact && report.checked == 0, "{report:?}");
    assert_eq!(report.head, owp_audit::ChainHead::genesis());
}
