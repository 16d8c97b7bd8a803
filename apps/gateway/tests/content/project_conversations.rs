//! Conversations in a project: started in a project the caller sees (else 422), listed by
//! project, kept in their project, counted as the project's content on delete and taken out of
//! it (never deleted) by a cascading delete.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::{field_of, send};

on_both_backends!(conversations_belong_to_projects_their_owners_see,);

async fn conversations_belong_to_projects_their_owners_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (_, project) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/projects",
        Some(json!({"name": "Rust day"})),
    )
    .await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    let start = json!({"title": "Notes", "project_id": project_id});
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/conversations",
        Some(start.clone()),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "project_id"),
        "not a member yet: {problem}"
    );

    let member = format!("/api/v1/projects/{project_id}/members/{bob_id}");
    let (status, _) = send(
        &app,
        &teacher,
        Method::PUT,
        &member,
        Some(json!({"role": "viewer"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, notes) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/conversations",
        Some(start),
    )
    .await;
    assert_eq!(
        (status, notes["project_id"].as_str()),
        (201, Some(project_id.as_str()))
    );
    let turn = json!({
        "model": "llama3.2", "stream": false, "project_id": project_id,
        "messages": [{"role": "user", "content": "hello"}]
    });
    let (status, answer) = send(&app, &bob, Method::POST, "/api/v1/chat", Some(turn)).await;
    assert_eq!(status, 200, "{answer}");
    let chatted = answer["conversation_id"].as_str().unwrap().to_owned();
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/conversations",
        Some(json!({"title": "Other"})),
    )
    .await;
    assert_eq!(status, 201);

    let listed = format!("/api/v1/conversations?project_id={project_id}");
    let (_, list) = send(&app, &bob, Method::GET, &listed, None).await;
    assert_eq!(list["total"], 2, "{list}");
    let (_, all) = send(&app, &bob, Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(all["total"], 3);
    let malformed = "/api/v1/conversations?project_id=not-an-id";
    assert_eq!(send(&app, &bob, Method::GET, malformed, None).await.0, 400);
    let bad_start = json!({"title": "x", "project_id": "not-an-id"});
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/conversations",
        Some(bad_start),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (_, still) = send(&app, &bob, Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(still["total"], 3, "nothing stored for bad input");

    let (_, other) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/projects",
        Some(json!({"name": "Other"})),
    )
    .await;
    let moved = json!({
        "model": "llama3.2", "stream": false, "conversation_id": chatted, "project_id": other["id"],
        "messages": [{"role": "user", "content": "again"}]
    });
    let (status, problem) = send(&app, &bob, Method::POST, "/api/v1/chat", Some(moved)).await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "project_id"),
        "{problem}"
    );

    let path = format!("/api/v1/projects/{project_id}");
    let (status, problem) = send(&app, &teacher, Method::DELETE, &path, None).await;
    assert_eq!(status, 409);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("2 conversation(s)"),
        "{problem}"
    );
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("{path}?cascade=true"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, all) = send(&app, &bob, Method::GET, "/api/v1/conversations", None).await;
    assert_eq!(all["total"], 3, "cascading keeps people's conversations");
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["project_id"].is_null()),
        "{all}"
    );
}
