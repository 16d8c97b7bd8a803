//! What the official OpenAI SDKs send works unchanged (issue 10): embeddings as base64 or floats,
//! every chat field honoured or refused by name in OpenAI's error shape, and model names compared
//! in Ollama's canonical spelling everywhere (grants, key allowlists, usage, stored rows).

use base64::Engine as _;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    embeddings_take_what_the_sdk_sends,
    chat_fields_are_honoured_or_refused_by_name,
    grants_match_every_spelling_of_a_model,
    stored_names_are_migrated_to_the_canonical_spelling,
);

const CHAT: &str = "llama3.2:latest";
const EMBED: &str = "all-minilm:latest";

async fn post(app: &TestApp, key: &str, path: &str, body: Value) -> (u16, Value) {
    let res = app.send_as(key, Method::POST, path, Some(body)).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn embeddings_take_what_the_sdk_sends(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let (status, floats) = post(
        &app,
        &key,
        "/v1/embeddings",
        json!({"model": EMBED, "input": "hello", "encoding_format": "float", "user": "u-1"}),
    )
    .await;
    assert_eq!(status, 200, "{floats}");
    let floats: Vec<f32> = serde_json::from_value(floats["data"][0]["embedding"].clone()).unwrap();
    assert_eq!(floats.len(), 384);

    let (status, encoded) = post(
        &app,
        &key,
        "/v1/embeddings",
        json!({"model": EMBED, "input": ["hello", "world"], "encoding_format": "base64"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(encoded["data"].as_array().unwrap().len(), 2);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded["data"][0]["embedding"].as_str().unwrap())
        .unwrap();
    let decoded: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(
        decoded, floats,
        "base64 is the same vector, little-endian f32"
    );

    let (status, short) = post(
        &app,
        &key,
        "/v1/embeddings",
        json!({"model": EMBED, "input": "hello", "dimensions": 8}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(short["data"][0]["embedding"].as_array().unwrap().len(), 8);

    for (body, param) in [
        (json!({"model": EMBED, "input": [1, 2, 3]}), "input"),
        (json!({"model": EMBED, "input": [[1, 2]]}), "input"),
        (
            json!({"model": EMBED, "input": "x", "encoding_format": "int8"}),
            "encoding_format",
        ),
        (
            json!({"model": EMBED, "input": "x", "dimensions": 0}),
            "dimensions",
        ),
    ] {
        let (status, error) = post(&app, &key, "/v1/embeddings", body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(error["error"]["param"], param, "{error}");
        assert_eq!(error["error"]["type"], "invalid_request_error");
    }
}

async fn chat_fields_are_honoured_or_refused_by_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let hi = json!([{"role": "user", "content": "hi"}]);
    let (status, answer) = post(
        &app,
        &key,
        "/v1/chat/completions",
        json!({
            "model": "llama3.2", "messages": hi, "seed": 3, "max_completion_tokens": 20,
            "response_format": {"type": "json_object"}, "n": 1, "user": "u", "stop": ["\n\n"],
            "presence_penalty": 0.5, "logprobs": false, "store": false, "metadata": {"run": "ci"},
        }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let sent = app
        .ollama()
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/api/chat")
        .unwrap()
        .body;
    assert_eq!(
        sent["model"], CHAT,
        "the canonical name is what Ollama runs"
    );
    assert_eq!(sent["format"], "json");
    assert_eq!(sent["options"]["seed"], 3);
    assert_eq!(sent["options"]["num_predict"], 20);
    assert_eq!(sent["options"]["stop"], json!(["\n\n"]));

    let weather = json!([{"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]);
    let (status, called) = post(
        &app,
        &key,
        "/v1/chat/completions",
        json!({
            "model": CHAT, "tools": weather, "tool_choice": "auto", "parallel_tool_calls": true,
            "messages": [{"role": "user", "content": "Paris"}],
        }),
    )
    .await;
    assert_eq!(status, 200);
    let call = called["choices"][0]["message"]["tool_calls"][0].clone();
    assert_eq!(call["function"]["name"], "get_weather");
    let (status, answer) = post(
        &app,
        &key,
        "/v1/chat/completions",
        json!({
            "model": CHAT, "tools": weather,
            "messages": [
                {"role": "user", "content": "Paris"},
                {"role": "assistant", "content": null, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": call["id"], "content": "sunny"},
            ],
        }),
    )
    .await;
    assert_eq!(status, 200, "the tool round trip: {answer}");

    for (extra, param) in [
        (json!({"n": 2}), "n"),
        (json!({"logprobs": true}), "logprobs"),
        (json!({"tool_choice": "required"}), "tool_choice"),
        (
            json!({"response_format": {"type": "xml"}}),
            "response_format",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.org/cat.png"}}]}]}),
            "messages[0].content",
        ),
    ] {
        let mut body = json!({"model": CHAT, "messages": hi});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, error) = post(&app, &key, "/v1/chat/completions", body).await;
        assert_eq!(status, 422, "{extra}");
        assert_eq!(error["error"]["param"], param, "{error}");
    }
}

async fn limited_key(app: &TestApp, grant: &[&str]) -> (String, String) {
    let (id, _) = app.user_token("canon@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/grants"),
            Some(json!({"allowed_model_ids": grant})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let stored: Value = res.json().await.unwrap();
    assert_eq!(
        stored["allowed_model_ids"],
        json!([EMBED]),
        "stored canonical"
    );
    let (status, issued) = post(
        app,
        &admin,
        &format!("/api/v1/users/{id}/api-keys"),
        json!({"label": "sdk"}),
    )
    .await;
    assert_eq!(status, 201);
    (id, issued["secret"].as_str().unwrap().to_owned())
}

async fn grants_match_every_spelling_of_a_model(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, key) = limited_key(&app, &["all-minilm", "All-MiniLM:latest"]).await;
    let listed: Value = app.get_as(&key, "/v1/models").await.json().await.unwrap();
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [EMBED]);
    let one: Value = app
        .get_as(&key, "/v1/models/all-minilm")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], EMBED, "models.retrieve by any spelling");
    assert_eq!(app.get_as(&key, "/v1/models/llama3.2").await.status(), 403);
    let admin_key = app.admin_api_key();
    let missing = app.get_as(&admin_key, "/v1/models/nope").await;
    assert_eq!(missing.status(), 404);
    let missing: Value = missing.json().await.unwrap();
    assert_eq!(missing["error"]["type"], "invalid_request_error");
    for spelling in [
        "all-minilm",
        "ALL-MINILM",
        "library/all-minilm:latest",
        "registry.ollama.ai/library/all-minilm",
    ] {
        let (status, body) = post(
            &app,
            &key,
            "/v1/embeddings",
            json!({"model": spelling, "input": "x"}),
        )
        .await;
        assert_eq!(status, 200, "{spelling}: {body}");
    }
    for spelling in [
        "llama3.2",
        "LLAMA3.2:LATEST",
        "library/llama3.2",
        "registry.ollama.ai/library/llama3.2:latest",
    ] {
        let (status, _) = post(
            &app,
            &key,
            "/v1/chat/completions",
            json!({"model": spelling, "messages": [{"role": "user", "content": "x"}]}),
        )
        .await;
        assert_eq!(status, 403, "{spelling} is not granted");
        let (status, _) = post(
            &app,
            &key,
            "/ollama/api/chat",
            json!({"model": spelling, "messages": [], "stream": false}),
        )
        .await;
        assert_eq!(status, 403, "{spelling} through the pass-through");
    }
    let usage: Value = app
        .get_as(&key, "/api/v1/usage")
        .await
        .json()
        .await
        .unwrap();
    let models: Vec<&str> = usage["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["model"].as_str().unwrap())
        .collect();
    assert_eq!(models, [EMBED], "four spellings, one usage bucket");

    let admin = app.admin_token().await;
    let me: Value = app
        .get_as(&admin, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let (status, issued) = post(
        &app,
        &admin,
        &format!(
            "/api/v1/users/{}/api-keys",
            me["user"]["id"].as_str().unwrap()
        ),
        json!({"label": "narrow", "allowed_model_ids": ["Llama3.2"]}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(issued["key"]["allowed_model_ids"], json!([CHAT]));
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!(
                "/api/v1/users/{}/grants",
                me["user"]["id"].as_str().unwrap()
            ),
            Some(json!({"allowed_model_ids": ["not a model"]})),
        )
        .await;
    assert_eq!(res.status(), 422, "a grant must name a model");
}

async fn stored_names_are_migrated_to_the_canonical_spelling(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, _) = limited_key(&app, &["all-minilm"]).await;
    let admin = app.admin_token().await;
    let me: Value = app
        .get_as(&admin, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let org = me["organization"]["id"].as_str().unwrap();
    let today = chrono::Utc::now().format("%Y-%m-%d");
    for sql in [
        format!(
            "UPDATE users SET allowed_model_ids = '[\"Nomic-Embed-Text\",\"nomic-embed-text:latest\"]' WHERE id = '{id}'"
        ),
        format!(
            "INSERT INTO usage_daily (id, organization_id, user_id, key_id, model, day, requests, prompt_tokens, completion_tokens) VALUES ('0190a000-0000-7000-8000-0000000000a1', '{org}', '{id}', '', 'llama3.2', '{today}', 2, 20, 200)"
        ),
        format!(
            "INSERT INTO usage_daily (id, organization_id, user_id, key_id, model, day, requests, prompt_tokens, completion_tokens) VALUES ('0190a000-0000-7000-8000-0000000000a2', '{org}', '{id}', '', 'llama3.2:latest', '{today}', 1, 10, 100)"
        ),
        "DELETE FROM data_migrations".to_owned(),
    ] {
        owp_testkit::tamper(app.database(), sql).await;
    }
    app.database()
        .run(|conn| owp_db::run_migrations(conn).map(|_| ()))
        .await
        .unwrap();
    let grants: Value = app
        .get_as(&admin, &format!("/api/v1/users/{id}/grants"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        grants["allowed_model_ids"],
        json!(["nomic-embed-text:latest"])
    );
    let report: Value = app
        .get_as(&admin, &format!("/api/v1/admin/usage?user_id={id}"))
        .await
        .json()
        .await
        .unwrap();
    let rows: Vec<&Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["model"] == CHAT)
        .collect();
    assert_eq!(
        rows.len(),
        1,
        "two spellings merged into one bucket: {report}"
    );
    assert_eq!(rows[0]["requests"], 3);
    assert_eq!(rows[0]["completion_tokens"], 300);
}
