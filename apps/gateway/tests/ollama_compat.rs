//! The Ollama-compatible API under `/ollama/api/…` against the fake Ollama, and model grants
//! applied alike by all three model lists and all three chat APIs.

use std::time::Duration;

use owp_ollama_client::fake::{Mode, reply_text};
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    chat_and_generate_are_relayed_as_ndjson_and_counted,
    tags_show_version_and_embeddings_keep_ollamas_shapes,
    one_granted_model_is_all_a_user_sees_and_uses_everywhere,
    failures_answer_in_ollamas_error_shape,
    relayed_chat_is_not_buffered,
    a_broken_relay_ends_with_an_error_line,
);

const MODEL: &str = "llama3.2:latest";

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn chat_and_generate_are_relayed_as_ndjson_and_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let ask =
        json!({"model": MODEL, "messages": [{"role": "user", "content": "why is grass green"}]});
    let res = app
        .send_as(&key, Method::POST, "/ollama/api/chat", Some(ask.clone()))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/x-ndjson");
    let chunks = lines(&res.text().await.unwrap());
    let text: String = chunks
        .iter()
        .map(|c| c["message"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, reply_text("why is grass green", 5));
    let last = chunks.last().unwrap();
    assert_eq!(last["done"], true);
    assert_eq!(last["eval_count"], 5);

    let mut whole = ask.clone();
    whole["stream"] = json!(false);
    let res = app
        .send_as(&key, Method::POST, "/ollama/api/chat", Some(whole))
        .await;
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(
        answer["message"]["content"],
        reply_text("why is grass green", 5)
    );

    let res = app
        .send_as(
            &key,
            Method::POST,
            "/ollama/api/generate",
            Some(json!({"model": MODEL, "prompt": "a haiku"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let pieces = lines(&res.text().await.unwrap());
    let text: String = pieces
        .iter()
        .map(|c| c["response"].as_str().unwrap())
        .collect();
    assert_eq!(text, reply_text("a haiku", 5));

    let usage: Value = app
        .get_as(&key, "/api/v1/usage")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(usage["items"][0]["requests"], 3);
    assert_eq!(usage["items"][0]["completion_tokens"], 15);
}

async fn tags_show_version_and_embeddings_keep_ollamas_shapes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let version: Value = app
        .get_as(&key, "/ollama/api/version")
        .await
        .json()
        .await
        .unwrap();
    assert!(version["version"].is_string());
    let tags: Value = app
        .get_as(&key, "/ollama/api/tags")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = tags["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&MODEL));
    assert!(tags["models"][0]["details"]["family"].is_string());
    let res = app
        .send_as(
            &key,
            Method::POST,
            "/ollama/api/show",
            Some(json!({"model": MODEL})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let show: Value = res.json().await.unwrap();
    assert!(
        show["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("completion"))
    );
    assert!(
        show["details"].is_object() && show["modified_at"].is_string(),
        "Ollama's answer is relayed whole: {show}"
    );
    let res = app
        .send_as(
            &key,
            Method::POST,
            "/ollama/api/embed",
            Some(json!({"model": "all-minilm", "input": ["a", "b"]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let embedded: Value = res.json().await.unwrap();
    assert_eq!(embedded["embeddings"].as_array().unwrap().len(), 2);
    assert_eq!(embedded["embeddings"][0].as_array().unwrap().len(), 384);
    let res = app
        .send_as(
            &key,
            Method::POST,
            "/ollama/api/embeddings",
            Some(json!({"model": "all-minilm:latest", "prompt": "a"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let legacy: Value = res.json().await.unwrap();
    assert_eq!(legacy["embedding"], embedded["embeddings"][0]);
}

async fn one_granted_model_is_all_a_user_sees_and_uses_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("limited@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/grants"),
            Some(json!({"allowed_model_ids": ["all-minilm:latest"]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let native: Value = app
        .get_as(&token, "/api/v1/models")
        .await
        .json()
        .await
        .unwrap();
    let openai: Value = app.get_as(&token, "/v1/models").await.json().await.unwrap();
    let ollama: Value = app
        .get_as(&token, "/ollama/api/tags")
        .await
        .json()
        .await
        .unwrap();
    let names = |list: &Value, field: &str| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m[field].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&native["items"], "name"), ["all-minilm:latest"]);
    assert_eq!(names(&openai["data"], "id"), ["all-minilm:latest"]);
    assert_eq!(names(&ollama["models"], "name"), ["all-minilm:latest"]);

    app.ollama().clear_requests();
    let messages = json!([{"role": "user", "content": "hi"}]);
    for path in ["/api/v1/chat", "/v1/chat/completions", "/ollama/api/chat"] {
        let res = app
            .send_as(
                &token,
                Method::POST,
                path,
                Some(json!({"model": MODEL, "messages": messages})),
            )
            .await;
        assert_eq!(res.status(), 403, "{path}");
    }
    let res = app
        .send_as(
            &token,
            Method::POST,
            "/ollama/api/generate",
            Some(json!({"model": MODEL, "prompt": "hi"})),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .send_as(
            &token,
            Method::POST,
            "/ollama/api/show",
            Some(json!({"name": MODEL})),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        app.ollama().requests().is_empty(),
        "refusals happen before Ollama"
    );
}

async fn failures_answer_in_ollamas_error_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let res = app
        .send_as(
            &key,
            Method::POST,
            "/ollama/api/chat",
            Some(json!({"model": "missing:latest", "messages": []})),
        )
        .await;
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("missing:latest"));
    let res = app
        .client
        .post(app.url("/ollama/api/chat"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "credentials are checked first");
    let res = app
        .client
        .post(app.url("/ollama/api/chat"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.json::<Value>().await.unwrap()["error"].is_string());
    let res = app
        .client
        .get(app.url("/ollama/api/tags"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "keys are read from Authorization only");
    app.ollama().set_mode(Mode::Down).await.unwrap();
    let res = app.get_as(&key, "/ollama/api/version").await;
    assert_eq!(res.status(), 503);
    let message = res.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("unreachable"), "{message}");
    assert!(
        message.contains(&app.ollama().addr().to_string()),
        "names where Ollama was looked for: {message}"
    );
}

async fn relayed_chat_is_not_buffered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    app.ollama().set_tokens_per_reply(40);
    app.ollama().set_token_delay(Duration::from_millis(150));
    let ask = json!({"model": MODEL, "messages": [{"role": "user", "content": "slowly"}]});
    let mut res = app
        .send_as(&key, Method::POST, "/ollama/api/chat", Some(ask))
        .await;
    assert_eq!(res.status(), 200);
    let first = res.chunk().await.unwrap().expect("a first piece");
    let text = std::str::from_utf8(&first).unwrap();
    assert!(text.contains("\"done\":false"), "{text}");
    assert!(
        !text.contains("\"done\":true"),
        "the rest is still held back by the fake"
    );
}

async fn a_broken_relay_ends_with_an_error_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    app.ollama()
        .set_mode(Mode::DisconnectAfter { chunks: 2 })
        .await
        .unwrap();
    let ask = json!({"model": MODEL, "messages": [{"role": "user", "content": "go on"}]});
    let res = app
        .send_as(&key, Method::POST, "/ollama/api/chat", Some(ask))
        .await;
    assert_eq!(res.status(), 200);
    let got = lines(&res.text().await.unwrap());
    assert_eq!(got.len(), 3, "two pieces, then the error: {got:?}");
    assert!(got[..2].iter().all(|l| l["done"] == false));
    assert!(
        got[2]["error"].as_str().unwrap().contains("Ollama"),
        "{got:?}"
    );
}
