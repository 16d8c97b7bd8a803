//! Using agents: `POST /api/v1/chat {agent_id}` (the agent's model, rendered system prompt,
//! tools and options reach Ollama; the conversation remembers the agent) and OpenAI clients
//! seeing and calling `agent:<slug>`; a model outside the caller's grants, a switched-off agent
//! and another organization's agent are refused before Ollama is called.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{field_of, other_org_admin, send};

on_both_backends!(
    an_agent_answers_with_its_prompt_tools_and_options,
    agents_are_models_for_openai_clients,
);

const MODEL: &str = "llama3.2:latest";

/// Whether Ollama was sent `temperature` (an f32 there, so compared as one).
fn temperature_is(sent: &Value, expected: f64) -> bool {
    sent["options"]["temperature"]
        .as_f64()
        .is_some_and(|t| (t - expected).abs() < 1e-6)
}

/// Creates `body` at `path` as `token`; the new object.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, made) = send(app, token, Method::POST, path, Some(body)).await;
    assert_eq!(status, 201, "{path}: {made}");
    made
}

/// An org-wide guide agent with a prompt (one variable), a weather tool and a temperature;
/// its id.
async fn guide(app: &TestApp, teacher: &str) -> String {
    let prompt = created(
        app,
        teacher,
        "/api/v1/prompts",
        json!({
            "name": "Guide", "command": "guide", "visibility": "org",
            "content": "You guide visitors of {{city}}.",
            "variables": [{"name": "city", "type": "text", "required": true}]
        }),
    )
    .await;
    let tool = created(
        app,
        teacher,
        "/api/v1/tools",
        json!({
            "name": "get_weather", "visibility": "org",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        }),
    )
    .await;
    let agent = created(
        app,
        teacher,
        "/api/v1/agents",
        json!({
            "name": "City guide", "slug": "city-guide", "model": "llama3.2", "visibility": "org",
            "prompt_id": prompt["id"], "prompt_variables": {"city": "Lyon"},
            "tool_ids": [tool["id"]], "options": {"temperature": 0.2}
        }),
    )
    .await;
    agent["id"].as_str().unwrap().to_owned()
}

async fn an_agent_answers_with_its_prompt_tools_and_options(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let agent = guide(&app, &teacher).await;
    let ask = |extra: Value| {
        let mut body = json!({"agent_id": agent, "stream": false,
            "messages": [{"role": "user", "content": "Paris"}]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    app.ollama().clear_requests();
    let (status, answer) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(ask(json!({}))),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let sent = &app.ollama().requests()[0].body;
    assert_eq!(sent["model"], MODEL);
    assert_eq!(sent["messages"][0]["role"], "system");
    assert_eq!(
        sent["messages"][0]["content"],
        "You guide visitors of Lyon."
    );
    assert_eq!(sent["messages"][1]["content"], "Paris");
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    assert!(temperature_is(sent, 0.2), "{sent}");
    assert_eq!(
        answer["message"]["metadata"]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    let conversation = answer["conversation_id"].as_str().unwrap();
    let (_, stored) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/conversations/{conversation}"),
        None,
    )
    .await;
    assert_eq!(stored["agent_id"], agent.as_str());
    let (_, messages) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/conversations/{conversation}/messages"),
        None,
    )
    .await;
    assert!(
        messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["role"] != "system"),
        "the agent's prompt is not stored: an edited agent speaks anew"
    );

    app.ollama().clear_requests();
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(ask(
            json!({"options": {"temperature": 0.9}, "model": "llama3.2"}),
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        temperature_is(&app.ollama().requests()[0].body, 0.9),
        "the caller's options override the agent's"
    );

    app.ollama().clear_requests();
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(ask(json!({"model": "other-model"}))),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "model"), "{problem}");
    let unknown = json!({"agent_id": "0190a000-0000-7000-8000-000000000000"});
    let (status, _) = send(&app, &bob, Method::POST, "/api/v1/chat", Some(ask(unknown))).await;
    assert_eq!(status, 404);
    let foreign = other_org_admin(&app).await;
    let (status, _) = send(
        &app,
        &foreign,
        Method::POST,
        "/api/v1/chat",
        Some(ask(json!({}))),
    )
    .await;
    assert_eq!(
        status, 404,
        "another organization's agent does not exist for them"
    );

    let (status, _) = send(
        &app,
        &teacher,
        Method::PATCH,
        &format!("/api/v1/agents/{agent}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        "/api/v1/chat",
        Some(ask(json!({}))),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        app.ollama().requests().is_empty(),
        "refused before reaching Ollama"
    );
}

async fn agents_are_models_for_openai_clients(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    guide(&app, &teacher).await;

    let (status, list) = send(&app, &bob, Method::GET, "/v1/models", None).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(
        ids.contains(&MODEL) && ids.contains(&"agent:city-guide"),
        "{ids:?}"
    );
    let (status, one) = send(&app, &bob, Method::GET, "/v1/models/agent:city-guide", None).await;
    assert_eq!((status, one["owned_by"].as_str()), (200, Some("workshop")));

    app.ollama().clear_requests();
    let body =
        json!({"model": "agent:city-guide", "messages": [{"role": "user", "content": "Paris"}]});
    let (status, completion) = send(
        &app,
        &bob,
        Method::POST,
        "/v1/chat/completions",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{completion}");
    assert_eq!(completion["model"], "agent:city-guide");
    let call = &completion["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "get_weather");
    let sent = &app.ollama().requests()[0].body;
    assert_eq!(sent["model"], MODEL);
    assert_eq!(
        sent["messages"][0]["content"],
        "You guide visitors of Lyon."
    );
    assert!(temperature_is(sent, 0.2), "{sent}");

    let mut no_tools = body.clone();
    no_tools["tool_choice"] = json!("none");
    app.ollama().clear_requests();
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        "/v1/chat/completions",
        Some(no_tools),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        app.ollama().requests()[0].body["tools"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );

    let admin = app.admin_token().await;
    let keys = format!("/api/v1/users/{bob_id}/api-keys");
    let narrow = json!({"label": "embeddings only", "allowed_model_ids": ["all-minilm:latest"]});
    let (status, issued) = send(&app, &admin, Method::POST, &keys, Some(narrow)).await;
    assert_eq!(status, 201, "{issued}");
    let key = issued["secret"].as_str().unwrap();
    let (_, list) = send(&app, key, Method::GET, "/v1/models", None).await;
    assert!(
        !list.to_string().contains("agent:city-guide"),
        "a key's model allowlist applies to the agent's model: {list}"
    );
    let (status, _) = send(
        &app,
        key,
        Method::POST,
        "/v1/chat/completions",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 403);

    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/users/{bob_id}/grants"),
        Some(json!({"allowed_model_ids": ["all-minilm:latest"]})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, list) = send(&app, &bob, Method::GET, "/v1/models", None).await;
    assert!(
        !list.to_string().contains("agent:city-guide"),
        "an agent whose model is not granted is not offered: {list}"
    );
    app.ollama().clear_requests();
    let (status, _) = send(&app, &bob, Method::POST, "/v1/chat/completions", Some(body)).await;
    assert_eq!(status, 403);
    let (status, _) = send(&app, &bob, Method::GET, "/v1/models/agent:city-guide", None).await;
    assert_eq!(status, 404);
    let missing = json!({"model": "agent:nobody", "messages": [{"role": "user", "content": "hi"}]});
    let (status, _) = send(
        &app,
        &admin,
        Method::POST,
        "/v1/chat/completions",
        Some(missing),
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        app.ollama().requests().is_empty(),
        "refused before reaching Ollama"
    );
}
