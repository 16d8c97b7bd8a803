//! Collections: uploads indexed by jobs and found by vector, lexical and hybrid search with
//! positions, and the helpers the other collection tests share. Bad input and visibility are
//! in collection_input.rs; generations and the job queue in collection_jobs.rs.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{send, upload};

on_both_backends!(uploads_are_indexed_and_found_with_their_positions,);

pub const LLAMAS: &str = "# Llamas\n\n## Food\n\nLlamas eat grass and hay in the mountains.\n\n\
## Wool\n\nLlama wool is shorn once a year and spun into yarn.\n";
pub const RUST: &str = "# Rust\n\nThe borrow checker enforces ownership rules at compile time.\n";
pub const WEATHER: &str = "Rain and thunderstorms are expected over the coast tomorrow.\n";

/// Follows a job's events to its end; the last event's name and job.
pub(crate) async fn follow(app: &TestApp, token: &str, job: &str) -> (String, Value) {
    let res = app
        .get_as(token, &format!("/api/v1/jobs/{job}/events"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let body = res.text().await.unwrap();
    let last = body
        .split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .last()
        .unwrap_or_else(|| panic!("no events: {body:?}"));
    let name = last
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("event: ")
        .to_owned();
    let data = last.lines().nth(1).unwrap().trim_start_matches("data: ");
    (name, serde_json::from_str(data).unwrap())
}

/// Waits (by following their events) until every job of the collection's active generation
/// has ended.
pub async fn settle(app: &TestApp, token: &str, collection: &str) {
    let (_, members) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/collections/{collection}/documents"),
        None,
    )
    .await;
    for member in members["items"].as_array().unwrap() {
        let (event, job) = follow(app, token, member["job_id"].as_str().unwrap()).await;
        assert_eq!(event, "done", "{job}");
    }
}

pub(crate) async fn collection(app: &TestApp, token: &str, body: Value) -> String {
    let (status, made) = send(app, token, Method::POST, "/api/v1/collections", Some(body)).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn search(app: &TestApp, token: &str, collection: &str, body: Value) -> Value {
    let (status, found) = send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/collections/{collection}/search"),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    found
}

pub(crate) fn titles(found: &Value) -> Vec<String> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["document_title"].as_str().unwrap().to_owned())
        .collect()
}

/// The job that indexed the collection's first document.
pub(crate) async fn secret_job(app: &TestApp, token: &str, collection: &str) -> String {
    let (_, members) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/collections/{collection}/documents"),
        None,
    )
    .await;
    members["items"][0]["job_id"].as_str().unwrap().to_owned()
}

async fn uploads_are_indexed_and_found_with_their_positions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let id = collection(&app, &teacher, json!({"name": "Farm", "embedding_model": "all-minilm", "visibility": "org", "chunking": {"size": 200, "overlap": 20}})).await;
    let (_, made) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(made["embedding_model"], "all-minilm:latest");
    assert_eq!(made["distance"], "cosine");
    assert_eq!(made["backend"], "builtin");
    assert_eq!(made["generation"], 1);
    assert_eq!(made["dimensions"], Value::Null);
    assert_eq!(
        made["chunking"],
        json!({"strategy": "characters", "size": 200, "overlap": 20})
    );

    for (name, text, tags) in [
        ("llamas.md", LLAMAS, "animals"),
        ("rust.md", RUST, "code"),
        ("weather.txt", WEATHER, "news"),
    ] {
        let (status, doc) = upload(
            &app,
            &teacher,
            name,
            text.as_bytes(),
            &[
                ("collection_id", &id),
                ("tags", tags),
                ("visibility", "org"),
            ],
        )
        .await;
        assert_eq!(status, 201, "{doc}");
    }
    settle(&app, &teacher, &id).await;
    let (_, ready) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(ready["state"], "ready", "{ready}");
    assert_eq!(
        (ready["documents"].as_i64(), ready["indexed"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(ready["dimensions"], 384);

    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "what do llamas eat", "mode": "vector", "top_k": 3}),
    )
    .await;
    assert_eq!(found["state"], "ready");
    assert_eq!(titles(&found)[0], "llamas.md", "{found}");
    let best = &found["results"][0];
    assert!(best["text"].as_str().unwrap().contains("grass"), "{best}");
    assert_eq!(best["position"]["heading_path"][0], "Llamas", "{best}");
    assert!(best["position"]["end"].as_u64().unwrap() > 0, "{best}");
    assert!(best["score"].as_f64().unwrap() > 0.0);

    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "borrow checker", "mode": "lexical"}),
    )
    .await;
    assert_eq!(titles(&found), vec!["rust.md"], "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "thunderstorms coast", "mode": "hybrid", "top_k": 2}),
    )
    .await;
    assert_eq!(titles(&found)[0], "weather.txt", "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "llama wool yarn", "filter": {"tags": ["code"]}}),
    )
    .await;
    assert!(titles(&found).iter().all(|t| t == "rust.md"), "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "llamas", "mode": "vector", "min_score": 0.99}),
    )
    .await;
    assert!(found["results"].as_array().unwrap().is_empty(), "{found}");

    // Removing a document takes its vectors out of the answers.
    let (_, members) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}/documents"),
        None,
    )
    .await;
    assert_eq!(members["total"], 3);
    let llamas = members["items"][0]["document_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(members["items"][0]["state"], "done");
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{id}/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "what do llamas eat", "mode": "vector"}),
    )
    .await;
    assert!(!titles(&found).contains(&"llamas.md".to_owned()), "{found}");
    // Adding it back queues it again; deleting the document takes it out everywhere.
    let (status, added) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("/api/v1/collections/{id}/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 202, "{added}");
    let (event, _) = follow(&app, &teacher, added["job_ids"][0].as_str().unwrap()).await;
    assert_eq!(event, "done");
    assert_eq!(
        titles(
            &search(
                &app,
                &teacher,
                &id,
                json!({"query": "what do llamas eat", "mode": "vector"})
            )
            .await
        )[0],
        "llamas.md"
    );
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let found = search(&app, &teacher, &id, json!({"query": "what do llamas eat"})).await;
    assert!(!titles(&found).contains(&"llamas.md".to_owned()), "{found}");

    let admin = app.admin_token().await;
    for event in [
        "collection_created",
        "collection_document_added",
        "collection_document_removed",
    ] {
        let (_, page) = send(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/audit?event_type={event}"),
            None,
        )
        .await;
        assert!(!page["items"].as_array().unwrap().is_empty(), "{event}");
    }
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}
