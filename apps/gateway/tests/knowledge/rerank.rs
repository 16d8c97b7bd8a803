//! Collection search reranked by a model the caller names: the results ordered by the model's
//! embedding similarity to the query (checked against the fake's own embeddings), cut to
//! `top_n`; bad settings refused with the field named, the model's grant required.

use owp_ollama_client::fake::embedding;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::library;
use crate::{field_of, send};

on_both_backends!(search_results_are_reranked_by_a_granted_model,);

const QUERY: &str = "rain on the coast or llamas eating hay";
const MODEL: &str = "all-minilm:latest";
const DIMENSIONS: usize = 384;

/// Cosine similarity of two of the fake's (unit-length) embeddings.
fn similarity(a: &str, b: &str) -> f32 {
    let (a, b) = (
        embedding(MODEL, a, DIMENSIONS),
        embedding(MODEL, b, DIMENSIONS),
    );
    a.iter().zip(&b).map(|(x, y)| x * y).sum()
}

async fn search(app: &TestApp, token: &str, collection: &str, body: Value) -> (u16, Value) {
    send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/collections/{collection}/search"),
        Some(body),
    )
    .await
}

async fn search_results_are_reranked_by_a_granted_model(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, library) = library(&app).await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;

    let (status, plain) = search(&app, &bob, &library, json!({"query": QUERY, "top_k": 3})).await;
    assert_eq!(status, 200, "{plain}");
    let candidates = plain["results"].as_array().expect("results").len();
    assert!(candidates >= 2, "{plain}");
    assert!(plain["results"][0]["rerank_score"].is_null(), "{plain}");

    let before = app.ollama().requests().len();
    let (status, reranked) = search(
        &app,
        &bob,
        &library,
        json!({"query": QUERY, "top_k": 3, "rerank": {"model": "all-minilm", "top_n": 2}}),
    )
    .await;
    assert_eq!(status, 200, "{reranked}");
    let results = reranked["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "top_n results: {reranked}");
    // Ordered as the model's similarities say, best first, each carrying its score.
    let mut expected: Vec<(String, f32)> = plain["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let text = r["text"].as_str().expect("text");
            (text.to_owned(), similarity(QUERY, text))
        })
        .collect();
    expected.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (result, (text, score)) in results.iter().zip(&expected) {
        assert_eq!(result["text"], text.as_str(), "{reranked}");
        let got = result["rerank_score"].as_f64().expect("a rerank score");
        assert!((got - f64::from(*score)).abs() < 1e-4, "{got} vs {score}");
    }
    // One embedding call by the rerank model: the query, then every candidate's text.
    let calls: Vec<_> = app.ollama().requests()[before..]
        .iter()
        .filter(|r| r.path == "/api/embed" && r.body["input"].is_array())
        .map(|r| r.body.clone())
        .collect();
    let rerank_call = calls.last().expect("the rerank call");
    assert_eq!(rerank_call["model"], MODEL);
    assert_eq!(rerank_call["input"][0], QUERY);
    assert_eq!(
        rerank_call["input"].as_array().map(Vec::len),
        Some(candidates + 1)
    );

    // Bad settings name their field; a model Ollama lacks is a 404 saying so.
    for (rerank, field) in [
        (json!({"model": "all-minilm", "top_n": 0}), "rerank.top_n"),
        (json!({"model": "all-minilm", "top_n": 4}), "rerank.top_n"),
        (json!({"model": " "}), "rerank.model"),
    ] {
        let (status, problem) = search(
            &app,
            &bob,
            &library,
            json!({"query": QUERY, "top_k": 3, "rerank": rerank}),
        )
        .await;
        assert_eq!((status, field_of(&problem)), (422, field), "{problem}");
    }
    let (status, problem) = search(
        &app,
        &bob,
        &library,
        json!({"query": QUERY, "rerank": {"model": "all-minilm", "depth": 3}}),
    )
    .await;
    assert!(matches!(status, 400 | 422), "{status} {problem}");
    assert_eq!(problem["status"], status, "{problem}");
    let (status, problem) = search(
        &app,
        &bob,
        &library,
        json!({"query": QUERY, "rerank": {"model": "no-such-model"}}),
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("not installed")),
        "{problem}"
    );

    // Without the rerank model's grant: lexical search still answers, reranking is refused.
    let admin = app.admin_token().await;
    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/users/{bob_id}/grants"),
        Some(json!({"allowed_model_ids": ["llama3.2:latest"]})),
    )
    .await;
    assert_eq!(status, 200);
    let lexical = json!({"query": QUERY, "mode": "lexical"});
    assert_eq!(search(&app, &bob, &library, lexical.clone()).await.0, 200);
    let mut refused = lexical;
    refused["rerank"] = json!({"model": "all-minilm"});
    let (status, problem) = search(&app, &bob, &library, refused).await;
    assert_eq!(status, 403, "{problem}");
}
