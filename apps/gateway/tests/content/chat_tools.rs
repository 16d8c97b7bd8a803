//! Stored tools in chat: `tool_ids` checked (visible, granted) before Ollama is called, a
//! `tool_call` SSE event with the call's id, the call kept with the reply, and the client's
//! `tool` answer in the next turn — which must name a call the conversation made.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{field_of, send};

on_both_backends!(a_stored_tool_is_called_and_answered_in_the_next_turn,);

const MODEL: &str = "llama3.2:latest";

/// The events of an SSE body as (name, data) pairs.
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let name = block
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or_default();
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .map_or(Value::Null, |d| serde_json::from_str(d).unwrap());
            (name.to_owned(), data)
        })
        .collect()
}

async fn stream(app: &TestApp, token: &str, body: Value) -> (u16, Vec<(String, Value)>) {
    let res = app
        .send_as(token, Method::POST, "/api/v1/chat", Some(body))
        .await;
    let status = res.status().as_u16();
    (status, events(&res.text().await.unwrap()))
}

/// Grants `user` exactly the stored tools `ids`.
async fn grant_tools(app: &TestApp, admin: &str, user: &str, ids: Value) {
    let grants = format!("/api/v1/users/{user}/grants");
    let body = json!({"allowed_tool_ids": ids});
    let (status, _) = send(app, admin, Method::PUT, &grants, Some(body)).await;
    assert_eq!(status, 200);
}

async fn a_stored_tool_is_called_and_answered_in_the_next_turn(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    let weather = json!({
        "name": "get_weather",
        "description": "Weather by city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "visibility": "org"
    });
    let (_, tool) = send(&app, &admin, Method::POST, "/api/v1/tools", Some(weather)).await;
    let tool_id = tool["id"].as_str().unwrap().to_owned();
    let (_, hidden) = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/tools",
        Some(json!({"name": "secret", "parameters": {"type": "object", "properties": {}}})),
    )
    .await;
    let ask = |ids: Value| json!({"model": MODEL, "messages": [{"role": "user", "content": "Paris"}], "tool_ids": ids});

    let (_, clock) = send(
        &app,
        &admin,
        Method::POST,
        "/api/v1/tools",
        Some(json!({"name": "get_time", "parameters": {"type": "object", "properties": {}}, "visibility": "org"})),
    )
    .await;
    grant_tools(&app, &admin, &bob_id, json!([clock["id"]])).await;

    app.ollama().clear_requests();
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(ask(json!([tool_id]))),
    )
    .await;
    assert_eq!(status, 403, "granted another tool only: {problem}");
    for ids in [
        json!(["not-an-id"]),
        json!([hidden["id"]]),
        json!(["0190a000-0000-7000-8000-000000000000"]),
    ] {
        let (status, problem) =
            send(&app, &bob, Method::POST, "/api/v1/chat", Some(ask(ids))).await;
        assert_eq!((status, field_of(&problem)), (422, "tool_ids"), "{problem}");
    }
    assert!(
        app.ollama().requests().is_empty(),
        "refused before reaching Ollama"
    );

    grant_tools(&app, &admin, &bob_id, json!([tool_id])).await;
    let (status, first) = stream(&app, &bob, ask(json!([tool_id]))).await;
    assert_eq!(status, 200, "{first:?}");
    let sent = &app.ollama().requests()[0].body;
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(
        sent["tools"][0]["function"]["parameters"]["required"],
        json!(["city"])
    );
    let (_, call) = first
        .iter()
        .find(|(name, _)| name == "tool_call")
        .expect("a tool_call event");
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["arguments"], json!({"city": "Paris"}));
    let call_id = call["id"].as_str().unwrap().to_owned();
    assert!(call_id.starts_with("call_"));
    assert_eq!(first.last().unwrap().0, "done");
    let conversation = first[0].1["conversation_id"].as_str().unwrap().to_owned();

    let answer = |id: &str| {
        json!({
            "model": MODEL,
            "conversation_id": conversation,
            "tool_ids": [tool_id],
            "messages": [{"role": "tool", "content": "sunny and mild", "tool_call_id": id}]
        })
    };
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(answer("call_unknown")),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "messages[0].tool_call_id"),
        "{problem}"
    );

    app.ollama().clear_requests();
    let (status, second) = stream(&app, &bob, answer(&call_id)).await;
    assert_eq!(status, 200, "{second:?}");
    let text: String = second
        .iter()
        .filter(|(name, _)| name == "delta")
        .filter_map(|(_, d)| d["content"].as_str())
        .collect();
    assert!(
        text.contains("sunny"),
        "the model answers from the tool result: {text}"
    );
    let sent = &app.ollama().requests()[0].body;
    let history = sent["messages"].as_array().unwrap();
    assert_eq!(
        history.len(),
        3,
        "question, the model's call, the tool's answer: {sent}"
    );
    assert_eq!(
        history[1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    assert_eq!(history[2]["role"], "tool");

    let (_, messages) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/conversations/{conversation}/messages"),
        None,
    )
    .await;
    let items = messages["items"].as_array().unwrap();
    let reply = items.iter().find(|m| m["role"] == "assistant").unwrap();
    assert_eq!(reply["metadata"]["tool_calls"][0]["id"], call_id.as_str());
    let result = items.iter().find(|m| m["role"] == "tool").unwrap();
    assert_eq!(result["metadata"]["tool_call_id"], call_id.as_str());
}
