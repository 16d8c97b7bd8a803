//! Authenticating with API keys: the cache, revocation, expiry and refusals.

use chrono::{NaiveDateTime, TimeDelta};
use owp_credentials::{
    ApiKeyCache, ApiKeyInfo, ApiKeyRejection, NewApiKey, authenticate_api_key, generate_api_key,
    get_api_key, revoke_api_key,
};
use owp_db::Database;
use owp_db::ids::UserId;
use owp_testkit::{Backend, TestDatabase, on_both_backends, tamper};

use crate::api_keys::issue;
use crate::{ctx, new_user};

on_both_backends!(
    a_verified_key_is_served_from_the_cache,
    last_use_is_written_at_most_once_a_minute,
    revocation_is_immediate_even_when_cached,
    expired_keys_are_refused,
    wrong_unknown_and_malformed_tokens_are_refused,
);

async fn authenticate(
    db: &Database,
    cache: &ApiKeyCache,
    token: &str,
    now: NaiveDateTime,
) -> Result<ApiKeyInfo, ApiKeyRejection> {
    let (cache, token) = (cache.clone(), token.to_owned());
    db.run(move |conn| authenticate_api_key(conn, &cache, &token, now))
        .await
}

async fn key_for(db: &Database, label: &str) -> (UserId, ApiKeyInfo, String) {
    let user = new_user(db).await;
    let new = NewApiKey {
        label: label.into(),
        ..NewApiKey::default()
    };
    let (info, token) = issue(db, user, new).await;
    (user, info, token)
}

async fn a_verified_key_is_served_from_the_cache(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (user, key, token) = key_for(&db, "ci").await;
    let cache = ApiKeyCache::default();
    let now = owp_db::time::now();

    let first = authenticate(&db, &cache, &token, now).await.unwrap();
    assert_eq!((first.id, first.user_id), (key.id, user));
    assert_eq!(first.last_used_at, Some(now));
    assert!(cache.contains(&token));
    assert_eq!(cache.len(), 1);

    // With the stored hash destroyed only the cache can still vouch for the token: the warm
    // cache accepts it (no argon2 ran), a cold one cannot.
    tamper(
        &db,
        format!(
            "UPDATE credentials SET secret_hash = 'x' WHERE id = '{}'",
            key.id
        ),
    )
    .await;
    let second = authenticate(&db, &cache, &token, now).await.unwrap();
    assert_eq!(second.id, key.id);
    let cold = ApiKeyCache::default();
    assert_eq!(
        authenticate(&db, &cold, &token, now).await,
        Err(ApiKeyRejection::Unknown)
    );
    assert!(!cold.contains(&token));

    // A cached key whose row is gone is refused and forgotten.
    tamper(
        &db,
        format!("DELETE FROM credentials WHERE id = '{}'", key.id),
    )
    .await;
    assert_eq!(
        authenticate(&db, &cache, &token, now).await,
        Err(ApiKeyRejection::Unknown)
    );
    assert!(!cache.contains(&token));
}

async fn last_use_is_written_at_most_once_a_minute(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (user, key, token) = key_for(&db, "busy").await;
    let cache = ApiKeyCache::default();
    let start = owp_db::time::now();
    let stored_last_use = || async {
        db.run(move |conn| get_api_key(conn, user, key.id))
            .await
            .unwrap()
            .last_used_at
    };

    authenticate(&db, &cache, &token, start).await.unwrap();
    assert_eq!(stored_last_use().await, Some(start));
    let soon = start + TimeDelta::seconds(30);
    let seen = authenticate(&db, &cache, &token, soon).await.unwrap();
    assert_eq!(seen.last_used_at, Some(start));
    assert_eq!(
        stored_last_use().await,
        Some(start),
        "no write within a minute"
    );
    let later = start + TimeDelta::seconds(61);
    let seen = authenticate(&db, &cache, &token, later).await.unwrap();
    assert_eq!(seen.last_used_at, Some(later));
    assert_eq!(stored_last_use().await, Some(later));
}

async fn revocation_is_immediate_even_when_cached(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (user, key, token) = key_for(&db, "ci").await;
    let (other_replica, this_replica) = (ApiKeyCache::default(), ApiKeyCache::default());
    let now = owp_db::time::now();
    authenticate(&db, &other_replica, &token, now)
        .await
        .unwrap();

    db.run(move |conn| revoke_api_key(conn, &ctx(user), user, key.id, now))
        .await
        .unwrap();
    assert!(other_replica.contains(&token));
    assert_eq!(
        authenticate(&db, &other_replica, &token, now).await,
        Err(ApiKeyRejection::Revoked)
    );
    assert_eq!(
        authenticate(&db, &this_replica, &token, now).await,
        Err(ApiKeyRejection::Revoked)
    );
}

async fn expired_keys_are_refused(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let user = new_user(&db).await;
    let now = owp_db::time::now();
    let new = NewApiKey {
        label: "short-lived".into(),
        expires_at: Some(now + TimeDelta::hours(1)),
        ..NewApiKey::default()
    };
    let (_, token) = issue(&db, user, new).await;
    let cache = ApiKeyCache::default();
    assert!(authenticate(&db, &cache, &token, now).await.is_ok());
    let expiry = now + TimeDelta::hours(1);
    assert_eq!(
        authenticate(&db, &cache, &token, expiry).await,
        Err(ApiKeyRejection::Expired)
    );
    assert_eq!(
        authenticate(&db, &ApiKeyCache::default(), &token, expiry).await,
        Err(ApiKeyRejection::Expired),
        "refused whether or not it was cached"
    );
}

async fn wrong_unknown_and_malformed_tokens_are_refused(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let (_, key, token) = key_for(&db, "ci").await;
    let cache = ApiKeyCache::default();
    let now = owp_db::time::now();

    let (_, stranger) = generate_api_key();
    let wrong_secret = format!(
        "owp_{}_{}",
        key.prefix,
        stranger.rsplit('_').next().unwrap()
    );
    let refusals = [
        (wrong_secret.as_str(), ApiKeyRejection::Unknown),
        (stranger.as_str(), ApiKeyRejection::Unknown),
        ("owp_not-a-key", ApiKeyRejection::Malformed),
        ("", ApiKeyRejection::Malformed),
        (&token[..token.len() - 1], ApiKeyRejection::Malformed),
    ];
    for (candidate, expected) in refusals {
        assert_eq!(
            authenticate(&db, &cache, candidate, now).await,
            Err(expected),
            "{candidate:?}"
        );
    }
    assert!(cache.is_empty(), "nothing refused is cached");
    assert!(authenticate(&db, &cache, &token, now).await.is_ok());
    assert_eq!(
        authenticate(&db, &cache, &wrong_secret, now).await,
        Err(ApiKeyRejection::Unknown),
        "a cached key does not vouch for another secret with its prefix"
    );
}
