//! Custom roles grant permissions while system roles stay; super admins manage organizations.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::{json_of, make_user};

on_both_backends!(
    custom_roles_grant_permissions_and_system_roles_stay,
    organizations_are_managed_by_super_admins,
);

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
