//! API keys with scopes, shown once and revoked at once; the audit trail lists, filters,
//! exports and detects tampering.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{json_of, make_user};

on_both_backends!(
    api_keys_are_shown_once_scoped_and_revoked_at_once,
    audit_lists_filters_exports_and_detects_tampering,
);

async fn api_keys_are_shown_once_scoped_and_revoked_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let id = make_user(&app, &admin, "ci@example.org", &["instructor"]).await;

    let beyond = app
        .send_as(
            &admin,
            Method::POST,
            &format!("/api/v1/users/{id}/api-keys"),
            Some(json!({"label": "too much", "scopes": ["users:write"]})),
        )
        .await;
    assert_eq!(beyond.status(), 422, "a key never exceeds its owner");
    let issued = json_of(
        app.send_as(&admin, Method::POST, &format!("/api/v1/users/{id}/api-keys"),
            Some(json!({"label": "pipeline", "scopes": ["models:use", "users:read"], "allowed_model_ids": ["llama3.2:latest"]})))
            .await,
        201,
    )
    .await;
    let secret = issued["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("owp_"));
    let key_id = issued["key"]["id"].as_str().unwrap().to_owned();

    let me = json_of(app.get_as(&secret, "/api/v1/auth/me").await, 200).await;
    assert_eq!(me["permissions"], json!(["models:use", "users:read"]));
    assert_eq!(me["allowed_model_ids"], json!(["llama3.2:latest"]));
    assert_eq!(app.get_as(&secret, "/api/v1/users").await.status(), 200);
    assert_eq!(
        app.get_as(&secret, "/api/v1/me/api-keys").await.status(),
        403,
        "scoped out of api_keys:self"
    );

    let listed = json_of(
        app.get_as(&admin, &format!("/api/v1/users/{id}/api-keys"))
            .await,
        200,
    )
    .await;
    let text = listed.to_string();
    assert!(!text.contains(&secret[20..]), "the secret is never listed");
    assert_eq!(listed[0]["label"], "pipeline");
    assert_eq!(listed[0]["revoked_at"], Value::Null);

    json_of(
        app.send_as(
            &admin,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"roles": ["user"]})),
        )
        .await,
        200,
    )
    .await;
    let narrowed = json_of(app.get_as(&secret, "/api/v1/auth/me").await, 200).await;
    assert_eq!(
        narrowed["permissions"],
        json!(["models:use"]),
        "a role change narrows the key"
    );

    let revoked = json_of(
        app.send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/users/{id}/api-keys/{key_id}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(
        app.get_as(&secret, "/api/v1/auth/me").await.status(),
        401,
        "revocation is immediate"
    );

    let user = app.login("ci@example.org", "user-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = json_of(
        app.send_as(
            &user,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "laptop"})),
        )
        .await,
        201,
    )
    .await;
    let own_secret = own["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_as(&own_secret, "/api/v1/auth/me").await.status(),
        200
    );
    let own_id = own["key"]["id"].as_str().unwrap();
    json_of(
        app.send_as(
            &user,
            Method::DELETE,
            &format!("/api/v1/me/api-keys/{own_id}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        app.get_as(&own_secret, "/api/v1/auth/me").await.status(),
        401
    );
    let expired = app
        .send_as(
            &user,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "old", "expires_at": "2020-01-01T00:00:00"})),
        )
        .await;
    assert_eq!(expired.status(), 422);
    let empty = app
        .send_as(
            &user,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "  "})),
        )
        .await;
    assert_eq!(empty.status(), 422);
}

async fn audit_lists_filters_exports_and_detects_tampering(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    make_user(&app, &admin, "audited@example.org", &["user"]).await;

    let page = json_of(app.get_as(&admin, "/api/v1/audit?limit=3").await, 200).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let seqs: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    let logins = json_of(
        app.get_as(&admin, "/api/v1/audit?event_type=login_success")
            .await,
        200,
    )
    .await;
    assert!(logins["total"].as_i64().unwrap() >= 1);
    let first = &logins["items"][0];
    assert_eq!(first["event_type"], "login_success");
    assert_eq!(first["ip"], "127.0.0.1");
    assert!(first["request_id"].is_string());
    for bad in ["limit=0", "limit=501", "event_type=made_up", "user_id=nope"] {
        assert_eq!(
            app.get_as(&admin, &format!("/api/v1/audit?{bad}"))
                .await
                .status(),
            422,
            "{bad}"
        );
    }
    assert_eq!(
        app.get_as(&admin, "/api/v1/audit?since=yesterday")
            .await
            .status(),
        400
    );

    let export = app
        .get_as(&admin, "/api/v1/audit/export?event_type=user_created")
        .await;
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = export.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,seq,occurred_at,event_type"));
    assert!(lines.len() >= 3, "admin and audited user: {csv}");
    assert!(lines[1..].iter().all(|l| l.contains(",user_created,")));

    let intact = json_of(app.get_as(&admin, "/api/v1/audit/verify").await, 200).await;
    assert_eq!(intact["intact"], true);
    owp_testkit::tamper(
        app.database(),
        "UPDATE audit_events SET user_agent = 'forged' WHERE seq = 2",
    )
    .await;
    let broken = json_of(app.get_as(&admin, "/api/v1/audit/verify").await, 200).await;
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["first_broken"]["seq"], 2);
}
