//! `/v1/chat/completions` against the fake Ollama: whole, streamed, tools, grants, errors.

use owp_ollama_client::fake::reply_text;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    whole_completion_has_message_and_usage,
    streamed_completion_is_openai_chunks_ending_done,
    tool_calls_come_back_in_openai_shape,
    grants_and_missing_models_answer_in_openai_shape,
);

const MODEL: &str = "llama3.2:latest";

fn ask(text: &str) -> Value {
    json!({"model": MODEL, "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": text}]})
}

async fn whole_completion_has_message_and_usage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let res = app
        .send_as(
            &key,
            Method::POST,
            "/v1/chat/completions",
            Some(ask("why is the sky blue")),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert_eq!(body["choices"][0]["message"]["role"], "assistant");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        reply_text("why is the sky blue", 5)
    );
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    let usage = &body["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
    assert_eq!(usage["completion_tokens"], 5);
}

async fn streamed_completion_is_openai_chunks_ending_done(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let mut request = ask("tell me about llamas");
    request["stream"] = json!(true);
    request["stream_options"] = json!({"include_usage": true});
    let res = app
        .send_as(&key, Method::POST, "/v1/chat/completions", Some(request))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let text = res.text().await.unwrap();
    let data: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert_eq!(data.last(), Some(&"[DONE]"), "{text}");
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(
        chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk")
    );
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let content: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, reply_text("tell me about llamas", 5));
    let finish: Vec<&Value> = chunks
        .iter()
        .map(|c| &c["choices"][0]["finish_reason"])
        .filter(|f| !f.is_null())
        .collect();
    assert_eq!(finish, [&json!("stop")]);
    let usage = chunks.last().unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["completion_tokens"], 5);
}

async fn tool_calls_come_back_in_openai_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let mut request = ask("Paris");
    request["tools"] = json!([{
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather of a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        }
    }]);
    let body: Value = app
        .send_as(&key, Method::POST, "/v1/chat/completions", Some(request))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["choices"][0]["finish_reason"], "tool_calls", "{body}");
    let call = &body["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let arguments: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(arguments["city"], "Paris");
}

async fn grants_and_missing_models_answer_in_openai_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let issued: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "embed only", "allowed_model_ids": ["all-minilm:latest"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let limited = issued["secret"].as_str().unwrap();
    app.ollama().clear_requests();
    let refused = app
        .send_as(
            limited,
            Method::POST,
            "/v1/chat/completions",
            Some(ask("hi")),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["error"]["code"], "permission_denied");
    assert!(
        app.ollama().requests().is_empty(),
        "refused before reaching Ollama"
    );

    let key = app.admin_api_key();
    let mut missing = ask("hi");
    missing["model"] = json!("not-installed");
    let res = app
        .send_as(&key, Method::POST, "/v1/chat/completions", Some(missing))
        .await;
    assert_eq!(res.status(), 404);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["error"]["code"], "model_not_found");
    let empty = app
        .send_as(
            &key,
            Method::POST,
            "/v1/chat/completions",
            Some(json!({"model": MODEL, "messages": []})),
        )
        .await;
    assert_eq!(empty.status(), 422);
    let bad_role = app
        .send_as(
            &key,
            Method::POST,
            "/v1/chat/completions",
            Some(json!({"model": MODEL, "messages": [{"role": "wizard", "content": "x"}]})),
        )
        .await;
    assert_eq!(bad_role.status(), 422);
}
