//! Throttles an attacker cannot outrun: parallel sign-in attempts (in process and through
//! Redis), registrations per address, and client addresses that only trusted proxies may name.

use owp_testkit::{ADMIN_PASSWORD, Backend, TestApp, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    parallel_wrong_passwords_get_at_most_the_limit_of_401s,
    parallel_wrong_passwords_through_redis_get_at_most_the_limit,
    registrations_are_throttled_per_address,
    forwarded_addresses_count_only_from_trusted_proxies,
);

/// Failed sign-ins allowed per account per window (see `http::limits`).
const ACCOUNT_FAILURES: usize = 5;
/// Registrations allowed per address per hour.
const REGISTRATIONS_PER_ADDRESS: usize = 30;

async fn storm(app: &TestApp, attempts: usize) -> (usize, usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..attempts {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        tasks.spawn(async move {
            client
                .post(url)
                .json(&json!({"email": "admin@example.com", "password": "wrong-password"}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let (mut unauthorized, mut throttled) = (0, 0);
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => unauthorized += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("unexpected {other}"),
        }
    }
    (unauthorized, throttled)
}

async fn parallel_wrong_passwords_get_at_most_the_limit_of_401s(backend: Backend) {
    let app = TestApp::builder(backend).workers(4).spawn().await;
    let (unauthorized, throttled) = storm(&app, 60).await;
    assert!(
        unauthorized <= ACCOUNT_FAILURES,
        "{unauthorized} wrong passwords were checked"
    );
    assert_eq!(unauthorized + throttled, 60);
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "admin@example.com", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits");
}

async fn parallel_wrong_passwords_through_redis_get_at_most_the_limit(backend: Backend) {
    let prefix = format!("owp-test-{}", uuid::Uuid::now_v7().simple());
    let first = TestApp::builder(backend)
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env("REDIS_KEY_PREFIX", &prefix)
        .spawn()
        .await;
    let second = TestApp::builder(backend)
        .database_url(first.database_url())
        .env("REDIS_URL", "redis://127.0.0.1:6379")
        .env("REDIS_KEY_PREFIX", &prefix)
        .spawn()
        .await;
    let (a, b) = tokio::join!(storm(&first, 30), storm(&second, 30));
    assert!(
        a.0 + b.0 <= ACCOUNT_FAILURES,
        "{} wrong passwords were checked across two replicas",
        a.0 + b.0
    );
}

async fn registrations_are_throttled_per_address(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("SIGNUP_MODE", "open")
        .spawn()
        .await;
    let register = |i: usize| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .json(&json!({"email": format!("bulk{i}@example.org"), "password": "long-enough-pw"}))
            .send()
    };
    for i in 0..REGISTRATIONS_PER_ADDRESS {
        assert_eq!(register(i).await.unwrap().status(), 201, "registration {i}");
    }
    let res = register(REGISTRATIONS_PER_ADDRESS).await.unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 3600);
    let res = app
        .client
        .post(app.url("/api/v1/auth/accept-invite"))
        .json(&json!({"token": "not-a-token", "password": "long-enough-pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        429,
        "accepting invitations shares the allowance"
    );
}

async fn last_failure_ip(app: &TestApp) -> String {
    let events: Value = app
        .get_as(
            &app.admin_api_key(),
            "/api/v1/audit?event_type=login_failure&limit=1",
        )
        .await
        .json()
        .await
        .unwrap();
    events["items"][0]["ip"].as_str().unwrap().to_owned()
}

async fn fail_sign_in_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({
            "email": format!("nobody-{}@example.org", uuid::Uuid::now_v7().simple()),
            "password": "wrong-password",
        }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn forwarded_addresses_count_only_from_trusted_proxies(backend: Backend) {
    let untrusting = TestApp::spawn(backend).await;
    assert_eq!(fail_sign_in_from(&untrusting, "203.0.113.7").await, 401);
    assert_eq!(
        last_failure_ip(&untrusting).await,
        "127.0.0.1",
        "by default nobody may name the client address"
    );

    let behind_proxy = TestApp::builder(backend)
        .env("TRUSTED_PROXIES", "127.0.0.1/32")
        .spawn()
        .await;
    assert_eq!(
        fail_sign_in_from(&behind_proxy, "198.51.100.1, 203.0.113.7").await,
        401
    );
    assert_eq!(last_failure_ip(&behind_proxy).await, "203.0.113.7");
    // Throttling follows the resolved address: one client's failures do not lock out another.
    for _ in 0..20 {
        fail_sign_in_from(&behind_proxy, "203.0.113.9").await;
    }
    assert_eq!(fail_sign_in_from(&behind_proxy, "203.0.113.9").await, 429);
    assert_eq!(fail_sign_in_from(&behind_proxy, "203.0.113.10").await, 401);
}
