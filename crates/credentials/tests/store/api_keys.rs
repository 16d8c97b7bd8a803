//! Issuing, listing and revoking API keys.

use chrono::TimeDelta;
use diesel::Connection;
use owp_audit::EventType;
use owp_credentials::{
    ApiKeyInfo, CredentialError, NewApiKey, generate_api_key, get_api_key, has_api_key_labelled,
    hash_api_key, insert_api_key, issue_api_key, list_api_keys, revoke_api_key,
};
use owp_db::ids::{CredentialId, UserId};
use owp_db::{Database, StoreError};
use owp_testkit::{Backend, TestDatabase, on_both_backends};

use crate::{credential_counts, ctx, events, new_user, verify};

on_both_backends!(
    issued_keys_are_listed_without_secrets,
    revoking_is_audited_once_and_keeps_the_first_time,
    a_rolled_back_issue_leaves_neither_key_nor_event,
    only_hashed_tokens_with_fresh_prefixes_are_stored,
);

fn labelled(label: &str) -> NewApiKey {
    NewApiKey {
        label: label.into(),
        ..NewApiKey::default()
    }
}

/// Issues a key for `user` and returns it with its one-time token.
pub(crate) async fn issue(db: &Database, user: UserId, new: NewApiKey) -> (ApiKeyInfo, String) {
    db.run(move |conn| issue_api_key(conn, &ctx(user), user, &new, owp_db::time::now()))
        .await
        .unwrap()
}

async fn issued_keys_are_listed_without_secrets(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (alice, bob) = (new_user(&db).await, new_user(&db).await);
    let expires_at = owp_db::time::now() + TimeDelta::days(30);
    let (ci, ci_token) = issue(&db, alice, labelled("ci")).await;
    let narrowed = NewApiKey {
        label: "notebook".into(),
        expires_at: Some(expires_at),
        scopes: Some(vec!["chat:create".into()]),
        allowed_model_ids: Some(vec!["llama3.2:1b".into()]),
    };
    let (notebook, notebook_token) = issue(&db, alice, narrowed.clone()).await;
    assert_eq!(notebook.prefix.len(), 16);
    assert!(notebook_token.starts_with(&format!("owp_{}_", notebook.prefix)));
    assert_eq!(notebook.user_id, alice);
    assert_eq!(notebook.scopes, narrowed.scopes);
    assert_eq!(notebook.allowed_model_ids, narrowed.allowed_model_ids);
    assert_eq!(notebook.expires_at, Some(expires_at));

    let (listed, fetched, foreign, labels) = db
        .run(move |conn| {
            let labels = (
                has_api_key_labelled(conn, alice, "ci")?,
                has_api_key_labelled(conn, alice, "other")?,
                has_api_key_labelled(conn, bob, "ci")?,
            );
            Ok::<_, StoreError>((
                list_api_keys(conn, alice)?,
                get_api_key(conn, alice, ci.id)?,
                get_api_key(conn, bob, ci.id),
                labels,
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        listed,
        [notebook.clone(), ci.clone()],
        "newest first, read back equal"
    );
    assert_eq!(fetched, ci);
    assert_eq!(
        foreign,
        Err(StoreError::NotFound),
        "another user's key is not found"
    );
    assert_eq!(labels, (true, false, false));

    let json = serde_json::to_string(&listed).unwrap();
    for token in [&ci_token, &notebook_token] {
        let secret = token.rsplit('_').next().unwrap();
        assert!(!json.contains(secret) && !json.contains(token.as_str()));
    }
    assert!(!json.contains("argon2") && !json.contains("hash"), "{json}");
    assert!(!format!("{listed:?}").contains(&ci_token));

    let issued = events(&db, EventType::ApiKeyIssued).await;
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0].credential_id, Some(notebook.id.to_string()));
    assert_eq!(issued[0].subject_user_id, Some(alice.to_string()));
    assert_eq!(
        issued[0].detail,
        serde_json::json!({"label": "notebook", "prefix": notebook.prefix})
    );
    assert!(!issued[1].detail.to_string().contains(&ci_token));
}

async fn revoking_is_audited_once_and_keeps_the_first_time(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (alice, bob) = (new_user(&db).await, new_user(&db).await);
    let (key, _) = issue(&db, alice, labelled("bootstrap")).await;
    let first = owp_db::time::now();
    let later = first + TimeDelta::minutes(5);
    let (once, twice, by_bob, unknown, still_labelled, listed) = db
        .run(move |conn| {
            let once = revoke_api_key(conn, &ctx(alice), alice, key.id, first)?;
            let twice = revoke_api_key(conn, &ctx(alice), alice, key.id, later)?;
            let by_bob = revoke_api_key(conn, &ctx(bob), bob, key.id, later);
            let unknown = revoke_api_key(conn, &ctx(alice), alice, CredentialId::new(), later);
            let still_labelled = has_api_key_labelled(conn, alice, "bootstrap")?;
            let listed = list_api_keys(conn, alice)?;
            Ok::<_, StoreError>((once, twice, by_bob, unknown, still_labelled, listed))
        })
        .await
        .unwrap();
    assert_eq!(once.revoked_at, Some(first));
    assert_eq!(twice.revoked_at, Some(first), "the first revocation stands");
    assert_eq!(by_bob, Err(StoreError::NotFound));
    assert_eq!(unknown, Err(StoreError::NotFound));
    assert!(!still_labelled, "a revoked key does not count");
    assert_eq!(listed, [once], "revoked keys stay listed");

    let revoked = events(&db, EventType::ApiKeyRevoked).await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].credential_id, Some(key.id.to_string()));
    assert_eq!(revoked[0].occurred_at, first);
    assert!(db.run(verify).await.unwrap().intact);
}

