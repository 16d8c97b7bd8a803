//! Invitations through the HTTP API: invite, accept once, revoke, organization isolation.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(invite_accept_once_and_revoke);

async fn accept(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/accept-invite"))
        .json(&json!({"token": token, "password": "invited-password", "full_name": "Ivy"}))
        .send()
        .await
        .unwrap()
}

async fn invite_accept_once_and_revoke(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let created = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"email": "Ivy@Example.org", "roles": ["instructor"]})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert_eq!(created["link"], format!("/invite/accept?token={token}"));
    assert_eq!(created["invitation"]["state"], "pending");

    let listed: Value = app
        .get_as(&admin, "/api/v1/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    assert!(
        !listed.to_string().contains(&token),
        "tokens are never listed"
    );

    let weak = app
        .client
        .post(app.url("/api/v1/auth/accept-invite"))
        .json(&json!({"token": token, "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 422);
    let res = accept(&app, &token).await;
    assert_eq!(res.status(), 201);
    let user: Value = res.json().await.unwrap();
    assert_eq!(user["status"], "active");
    assert_eq!(user["roles"], json!(["instructor"]));
    assert_eq!(user["full_name"], "Ivy");
    app.login("ivy@example.org", "invited-password").await;
    assert_eq!(accept(&app, &token).await.status(), 410, "single use");
    assert_eq!(accept(&app, "unknown-token").await.status(), 404);

    let again = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"email": "ivy@example.org"})),
        )
        .await;
    assert_eq!(again.status(), 409, "the email has an account now");
    let escalate = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"email": "x@example.org", "roles": ["nope"]})),
        )
        .await;
    assert_eq!(escalate.status(), 422);

    let second: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"email": "zed@example.org"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = second["invitation"]["id"].as_str().unwrap();
    let revoked: Value = app
        .send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/invitations/{id}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["state"], "revoked");
    assert_eq!(
        accept(&app, second["token"].as_str().unwrap())
            .await
            .status(),
        410
    );

    let audit: Value = app
        .get_as(&admin, "/api/v1/audit?event_type=invitation_accepted")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["total"], 1);
}
