//! Request rate limits per user or API key, and sign-in throttling per account and address.

use owp_testkit::{ADMIN_PASSWORD, Backend, TestApp, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    requests_over_the_rate_get_429_with_headers,
    repeated_sign_in_failures_are_throttled,
    replicas_share_limits_through_redis,
    a_redis_that_is_down_leaves_each_replica_counting_on_its_own,
);

/// The Redis the project's machines run; the test fails (never skips) without it.
const REDIS_URL: &str = "redis://127.0.0.1:6379";

async fn require_redis() {
    let client = redis::Client::open(REDIS_URL).unwrap();
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "Redis does not answer at {REDIS_URL} ({e}); start it with \
                 redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
            )
        });
    let pong: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    assert_eq!(pong, "PONG");
}

async fn replicas_share_limits_through_redis(backend: Backend) {
    require_redis().await;
    // Each run gets its own namespace, as two installations sharing one Redis would.
    let prefix = format!("owp-test-{}", uuid::Uuid::now_v7().simple());
    let first = TestApp::builder(backend)
        .env("RATE_LIMIT_PER_MINUTE", "3")
        .env("REDIS_URL", REDIS_URL)
        .env("REDIS_KEY_PREFIX", &prefix)
        .spawn()
        .await;
    let second = TestApp::builder(backend)
        .database_url(first.database_url())
        .env("RATE_LIMIT_PER_MINUTE", "3")
        .env("REDIS_URL", REDIS_URL)
        .env("REDIS_KEY_PREFIX", &prefix)
        .spawn()
        .await;
    let key = first.admin_api_key();
    let statuses = [
        first.get_as(&key, "/api/v1/auth/me").await.status(),
        second.get_as(&key, "/api/v1/auth/me").await.status(),
        first.get_as(&key, "/api/v1/auth/me").await.status(),
        second.get_as(&key, "/api/v1/auth/me").await.status(),
        first.get_as(&key, "/api/v1/auth/me").await.status(),
    ];
    assert_eq!(
        statuses.map(|s| s.as_u16()),
        [200, 200, 200, 429, 429],
        "three requests a minute in all, whichever replica answers"
    );

    for replica in [&first, &second, &first, &second, &first] {
        let res = replica
            .client
            .post(replica.url("/api/v1/auth/login"))
            .json(&json!({"email": "admin@example.com", "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let res = second
        .client
        .post(second.url("/api/v1/auth/login"))
        .json(&json!({"email": "admin@example.com", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        429,
        "five failures across replicas throttle the account"
    );
}

async fn requests_over_the_rate_get_429_with_headers(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("RATE_LIMIT_PER_MINUTE", "3")
        .spawn()
        .await;
    let token = app.admin_token().await;
    for remaining in ["2", "1", "0"] {
        let res = app.get_as(&token, "/api/v1/auth/me").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["ratelimit-limit"], "3");
        assert_eq!(res.headers()["ratelimit-remaining"], remaining);
        let reset: u64 = res.headers()["ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&reset));
    }
    let limited = app.get_as(&token, "/api/v1/auth/me").await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );

    let key = app.admin_api_key();
    assert_eq!(
        app.get_as(&key, "/api/v1/auth/me").await.status(),
        200,
        "a key has its own budget"
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "probes are not limited"
    );
}

async fn repeated_sign_in_failures_are_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let attempt = |email: &'static str, password: &'static str| {
        let request = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}));
        async move { request.send().await.unwrap() }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("admin@example.com", "wrong-password")
                .await
                .status(),
            401
        );
    }
    let blocked = attempt("admin@example.com", ADMIN_PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    assert!(blocked.headers().contains_key("retry-after"));
    let problem: Value = blocked.json().await.unwrap();
    assert_eq!(
        problem["detail"],
        "too many failed sign-ins; try again later"
    );

    let key = app.admin_api_key();
    let throttled: Value = app
        .get_as(&key, "/api/v1/audit?event_type=login_failure")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        throttled["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["detail"]["reason"] == "throttled")
    );

    for i in 0..15 {
        let email: &'static str = Box::leak(format!("nobody{i}@example.org").into_boxed_str());
        assert_eq!(
            attempt(email, "wrong-password").await.status(),
            401,
            "attempt {i}"
        );
    }
    assert_eq!(
        attempt("someone-else@example.org", "wrong-password")
            .await
            .status(),
        429,
        "per address"
    );
}

async fn a_redis_that_is_down_leaves_each_replica_counting_on_its_own(backend: Backend) {
    // Nothing listens on port 1: Redis is "down" from the start.
    let app = TestApp::builder(backend)
        .env("RATE_LIMIT_PER_MINUTE", "2")
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .spawn()
        .await;
    let key = app.admin_api_key();
    let statuses = [
        app.get_as(&key, "/api/v1/auth/me").await.status().as_u16(),
        app.get_as(&key, "/api/v1/auth/me").await.status().as_u16(),
        app.get_as(&key, "/api/v1/auth/me").await.status().as_u16(),
    ];
    assert_eq!(statuses, [200, 200, 429], "served and still limited");
}