async fn a_rolled_back_issue_leaves_neither_key_nor_event(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    let outcome = db
        .run(move |conn| {
            conn.transaction(|conn| {
                let at = owp_db::time::now();
                issue_api_key(conn, &ctx(user), user, &labelled("doomed"), at)?;
                Err::<(), _>(CredentialError::Store(StoreError::Conflict {
                    field: "label".into(),
                }))
            })
        })
        .await;
    assert!(matches!(
        outcome,
        Err(CredentialError::Store(StoreError::Conflict { .. }))
    ));
    assert_eq!(credential_counts(&db, user).await, (0, 0));
    assert!(events(&db, EventType::ApiKeyIssued).await.is_empty());

    let stranger = UserId::new();
    let orphan = db
        .run(move |conn| {
            let at = owp_db::time::now();
            issue_api_key(conn, &ctx(stranger), stranger, &labelled("orphan"), at)
        })
        .await;
    assert!(
        matches!(
            orphan,
            Err(CredentialError::Store(StoreError::ForeignKey { .. }))
        ),
        "{orphan:?}"
    );
    assert!(events(&db, EventType::ApiKeyIssued).await.is_empty());
    assert!(db.run(verify).await.unwrap().intact);
}

async fn only_hashed_tokens_with_fresh_prefixes_are_stored(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    let (prefix, token) = generate_api_key();
    let token_hash = hash_api_key(&token).unwrap();
    let (plain, first, reused) = db
        .run(move |conn| {
            let at = owp_db::time::now();
            let new = labelled("k");
            let plain = insert_api_key(conn, &ctx(user), user, &new, &prefix, &token, at);
            let first = insert_api_key(conn, &ctx(user), user, &new, &prefix, &token_hash, at)?;
            let reused = insert_api_key(conn, &ctx(user), user, &new, &prefix, &token_hash, at);
            Ok::<_, StoreError>((plain, first, reused))
        })
        .await
        .unwrap();
    assert!(matches!(plain, Err(StoreError::Internal(_))), "{plain:?}");
    assert_eq!(
        reused,
        Err(StoreError::Conflict {
            field: "key_prefix".into()
        })
    );
    assert_eq!(credential_counts(&db, user).await, (1, 1));
    let issued = events(&db, EventType::ApiKeyIssued).await;
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].credential_id, Some(first.id.to_string()));
}
