//! Account administration through the HTTP API: creation, approval, disabling and the users
//! list here; API keys and the audit trail in api_keys_and_audit.rs; custom roles and
//! organizations in roles_and_organizations.rs.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

mod api_keys_and_audit;
mod roles_and_organizations;

on_both_backends!(
    admin_creates_activates_and_disables_a_user,
    approval_queue_approves_with_roles_and_grants,
    users_list_filters_and_pages,
);

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

async fn make_user(app: &TestApp, admin: &str, email: &str, roles: &[&str]) -> String {
    let created = json_of(
        app.send_as(
            admin,
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": email})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["status"], "active");
    assert_eq!(created["roles"], json!([]));
    let id = created["id"].as_str().unwrap().to_owned();
    json_of(
        app.send_as(
            admin,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"roles": roles})),
        )
        .await,
        200,
    )
    .await;
    let res = app
        .send_as(
            admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/password"),
            Some(json!({"password": "user-password"})),
        )
        .await;
    assert_eq!(res.status(), 204);
    id
}

async fn admin_creates_activates_and_disables_a_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let id = make_user(&app, &admin, "Dana@Example.org", &["user"]).await;
    let dana = app.login("dana@example.org", "user-password").await;
    let dana_token = dana["access_token"].as_str().unwrap().to_owned();
    assert_eq!(dana["user"]["roles"], json!(["user"]));

    let duplicate = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": "DANA@example.org"})),
        )
        .await;
    assert_eq!(duplicate.status(), 409);

    let disabled = json_of(
        app.send_as(&admin, Method::DELETE, &format!("/api/v1/users/{id}"), None)
            .await,
        200,
    )
    .await;
    assert_eq!(disabled["status"], "disabled");
    assert_eq!(
        app.get_as(&dana_token, "/api/v1/auth/me").await.status(),
        401,
        "live token refused at once"
    );
    let login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "dana@example.org", "password": "user-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 403);

    let active = json_of(
        app.send_as(
            &admin,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"active": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(active["status"], "active");
    app.login("dana@example.org", "user-password").await;

    let me: Value = app
        .get_as(&admin, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let own = me["user"]["id"].as_str().unwrap();
    let self_disable = app
        .send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/users/{own}"),
            None,
        )
        .await;
    assert_eq!(
        self_disable.status(),
        409,
        "admins cannot lock themselves out"
    );
    let unknown_role = app
        .send_as(
            &admin,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"roles": ["wizard"]})),
        )
        .await;
    assert_eq!(unknown_role.status(), 422);
    let bad_id = app.get_as(&admin, "/api/v1/users/not-an-id").await;
    assert_eq!(bad_id.status(), 404);
}

async fn approval_queue_approves_with_roles_and_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    for email in ["p1@example.org", "p2@example.org"] {
        let res = app
            .client
            .post(app.url("/api/v1/auth/register"))
            .json(&json!({"email": email, "password": "pending-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let pending = json_of(app.get_as(&admin, "/api/v1/admin/users/pending").await, 200).await;
    assert_eq!(pending["total"], 2);
    let ids: Vec<String> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();

    let approved = json_of(
        app.send_as(&admin, Method::POST, &format!("/api/v1/admin/users/{}/approve", ids[0]), Some(json!({
            "approved": true, "roles": ["instructor"], "allowed_model_ids": ["llama3.2:latest"], "admin_notes": "ok"
        })))
        .await,
        200,
    )
    .await;
    assert_eq!(approved["status"], "active");
    assert_eq!(approved["roles"], json!(["instructor"]));
    assert_eq!(approved["allowed_model_ids"], json!(["llama3.2:latest"]));
    assert_eq!(approved["admin_notes"], "ok");
    assert!(approved["approved_by"].is_string());

    let rejected = json_of(
        app.send_as(
            &admin,
            Method::POST,
            &format!("/api/v1/admin/users/{}/approve", ids[1]),
            Some(json!({"approved": false})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    let again = app
        .send_as(
            &admin,
            Method::POST,
            &format!("/api/v1/admin/users/{}/approve", ids[1]),
            Some(json!({"approved": true})),
        )
        .await;
    assert_eq!(again.status(), 409);

    let email = approved["email"].as_str().unwrap();
    let tokens = app.login(email, "pending-password").await;
    let me = json_of(
        app.get_as(tokens["access_token"].as_str().unwrap(), "/api/v1/auth/me")
            .await,
        200,
    )
    .await;
    assert_eq!(me["allowed_model_ids"], json!(["llama3.2:latest"]));
    let rejected_login = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": rejected["email"], "password": "pending-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected_login.status(), 403);
    assert_eq!(
        json_of(app.get_as(&admin, "/api/v1/admin/users/pending").await, 200).await["total"],
        0
    );

    let grants = json_of(
        app.send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{}/grants", ids[0]),
            Some(json!({"allowed_model_ids": null})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(grants["allowed_model_ids"], Value::Null);
}

async fn users_list_filters_and_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    for (email, roles) in [
        ("ann@example.org", vec!["user"]),
        ("bob@example.org", vec!["instructor"]),
        ("cy@example.org", vec!["user"]),
    ] {
        make_user(&app, &admin, email, &roles).await;
    }
    let all = json_of(app.get_as(&admin, "/api/v1/users?limit=2").await, 200).await;
    assert_eq!(all["total"], 4);
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let second = json_of(
        app.get_as(&admin, "/api/v1/users?limit=2&offset=2").await,
        200,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    let users = json_of(app.get_as(&admin, "/api/v1/users?role=user").await, 200).await;
    assert_eq!(users["total"], 2);
    let text = json_of(app.get_as(&admin, "/api/v1/users?q=BOB").await, 200).await;
    assert_eq!(text["total"], 1);
    assert_eq!(text["items"][0]["email"], "bob@example.org");
    let wildcard = json_of(app.get_as(&admin, "/api/v1/users?q=%25").await, 200).await;
    assert_eq!(wildcard["total"], 0, "LIKE wildcards are literal");
    let active = json_of(app.get_as(&admin, "/api/v1/users?status=active").await, 200).await;
    assert_eq!(active["total"], 4);
    assert_eq!(
        app.get_as(&admin, "/api/v1/users?status=sleeping")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.get_as(&admin, "/api/v1/users?limit=501").await.status(),
        422
    );
}
