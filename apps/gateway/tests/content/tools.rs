//! Tools: schema faults with their path, unique names, grants by id.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::{field_of, send};

on_both_backends!(tools_check_their_schema_and_follow_grants,);

async fn tools_check_their_schema_and_follow_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    let weather = json!({
        "name": "get_weather",
        "description": "Weather by city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "visibility": "org"
    });
    let (status, tool) = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/tools",
        Some(weather.clone()),
    )
    .await;
    assert_eq!(status, 201, "{tool}");
    let tool_id = tool["id"].as_str().unwrap().to_owned();
    let (status, dup) = send(&app, &admin, Method::POST, "/api/v1/tools", Some(weather)).await;
    assert_eq!((status, field_of(&dup)), (409, "name"));
    for (parameters, path) in [
        (
            json!({"type": "object", "properties": {"city": {"type": "text"}}}),
            "parameters.properties.city.type",
        ),
        (json!({"type": "array"}), "parameters.type"),
        (
            json!({"type": "object", "properties": {}, "required": ["city"]}),
            "parameters.required[0]",
        ),
    ] {
        let body = json!({"name": "broken", "parameters": parameters});
        let (status, problem) = send(&app, &admin, Method::POST, "/api/v1/tools", Some(body)).await;
        assert_eq!((status, field_of(&problem)), (422, path), "{problem}");
    }
    let (status, problem) = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/tools",
        Some(json!({"name": "bad name!", "parameters": {"type": "object", "properties": {}}})),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "name"));
    let tool_path = format!("/api/v1/tools/{tool_id}");
    assert_eq!(send(&app, &bob, Method::GET, &tool_path, None).await.0, 200);
    assert_eq!(
        send(&app, &bob, Method::DELETE, &tool_path, None).await.0,
        403
    );
    assert_eq!(
        send(
            &app,
            &bob,
            Method::PATCH,
            &tool_path,
            Some(json!({"description": "x"}))
        )
        .await
        .0,
        403
    );

    let grants = format!("/api/v1/users/{bob_id}/grants");
    let (status, problem) = send(
        &app,
        &admin,
        Method::PUT,
        &grants,
        Some(json!({"allowed_tool_ids": ["0190a000-0000-7000-8000-000000000000"]})),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "allowed_tool_ids"));
    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &grants,
        Some(json!({"allowed_tool_ids": ["get_weather"]})),
    )
    .await;
    assert_eq!(status, 422, "grants name ids, not names");
    let (status, set) = send(
        &app,
        &admin,
        Method::PUT,
        &grants,
        Some(json!({"allowed_tool_ids": [tool_id]})),
    )
    .await;
    assert_eq!(
        (status, set["allowed_tool_ids"].clone()),
        (200, json!([tool_id]))
    );
    assert_eq!(
        send(&app, &admin, Method::DELETE, &tool_path, None).await.0,
        204
    );
    let (_, after) = send(&app, &admin, Method::GET, &grants, None).await;
    assert_eq!(
        after["allowed_tool_ids"],
        json!([]),
        "a deleted tool leaves every grant"
    );
    assert_eq!(send(&app, &bob, Method::GET, &tool_path, None).await.0, 404);
    let (_, audit) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=tool_deleted",
        None,
    )
    .await;
    assert_eq!(
        audit["items"][0]["detail"]["name"], "get_weather",
        "{audit}"
    );
}
