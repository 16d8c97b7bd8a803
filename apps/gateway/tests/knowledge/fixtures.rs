//! What the retrieval tests share: an indexed library of the three test documents, RAG
//! systems, the system prompt the fake model got, and SSE events.

use owp_testkit::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

use crate::collections::{LLAMAS, RUST, WEATHER, settle};
use crate::{send, upload};

/// A teacher with an org collection holding the three test documents, indexed.
pub async fn library(app: &TestApp) -> (String, String) {
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (status, made) = send(
        app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "Library", "embedding_model": "all-minilm", "visibility": "org"})),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    for (name, text) in [
        ("llamas.md", LLAMAS),
        ("rust.md", RUST),
        ("weather.txt", WEATHER),
    ] {
        let (status, doc) = upload(
            app,
            &teacher,
            name,
            text.as_bytes(),
            &[("collection_id", &id), ("visibility", "org")],
        )
        .await;
        assert_eq!(status, 201, "{doc}");
    }
    settle(app, &teacher, &id).await;
    (teacher, id)
}

/// Creates a RAG system from `body`; its id.
pub async fn rag_system(app: &TestApp, token: &str, body: Value) -> String {
    let (status, made) = send(app, token, Method::POST, "/api/v1/rag-systems", Some(body)).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}

/// The system message the fake Ollama got in its last chat call.
pub fn last_system_prompt(app: &TestApp) -> String {
    let chat = app
        .ollama()
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/api/chat")
        .expect("a chat call");
    chat.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "system")
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// SSE events as (name, data).
pub fn events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter(|f| !f.trim().is_empty())
        .map(|frame| {
            let name = frame
                .lines()
                .next()
                .unwrap()
                .trim_start_matches("event: ")
                .to_owned();
            let data = frame.lines().nth(1).unwrap().trim_start_matches("data: ");
            (name, serde_json::from_str(data).unwrap())
        })
        .collect()
}
