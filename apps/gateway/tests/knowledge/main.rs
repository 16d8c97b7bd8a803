//! Knowledge through the HTTP API on both backends: documents (upload, sniffing, extraction,
//! limits, duplicates, visibility, delete), collections, and collections on the pgvector
//! backend (PostgreSQL with pgvector). One test binary; the helpers live here.

mod chunk;
mod cited;
mod collection_input;
mod collection_jobs;
mod collections;
mod document_rules;
mod documents;
mod fixtures;
mod pgvector;
mod rag;
mod rag_list;
mod rerank;

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

/// Uploads `bytes` as `name` with `fields`; the status and the JSON body.
pub async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let res = app
        .upload_as(token, "/api/v1/documents", name, bytes.to_vec(), fields)
        .await;
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// The field the first validation error names.
pub fn field_of(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
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
