//! Setting and replacing a user's password.

use diesel::Connection;
use owp_audit::EventType;
use owp_credentials::{hash_password, password_hash_of, store_password_hash, verify_password};
use owp_db::ids::UserId;
use owp_db::{Database, StoreError};
use owp_testkit::{Backend, TestDatabase, on_both_backends};

use crate::{credential_counts, ctx, events, new_user, verify};

on_both_backends!(
    a_new_password_replaces_the_old_one,
    only_hashes_and_password_events_are_stored,
    a_failed_change_leaves_no_event,
    concurrent_changes_leave_one_active_password,
);

async fn set(db: &Database, user: UserId, plain: &str, event: EventType) -> (String, String) {
    let phc = hash_password(plain).unwrap();
    let stored = phc.clone();
    let id = db
        .run(move |conn| {
            let at = owp_db::time::now();
            store_password_hash(conn, &ctx(user), user, &stored, event, at)
        })
        .await
        .unwrap();
    (id.to_string(), phc)
}

async fn current(db: &Database, user: UserId) -> Option<(String, String)> {
    db.run(move |conn| password_hash_of(conn, user))
        .await
        .unwrap()
        .map(|(id, phc)| (id.to_string(), phc))
}

async fn a_new_password_replaces_the_old_one(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    assert_eq!(current(&db, user).await, None);

    let (first_id, _) = set(&db, user, "first password", EventType::PasswordSet).await;
    let (id, phc) = current(&db, user).await.unwrap();
    assert_eq!(id, first_id);
    assert!(verify_password(&phc, "first password"));

    let (second_id, _) = set(&db, user, "second password", EventType::PasswordChanged).await;
    assert_ne!(second_id, first_id);
    let (id, phc) = current(&db, user).await.unwrap();
    assert_eq!(id, second_id);
    assert!(verify_password(&phc, "second password"));
    assert!(
        !verify_password(&phc, "first password"),
        "the old one is gone"
    );
    assert_eq!(
        credential_counts(&db, user).await,
        (2, 1),
        "one active password"
    );

    let set_events = events(&db, EventType::PasswordSet).await;
    let changed_events = events(&db, EventType::PasswordChanged).await;
    assert_eq!((set_events.len(), changed_events.len()), (1, 1));
    for (event, credential) in [(&set_events[0], first_id), (&changed_events[0], second_id)] {
        assert_eq!(event.subject_user_id, Some(user.to_string()));
        assert_eq!(event.actor_user_id, Some(user.to_string()));
        assert_eq!(event.credential_id, Some(credential));
        assert_eq!(
            event.detail,
            serde_json::json!({}),
            "no secret in the event"
        );
    }
    assert!(db.run(verify).await.unwrap().intact);
}

async fn only_hashes_and_password_events_are_stored(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    let phc = hash_password("a password").unwrap();
    let refused = db
        .run(move |conn| {
            let at = owp_db::time::now();
            let plain = store_password_hash(
                conn,
                &ctx(user),
                user,
                "a password",
                EventType::PasswordSet,
                at,
            );
            let wrong_event =
                store_password_hash(conn, &ctx(user), user, &phc, EventType::Logout, at);
            Ok::<_, StoreError>((plain, wrong_event))
        })
        .await
        .unwrap();
    assert!(
        matches!(refused.0, Err(StoreError::Internal(_))),
        "{refused:?}"
    );
    assert!(
        matches!(refused.1, Err(StoreError::Internal(_))),
        "{refused:?}"
    );
    assert_eq!(credential_counts(&db, user).await, (0, 0));
    assert!(events(&db, EventType::PasswordSet).await.is_empty());
}

async fn a_failed_change_leaves_no_event(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    set(&db, user, "kept password", EventType::PasswordSet).await;
    let phc = hash_password("lost password").unwrap();
    let outcome = db
        .run(move |conn| {
            conn.transaction(|conn| {
                let at = owp_db::time::now();
                store_password_hash(conn, &ctx(user), user, &phc, EventType::PasswordSet, at)?;
                Err::<(), _>(StoreError::Unavailable("later step failed".into()))
            })
        })
        .await;
    assert!(matches!(outcome, Err(StoreError::Unavailable(_))));
    let (_, phc) = current(&db, user).await.unwrap();
    assert!(verify_password(&phc, "kept password"));
    assert_eq!(credential_counts(&db, user).await, (1, 1));
    assert_eq!(events(&db, EventType::PasswordSet).await.len(), 1);

    let stranger = UserId::new();
    let phc = hash_password("whatever").unwrap();
    let orphan = db
        .run(move |conn| {
            let at = owp_db::time::now();
            store_password_hash(
                conn,
                &ctx(stranger),
                stranger,
                &phc,
                EventType::PasswordSet,
                at,
            )
        })
        .await;
    assert!(
        matches!(orphan, Err(StoreError::ForeignKey { .. })),
        "{orphan:?}"
    );
    assert_eq!(events(&db, EventType::PasswordSet).await.len(), 1);
    assert!(db.run(verify).await.unwrap().intact);
}

async fn concurrent_changes_leave_one_active_password(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    let phc = hash_password("raced password").unwrap();
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (db, phc) = (db.clone(), phc.clone());
            tokio::spawn(async move {
                db.run(move |conn| {
                    let at = owp_db::time::now();
                    store_password_hash(conn, &ctx(user), user, &phc, EventType::PasswordSet, at)
                })
                .await
                .unwrap()
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(credential_counts(&db, user).await, (4, 1));
    assert_eq!(events(&db, EventType::PasswordSet).await.len(), 4);
}
