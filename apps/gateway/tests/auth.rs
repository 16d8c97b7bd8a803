//! Sign-in, tokens, sessions and registration through the HTTP API.

use owp_audit::{AuditFilter, EventType, query};
use owp_db::Page;
use owp_testkit::{ADMIN_PASSWORD, Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

const ADMIN: &str = "admin@example.com";

on_both_backends!(
    login_returns_tokens_and_me_describes_the_caller,
    wrong_password_and_unknown_email_look_the_same,
    bad_tokens_are_refused,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_ends_the_session,
    change_password_checks_the_old_one_and_ends_other_sessions,
    registration_follows_signup_mode_approval,
    registration_open_and_closed,
    api_key_authenticates,
    oauth2_password_form_signs_in,
    expired_and_foreign_tokens_and_other_headers_are_refused,
    expired_api_keys_are_refused,
);

async fn post(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn audit_count(app: &TestApp, event: EventType) -> i64 {
    app.database()
        .run(move |conn| {
            let filter = AuditFilter {
                event_type: Some(event),
                ..AuditFilter::default()
            };
            query(conn, &filter, Page::default()).map(|p| p.total)
        })
        .await
        .unwrap()
}

async fn login_returns_tokens_and_me_describes_the_caller(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tokens = app.login("Admin@Example.com", ADMIN_PASSWORD).await;
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert_eq!(tokens["user"]["email"], ADMIN);
    assert!(tokens["refresh_token"].as_str().unwrap().len() >= 32);

    let me: Value = app
        .get_as(tokens["access_token"].as_str().unwrap(), "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], ADMIN);
    assert_eq!(me["organization"]["slug"], "default");
    assert_eq!(me["roles"], json!(["admin", "super_admin"]));
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("users:write"))
    );
    assert_eq!(me["authenticated_by"], "session");
    assert_eq!(me["allowed_model_ids"], Value::Null);
    assert!(audit_count(&app, EventType::LoginSuccess).await >= 1);
}

async fn wrong_password_and_unknown_email_look_the_same(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let wrong = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": ADMIN, "password": "nope-nope"}),
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));
    let wrong: Value = wrong.json().await.unwrap();
    let unknown = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": "ghost@example.com", "password": "nope-nope"}),
    )
    .await;
    assert_eq!(unknown.status(), 401);
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(audit_count(&app, EventType::LoginFailure).await, 2);

    let missing = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": "", "password": "x"}),
    )
    .await;
    assert_eq!(missing.status(), 422);
}

async fn bad_tokens_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let good = app.admin_token().await;
    let payload = good.split('.').nth(1).unwrap();
    let candidates = [
        "not-a-jwt".to_owned(),
        format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}."),
        format!("{}x", &good[..good.len() - 1]),
        format!("{}.{payload}.{}", good.split('.').next().unwrap(), "AAAA"),
    ];
    for token in candidates {
        let res = app.get_as(&token, "/api/v1/auth/me").await;
        assert_eq!(res.status(), 401, "{token}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"owp\"");
    }
    let anonymous = app.get("/api/v1/auth/me").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(app.get_as(&good, "/api/v1/auth/me").await.status(), 200);
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.login(ADMIN, ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let second: Value = post(&app, "/api/v1/auth/refresh", json!({"refresh_token": r1}))
        .await
        .json()
        .await
        .unwrap();
    let r2 = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    let access2 = second["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&access2, "/api/v1/auth/me").await.status(), 200);

    let reuse = post(&app, "/api/v1/auth/refresh", json!({"refresh_token": r1})).await;
    assert_eq!(reuse.status(), 401);
    assert_eq!(audit_count(&app, EventType::TokenRefreshReuse).await, 1);
    let after = post(&app, "/api/v1/auth/refresh", json!({"refresh_token": r2})).await;
    assert_eq!(after.status(), 401, "the whole family is revoked");
    assert_eq!(app.get_as(&access2, "/api/v1/auth/me").await.status(), 401);

    let garbage = post(
        &app,
        "/api/v1/auth/refresh",
        json!({"refresh_token": "nope"}),
    )
    .await;
    assert_eq!(garbage.status(), 401);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tokens = app.login(ADMIN, ADMIN_PASSWORD).await;
    let access = tokens["access_token"].as_str().unwrap();
    let res = app
        .send_as(access, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_as(access, "/api/v1/auth/me").await.status(), 401);
    let refresh = post(
        &app,
        "/api/v1/auth/refresh",
        json!({"refresh_token": tokens["refresh_token"]}),
    )
    .await;
    assert_eq!(refresh.status(), 401);
    assert_eq!(audit_count(&app, EventType::Logout).await, 1);
}

async fn change_password_checks_the_old_one_and_ends_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let other = app.admin_token().await;
    let current = app.admin_token().await;
    let wrong = app
        .send_as(
            &current,
            Method::POST,
            "/api/v1/auth/change-password",
            Some(json!({"current_password": "wrong-one", "new_password": "brand-new-password"})),
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let weak = app
        .send_as(
            &current,
            Method::POST,
            "/api/v1/auth/change-password",
            Some(json!({"current_password": ADMIN_PASSWORD, "new_password": "short"})),
        )
        .await;
    assert_eq!(weak.status(), 422);
    let ok = app
        .send_as(
            &current,
            Method::POST,
            "/api/v1/auth/change-password",
            Some(json!({"current_password": ADMIN_PASSWORD, "new_password": "brand-new-password"})),
        )
        .await;
    assert_eq!(ok.status(), 204);
    assert_eq!(
        app.get_as(&current, "/api/v1/auth/me").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.get_as(&other, "/api/v1/auth/me").await.status(),
        401,
        "other sessions end"
    );
    let old = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": ADMIN, "password": ADMIN_PASSWORD}),
    )
    .await;
    assert_eq!(old.status(), 401);
    app.login(ADMIN, "brand-new-password").await;
    assert_eq!(audit_count(&app, EventType::PasswordChanged).await, 1);
}

