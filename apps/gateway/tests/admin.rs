//! Account administration through the HTTP API: creation, approval, disabling, passwords,
//! grants, API keys with scopes, and the audit trail.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    admin_creates_activates_and_disables_a_user,
    approval_queue_approves_with_roles_and_grants,
    api_keys_are_shown_once_scoped_and_revoked_at_once,
    audit_lists_filters_exports_and_detects_tampering,
    custom_roles_grant_permissions_and_system_roles_stay,
    users_list_filters_and_pages,
    organizations_are_managed_by_super_admins,
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

async fn custom_roles_grant_permissions_and_system_roles_stay(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let role = json_of(
        app.send_as(
            &admin,
            Method::POST,
            "/api/v1/roles",
            Some(json!({"name": "auditor", "permissions": ["audit:read"]})),
        )
        .await,
        201,
    )
    .await;
    let role_id = role["id"].as_str().unwrap().to_owned();
    assert_eq!(role["is_system"], false);
    let id = make_user(&app, &admin, "auditor@example.org", &["auditor"]).await;
    let auditor = app.login("auditor@example.org", "user-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get_as(&auditor, "/api/v1/audit").await.status(), 200);
    assert_eq!(app.get_as(&auditor, "/api/v1/users").await.status(), 403);

    let widened = json_of(
        app.send_as(
            &admin,
            Method::PATCH,
            &format!("/api/v1/roles/{role_id}"),
            Some(json!({"add_permissions": ["users:read"], "remove_permissions": ["audit:read"]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(widened["permissions"], json!(["users:read"]));
    assert_eq!(
        app.get_as(&auditor, "/api/v1/users").await.status(),
        200,
        "permissions load per request"
    );
    assert_eq!(app.get_as(&auditor, "/api/v1/audit").await.status(), 403);

    let bad = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/roles",
            Some(json!({"name": "x", "permissions": ["users:fly"]})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let clash = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/roles",
            Some(json!({"name": "admin"})),
        )
        .await;
    assert_eq!(clash.status(), 409);
    let roles = json_of(app.get_as(&admin, "/api/v1/roles").await, 200).await;
    let system = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "admin")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/roles/{system}"),
            None
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.send_as(
            &admin,
            Method::DELETE,
            &format!("/api/v1/roles/{role_id}"),
            None
        )
        .await
        .status(),
        204
    );
    let user = json_of(
        app.get_as(&admin, &format!("/api/v1/users/{id}")).await,
        200,
    )
    .await;
    assert_eq!(user["roles"], json!([]), "holders lose a deleted role");
    let permissions = json_of(app.get_as(&admin, "/api/v1/permissions").await, 200).await;
    assert!(
        permissions
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "models:use")
    );
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

async fn organizations_are_managed_by_super_admins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.admin_token().await;
    let created = json_of(
        app.send_as(
            &root,
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": "Lab", "slug": "lab"})),
        )
        .await,
        201,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let dup = app
        .send_as(
            &root,
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": "Lab 2", "slug": "lab"})),
        )
        .await;
    assert_eq!(dup.status(), 409);
    let bad = app
        .send_as(
            &root,
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": "X", "slug": "Bad Slug"})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let renamed = json_of(
        app.send_as(
            &root,
            Method::PATCH,
            &format!("/api/v1/organizations/{id}"),
            Some(json!({"name": "Lab One"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(renamed["name"], "Lab One");
    let listed = json_of(app.get_as(&root, "/api/v1/organizations").await, 200).await;
    assert_eq!(listed["total"], 2);

    let lab_admin = json_of(
        app.send_as(
            &root,
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": "boss@lab.org", "organization_id": id})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(lab_admin["organization_id"], id.as_str());
    let in_use = app
        .send_as(
            &root,
            Method::DELETE,
            &format!("/api/v1/organizations/{id}"),
            None,
        )
        .await;
    assert_eq!(in_use.status(), 409, "an organization with users stays");
    let default =
        json_of(app.get_as(&root, "/api/v1/auth/me").await, 200).await["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
    assert_eq!(
        app.send_as(
            &root,
            Method::DELETE,
            &format!("/api/v1/organizations/{default}"),
            None
        )
        .await
        .status(),
        409
    );
    let empty = json_of(
        app.send_as(
            &root,
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": "Empty", "slug": "empty"})),
        )
        .await,
        201,
    )
    .await;
    let empty_id = empty["id"].as_str().unwrap();
    assert_eq!(
        app.send_as(
            &root,
            Method::DELETE,
            &format!("/api/v1/organizations/{empty_id}"),
            None
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        app.get_as(&root, &format!("/api/v1/organizations/{empty_id}"))
            .await
            .status(),
        404
    );
}
