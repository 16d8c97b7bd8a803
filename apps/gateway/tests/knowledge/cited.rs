//! The sources kept in a stored grounded reply say which ones the answer cites, exactly as the
//! `citations` the client got: RAG queries answered whole and streamed, and knowledge in chat.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{events, library, rag_system};
use crate::send;

on_both_backends!(stored_sources_are_marked_cited_like_the_citations_sent,);

/// The fake model repeats the question, so the answer cites `[2]` and nothing else.
const QUESTION: &str = "Which source [2] mentions llamas and grass?";

/// The `cited` flags of `sources`, in order.
fn cited_flags(sources: &Value) -> Vec<bool> {
    sources
        .as_array()
        .expect("an array of sources")
        .iter()
        .map(|s| s["cited"].as_bool().expect("a cited flag"))
        .collect()
}

/// The `citations` event's data of an SSE body and the conversation its `start` event names.
fn streamed(body: &str) -> (Value, String) {
    let got = events(body);
    let data = |name: &str| {
        got.iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("a {name} event in {body}"))
    };
    let conversation = data("start")["conversation_id"]
        .as_str()
        .expect("the conversation's id")
        .to_owned();
    (data("citations")["citations"].clone(), conversation)
}

/// The metadata `sources` of the last reply stored in `conversation`.
async fn stored_sources(app: &TestApp, token: &str, conversation: &str) -> Value {
    let (status, messages) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/conversations/{conversation}/messages"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{messages}");
    let items = messages["items"].as_array().expect("items");
    items.last().expect("a reply")["metadata"]["sources"].clone()
}

/// Asserts the stored flags are the sent ones and mark exactly source 2.
fn agree(sent: &Value, stored: &Value) {
    let flags = cited_flags(sent);
    let marked: Vec<usize> = (0..flags.len()).filter(|&i| flags[i]).collect();
    assert!(flags.len() >= 2, "{sent}");
    assert_eq!(marked, [1], "only source 2 is cited: {sent}");
    assert_eq!(cited_flags(stored), flags, "stored {stored}, sent {sent}");
}

async fn stored_sources_are_marked_cited_like_the_citations_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let id = rag_system(&app, &teacher, json!({"name": "Farm helper", "collection_ids": [library], "chat_model": "llama3.2", "top_k": 3, "mode": "hybrid"})).await;
    let query = format!("/api/v1/rag-systems/{id}/query");

    let (status, answer) = send(
        &app,
        &teacher,
        Method::POST,
        &query,
        Some(json!({"question": QUESTION, "stream": false})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let conversation = answer["conversation_id"].as_str().expect("conversation");
    let stored = stored_sources(&app, &teacher, conversation).await;
    agree(&answer["citations"], &stored);

    let res = app
        .send_as(
            &teacher,
            Method::POST,
            &query,
            Some(json!({"question": QUESTION})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (sent, conversation) = streamed(&res.text().await.expect("a body"));
    agree(&sent, &stored_sources(&app, &teacher, &conversation).await);

    let turn = |stream: bool| json!({"model": "llama3.2", "messages": [{"role": "user", "content": QUESTION}], "knowledge": [library], "stream": stream});
    let (status, answer) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/chat",
        Some(turn(false)),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let conversation = answer["conversation_id"].as_str().expect("conversation");
    agree(
        &answer["citations"],
        &stored_sources(&app, &teacher, conversation).await,
    );
    let res = app
        .send_as(&teacher, Method::POST, "/api/v1/chat", Some(turn(true)))
        .await;
    assert_eq!(res.status(), 200);
    let (sent, conversation) = streamed(&res.text().await.expect("a body"));
    agree(&sent, &stored_sources(&app, &teacher, &conversation).await);
}