async fn registration_follows_signup_mode_approval(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = post(
        &app,
        "/api/v1/auth/register",
        json!({"email": "Pat@Example.org", "password": "pat-password", "full_name": "Pat"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["status"], "pending");
    assert_eq!(body["user"]["roles"], json!([]));

    let pending = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": "pat@example.org", "password": "pat-password"}),
    )
    .await;
    assert_eq!(pending.status(), 403);
    let problem: Value = pending.json().await.unwrap();
    assert_eq!(problem["detail"], "account pending approval");

    let duplicate = post(
        &app,
        "/api/v1/auth/register",
        json!({"email": "PAT@example.org", "password": "pat-password"}),
    )
    .await;
    assert_eq!(duplicate.status(), 409);
    let problem: Value = duplicate.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "email");

    let weak = post(
        &app,
        "/api/v1/auth/register",
        json!({"email": "x@example.org", "password": "short"}),
    )
    .await;
    assert_eq!(weak.status(), 422);
    let bad_email = post(
        &app,
        "/api/v1/auth/register",
        json!({"email": "nope", "password": "long-enough"}),
    )
    .await;
    assert_eq!(bad_email.status(), 422);
    assert_eq!(audit_count(&app, EventType::UserRegistered).await, 1);
}

async fn registration_open_and_closed(backend: Backend) {
    let open = TestApp::builder(backend)
        .env("SIGNUP_MODE", "open")
        .spawn()
        .await;
    let res = post(
        &open,
        "/api/v1/auth/register",
        json!({"email": "sam@example.org", "password": "sam-password"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let tokens = open.login("sam@example.org", "sam-password").await;
    assert_eq!(tokens["user"]["roles"], json!(["user"]));

    let closed = TestApp::builder(backend)
        .env("SIGNUP_MODE", "closed")
        .spawn()
        .await;
    let res = post(
        &closed,
        "/api/v1/auth/register",
        json!({"email": "sam@example.org", "password": "sam-password"}),
    )
    .await;
    assert_eq!(res.status(), 403);
}

async fn api_key_authenticates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    assert!(key.starts_with("owp_"));
    for _ in 0..2 {
        let me: Value = app
            .get_as(&key, "/api/v1/auth/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["user"]["email"], ADMIN);
        assert_eq!(me["authenticated_by"], "api_key");
    }
    let forged = format!("{}x", &key[..key.len() - 1]);
    assert_eq!(app.get_as(&forged, "/api/v1/auth/me").await.status(), 401);
    let logout = app
        .send_as(&key, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(logout.status(), 422);
}

async fn oauth2_password_form_signs_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    let wrong_grant = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("username", ADMIN),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_grant.status(), 422);
}

async fn expired_and_foreign_tokens_and_other_headers_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let good = app.admin_token().await;
    let me: Value = app
        .get_as(&good, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| {
        json!({
            "sub": me["user"]["id"], "org": me["organization"]["id"], "sid": uuid::Uuid::now_v7().to_string(),
            "exp": exp, "iat": exp - 900, "jti": "t"
        })
    };
    let sign = |secret: &[u8], alg: jsonwebtoken::Algorithm, exp: i64| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(alg),
            &claims(exp),
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let secret = b"test-secret-test-secret-test-secret-0123";
    for (label, token) in [
        (
            "expired",
            sign(secret, jsonwebtoken::Algorithm::HS256, now - 3600),
        ),
        (
            "wrong key",
            sign(
                b"some-other-secret-some-other-secret-99",
                jsonwebtoken::Algorithm::HS256,
                now + 600,
            ),
        ),
        (
            "other alg",
            sign(secret, jsonwebtoken::Algorithm::HS512, now + 600),
        ),
        (
            "unknown session",
            sign(secret, jsonwebtoken::Algorithm::HS256, now + 600),
        ),
    ] {
        assert_eq!(
            app.get_as(&token, "/api/v1/auth/me").await.status(),
            401,
            "{label}"
        );
    }

    let key = app.admin_api_key();
    for (name, value) in [
        ("x-api-key", key.clone()),
        ("api-key", key.clone()),
        ("authorization", format!("Token {key}")),
    ] {
        let res = app
            .client
            .get(app.url("/api/v1/auth/me"))
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{name}");
    }
    let query = app
        .client
        .get(app.url(&format!("/api/v1/auth/me?api_key={key}")))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 401);
}

async fn expired_api_keys_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let issued: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "short-lived", "expires_at": "2999-01-01T00:00:00"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = issued["secret"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&secret, "/api/v1/auth/me").await.status(), 200);
    let id = issued["key"]["id"].as_str().unwrap().to_owned();
    let sql =
        format!("UPDATE credentials SET expires_at = '2001-01-01 00:00:00' WHERE id = '{id}'");
    owp_testkit::tamper(app.database(), sql).await;
    assert_eq!(
        app.get_as(&secret, "/api/v1/auth/me").await.status(),
        401,
        "expiry applies even to a cached key"
    );
}
