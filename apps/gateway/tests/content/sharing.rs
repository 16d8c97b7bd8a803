//! The visibility rule: owners, publishers, admins, projects and their members, other
//! organizations.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::{field_of, other_org_admin, send};

on_both_backends!(
    visibility_follows_owner_project_and_organization,
    projects_guard_their_content_and_owners,
);

async fn visibility_follows_owner_project_and_organization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (_, alice) = app.user_token("alice@example.org", &["user"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, guest) = app.user_token("guest@example.org", &["guest"]).await;
    let foreign = other_org_admin(&app).await;

    let mine = json!({"name": "Mine", "command": "mine", "content": "secret"});
    let (status, private) = send(&app, &alice, Method::POST, "/api/v1/prompts", Some(mine)).await;
    assert_eq!(status, 201, "a user keeps private prompts: {private}");
    let private = format!("/api/v1/prompts/{}", private["id"].as_str().unwrap());
    for (token, want) in [
        (&bob, 404),
        (&teacher, 404),
        (&guest, 404),
        (&foreign, 404),
        (&admin, 200),
        (&alice, 200),
    ] {
        assert_eq!(send(&app, token, Method::GET, &private, None).await.0, want);
    }
    let (status, _) = send(&app, &bob, Method::DELETE, &private, None).await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &guest,
        Method::POST,
        "/api/v1/prompts",
        Some(json!({"name": "g", "command": "g", "content": "x"})),
    )
    .await;
    assert_eq!(status, 403);
    let publish = json!({"name": "Pub", "command": "pub", "content": "x", "visibility": "org"});
    let (status, _) = send(
        &app,
        &alice,
        Method::POST,
        "/api/v1/prompts",
        Some(publish.clone()),
    )
    .await;
    assert_eq!(status, 403, "users may not publish");

    let (status, published) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(publish),
    )
    .await;
    assert_eq!(status, 201);
    let published = format!("/api/v1/prompts/{}", published["id"].as_str().unwrap());
    assert_eq!(send(&app, &bob, Method::GET, &published, None).await.0, 200);
    assert_eq!(
        send(&app, &guest, Method::GET, &published, None).await.0,
        200
    );
    assert_eq!(
        send(&app, &foreign, Method::GET, &published, None).await.0,
        404
    );
    let rename = json!({"base_version": 1, "name": "taken over"});
    assert_eq!(
        send(&app, &bob, Method::PATCH, &published, Some(rename.clone()))
            .await
            .0,
        403
    );
    assert_eq!(
        send(&app, &bob, Method::DELETE, &published, None).await.0,
        403
    );
    assert_eq!(
        send(
            &app,
            &foreign,
            Method::PATCH,
            &published,
            Some(rename.clone())
        )
        .await
        .0,
        404
    );
    assert_eq!(
        send(&app, &admin, Method::PATCH, &published, Some(rename))
            .await
            .0,
        200
    );

    let (_, listed) = send(&app, &bob, Method::GET, "/api/v1/prompts", None).await;
    assert_eq!(
        listed["total"], 1,
        "bob sees only the published prompt: {listed}"
    );
    let (_, listed) = send(&app, &admin, Method::GET, "/api/v1/prompts", None).await;
    assert_eq!(listed["total"], 2);
    let (_, listed) = send(&app, &foreign, Method::GET, "/api/v1/prompts", None).await;
    assert_eq!(listed["total"], 0);
}

