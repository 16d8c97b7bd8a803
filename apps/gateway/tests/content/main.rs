//! Workshop content through the HTTP API on both backends: prompts (versions, stale writes,
//! rendering, search, bad input), sharing (the visibility rule with projects) and tools
//! (schema faults, grants), agents (what they point at, sharing). One test binary; the helpers
//! live here.

mod agent_chat;
mod agents;
mod chat_tools;
mod project_conversations;
mod prompts;
mod sharing;
mod tools;

use owp_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// Sends as `token`; the status and the JSON body (null when there is none).
pub async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let res = app.send_as(token, method, path, body).await;
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// The field the first validation error names.
pub fn field_of(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

/// A published prompt with a required text and a select with a default.
pub fn greeting() -> Value {
    json!({
        "name": "Greeting",
        "command": "greet",
        "content": "Hello {{who}}, today is {{CURRENT_DATE}}. Be {{tone}}.",
        "variables": [
            {"name": "who", "type": "text", "required": true},
            {"name": "tone", "type": "select", "options": ["kind", "brief"], "default": "kind"}
        ],
        "tags": ["Onboarding", "demo"],
        "visibility": "org"
    })
}

/// An access token of an admin of a second organization.
pub async fn other_org_admin(app: &TestApp) -> String {
    let root = app.admin_token().await;
    let (_, org) = send(
        app,
        &root,
        Method::POST,
        "/api/v1/organizations",
        Some(json!({"name": "Other", "slug": "other"})),
    )
    .await;
    let (status, user) = send(
        app,
        &root,
        Method::POST,
        "/api/v1/users",
        Some(json!({"email": "boss@other.example.org", "organization_id": org["id"]})),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let id = user["id"].as_str().unwrap();
    send(
        app,
        &root,
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"roles": ["admin"]})),
    )
    .await;
    let (status, _) = send(
        app,
        &root,
        Method::PUT,
        &format!("/api/v1/users/{id}/password"),
        Some(json!({"password": "other-password"})),
    )
    .await;
    assert_eq!(status, 204);
    app.login("boss@other.example.org", "other-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}