async fn projects_guard_their_content_and_owners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (teacher_id, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let foreign = other_org_admin(&app).await;
    let (status, project) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/projects",
        Some(json!({"name": "Workshop"})),
    )
    .await;
    assert_eq!(status, 201, "{project}");
    assert_eq!(
        project["members"],
        json!([{"user_id": teacher_id, "role": "owner"}])
    );
    let project_id = project["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/projects/{project_id}");
    assert_eq!(
        send(
            &app,
            &bob,
            Method::POST,
            "/api/v1/projects",
            Some(json!({"name": "x"}))
        )
        .await
        .0,
        403
    );

    let shared = json!({"name": "Shared", "command": "shared", "content": "x", "visibility": "project", "project_id": project_id});
    let (status, prompt) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(shared),
    )
    .await;
    assert_eq!(status, 201, "{prompt}");
    let prompt = format!("/api/v1/prompts/{}", prompt["id"].as_str().unwrap());
    assert_eq!(send(&app, &bob, Method::GET, &prompt, None).await.0, 404);
    assert_eq!(send(&app, &bob, Method::GET, &path, None).await.0, 404);

    let member = format!("{path}/members/{bob_id}");
    assert_eq!(
        send(
            &app,
            &teacher,
            Method::PUT,
            &member,
            Some(json!({"role": "viewer"}))
        )
        .await
        .0,
        200
    );
    assert_eq!(send(&app, &bob, Method::GET, &prompt, None).await.0, 200);
    assert_eq!(
        send(
            &app,
            &bob,
            Method::PATCH,
            &prompt,
            Some(json!({"base_version": 1, "content": "y"}))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        send(
            &app,
            &bob,
            Method::PATCH,
            &path,
            Some(json!({"name": "mine now"}))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        send(
            &app,
            &teacher,
            Method::PUT,
            &member,
            Some(json!({"role": "editor"}))
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &app,
            &bob,
            Method::PATCH,
            &prompt,
            Some(json!({"base_version": 1, "content": "y"}))
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            &app,
            &teacher,
            Method::PUT,
            &member,
            Some(json!({"role": "boss"}))
        )
        .await
        .0,
        422
    );
    let (status, _) = send(
        &app,
        &bob,
        Method::PUT,
        &member,
        Some(json!({"role": "owner"})),
    )
    .await;
    assert_eq!(status, 403, "an editor may not promote themself");
    let (status, _) = send(&app, &bob, Method::DELETE, &member, None).await;
    assert_eq!(status, 403, "members are managed by owners");
    let (_, in_project) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/prompts?project_id={project_id}"),
        None,
    )
    .await;
    assert_eq!(in_project["total"], 1, "{in_project}");
    let (_, listed) = send(&app, &bob, Method::GET, "/api/v1/projects", None).await;
    assert_eq!(listed["total"], 1, "bob sees the project he is in");

    let owner = format!("{path}/members/{teacher_id}");
    let (status, last) = send(&app, &teacher, Method::DELETE, &owner, None).await;
    assert_eq!(status, 409, "the last owner stays: {last}");
    assert_eq!(send(&app, &foreign, Method::GET, &path, None).await.0, 404);
    let foreign_project =
        json!({"name": "F", "command": "f", "content": "x", "project_id": project_id});
    let (status, problem) = send(
        &app,
        &foreign,
        Method::POST,
        "/api/v1/prompts",
        Some(foreign_project),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "project_id"),
        "{problem}"
    );

    let project_tool = json!({
        "name": "project_tool",
        "parameters": {"type": "object", "properties": {}},
        "visibility": "project",
        "project_id": project_id
    });
    let (status, tool) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/tools",
        Some(project_tool),
    )
    .await;
    assert_eq!(status, 201, "{tool}");
    let admin = app.admin_token().await;
    let grants = format!("/api/v1/users/{bob_id}/grants");
    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &grants,
        Some(json!({"allowed_tool_ids": [tool["id"]]})),
    )
    .await;
    assert_eq!(status, 200);

    let (status, conflict) = send(&app, &teacher, Method::DELETE, &path, None).await;
    assert_eq!(status, 409, "{conflict}");
    assert_eq!(
        send(&app, &teacher, Method::GET, &prompt, None).await.0,
        200
    );
    assert_eq!(
        send(
            &app,
            &teacher,
            Method::DELETE,
            &format!("{path}?cascade=true"),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        send(&app, &teacher, Method::GET, &prompt, None).await.0,
        404
    );
    assert_eq!(send(&app, &teacher, Method::GET, &path, None).await.0, 404);
    let (_, after) = send(&app, &admin, Method::GET, &grants, None).await;
    assert_eq!(
        after["allowed_tool_ids"],
        json!([]),
        "the project's tools left the grants"
    );
    let (_, audit) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=project_deleted",
        None,
    )
    .await;
    assert_eq!(audit["items"][0]["detail"]["cascade"], true, "{audit}");
}
