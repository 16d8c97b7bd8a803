//! `/api/v1/chat` and `/api/v1/conversations` against the fake Ollama: streamed and whole turns,
//! stored history, relay without buffering, cut-off replies, failures and other users' ids.

use std::time::{Duration, Instant};

use owp_ollama_client::fake::{Mode, reply_text};
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    streamed_turns_are_stored_and_continue_the_conversation,
    a_whole_turn_answers_json,
    the_first_delta_arrives_before_the_rest_and_a_hang_up_keeps_the_partial_reply,
    failures_before_the_stream_store_nothing,
    a_broken_stream_ends_with_an_error_event,
    conversations_are_renamed_listed_and_deleted,
    other_users_conversations_are_not_found,
    tools_must_be_granted,
);

const MODEL: &str = "llama3.2:latest";

/// The events of an SSE body as (name, data) pairs.
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = String::new();
            let mut data = Value::Null;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_owned();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(d).unwrap();
                }
            }
            (name, data)
        })
        .collect()
}

fn turn(text: &str, conversation: Option<&str>) -> Value {
    let mut body = json!({"model": MODEL, "messages": [{"role": "user", "content": text}]});
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    body
}

async fn chat(app: &TestApp, token: &str, body: Value) -> (u16, Vec<(String, Value)>) {
    let res = app
        .send_as(token, Method::POST, "/api/v1/chat", Some(body))
        .await;
    let status = res.status().as_u16();
    if status == 200 {
        assert_eq!(res.headers()["content-type"], "text/event-stream");
    }
    (status, events(&res.text().await.unwrap()))
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

async fn streamed_turns_are_stored_and_continue_the_conversation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("chatter@example.org", &["user"]).await;
    let (status, first) = chat(&app, &token, turn("why is the sky blue", None)).await;
    assert_eq!(status, 200);
    assert_eq!(first[0].0, "start");
    let conversation = first[0].1["conversation_id"].as_str().unwrap().to_owned();
    let text: String = first
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, d)| d["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, reply_text("why is the sky blue", 5));
    let (name, done) = first.last().unwrap();
    assert_eq!(name, "done");
    assert_eq!(done["usage"]["completion_tokens"], 5);
    assert_eq!(done["done_reason"], "stop");
    assert!(done["timings"]["total_ms"].is_u64());
    assert_eq!(done["message_id"], first[0].1["message_id"]);

    app.ollama().clear_requests();
    let (status, second) = chat(&app, &token, turn("and at night?", Some(&conversation))).await;
    assert_eq!(status, 200);
    assert_eq!(second[0].1["conversation_id"], conversation.as_str());
    let sent = &app.ollama().requests()[0].body["messages"];
    let roles: Vec<&str> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["user", "assistant", "user"],
        "history goes to the model"
    );
    assert_eq!(sent[1]["content"], text.as_str());

    let list = json_of(app.get_as(&token, "/api/v1/conversations").await).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["title"], "why is the sky blue");
    assert_eq!(list["items"][0]["model"], MODEL);
    let messages = json_of(
        app.get_as(
            &token,
            &format!("/api/v1/conversations/{conversation}/messages"),
        )
        .await,
    )
    .await;
    assert_eq!(messages["total"], 4);
    let reply = &messages["items"][1];
    assert_eq!(reply["role"], "assistant");
    assert_eq!(reply["content"], text.as_str());
    assert_eq!(reply["incomplete"], false);
    assert_eq!(reply["model"], MODEL);
    assert_eq!(
        reply["tokens_used"].as_i64().unwrap(),
        done["usage"]["total_tokens"].as_i64().unwrap()
    );
    assert!(reply["processing_time_ms"].is_i64());
    assert_eq!(reply["metadata"]["done_reason"], "stop");
}

async fn a_whole_turn_answers_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("whole@example.org", &["user"]).await;
    let mut body = turn("tell me a joke", None);
    body["stream"] = json!(false);
    body["options"] = json!({"temperature": 0.5});
    let res = app
        .send_as(&token, Method::POST, "/api/v1/chat", Some(body))
        .await;
    assert_eq!(res.status(), 200);
    let answer = json_of(res).await;
    assert_eq!(
        answer["message"]["content"],
        reply_text("tell me a joke", 5)
    );
    assert_eq!(answer["message"]["incomplete"], false);
    assert_eq!(answer["usage"]["completion_tokens"], 5);
    let sent = app.ollama().requests().last().unwrap().body.clone();
    assert_eq!(sent["options"]["temperature"], 0.5);
    let id = answer["conversation_id"].as_str().unwrap();
    let messages = json_of(
        app.get_as(&token, &format!("/api/v1/conversations/{id}/messages"))
            .await,
    )
    .await;
    assert_eq!(messages["total"], 2);
}

/// Polls the conversation until its reply is stored as cut off, or fails after a deadline.
async fn cut_off_reply(app: &TestApp, token: &str, conversation: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages = json_of(
            app.get_as(
                token,
                &format!("/api/v1/conversations/{conversation}/messages"),
            )
            .await,
        )
        .await;
        let reply = messages["items"][1].clone();
        if reply["incomplete"] == true && reply["metadata"]["error"].is_string() {
            return reply;
        }
        assert!(
            Instant::now() < deadline,
            "the cut-off reply was never stored: {messages}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_first_delta_arrives_before_the_rest_and_a_hang_up_keeps_the_partial_reply(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("impatient@example.org", &["user"]).await;
    app.ollama().set_tokens_per_reply(40);
    app.ollama().set_token_delay(Duration::from_millis(150));
    let mut res = app
        .send_as(
            &token,
            Method::POST,
            "/api/v1/chat",
            Some(turn("count slowly", None)),
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        let chunk = res.chunk().await.unwrap().expect("the stream goes on");
        seen.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    assert!(
        !seen.contains("event: done"),
        "the first delta came before the fake released the rest: {seen}"
    );
    let conversation = events(&seen)[0].1["conversation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(res);

    let reply = cut_off_reply(&app, &token, &conversation).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.ollama().abandoned_streams() == 0 {
        assert!(
            Instant::now() < deadline,
            "hanging up never cancelled the request to Ollama"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.ollama().abandoned_streams(), 1);
    let content = reply["content"].as_str().unwrap();
    assert!(!content.is_empty());
    assert!(reply_text("count slowly", 40).starts_with(content));
    assert_ne!(content, reply_text("count slowly", 40));
}

async fn failures_before_the_stream_store_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("unlucky@example.org", &["user"]).await;
    let mut unknown = turn("hi", None);
    unknown["model"] = json!("no-such-model:latest");
    let (status, _) = chat(&app, &token, unknown).await;
    assert_eq!(status, 404);
    let mut bad_role = turn("hi", None);
    bad_role["messages"][0]["role"] = json!("robot");
    let (status, _) = chat(&app, &token, bad_role).await;
    assert_eq!(status, 422);
    let (status, _) = chat(&app, &token, json!({"model": MODEL, "messages": []})).await;
    assert_eq!(status, 422);
    let mut bad_options = turn("hi", None);
    bad_options["options"] = json!({"temperature": "hot"});
    let (status, _) = chat(&app, &token, bad_options).await;
    assert_eq!(status, 422);
    let mut bad_tools = turn("hi", None);
    bad_tools["tools"] = json!([{"type": "function"}]);
    let (status, _) = chat(&app, &token, bad_tools).await;
    assert_eq!(status, 422);
    let (status, _) = chat(&app, &token, turn("hi", Some("not-an-id"))).await;
    assert_eq!(status, 404);
    app.ollama().set_mode(Mode::Down).await.unwrap();
    let res = app
        .send_as(&token, Method::POST, "/api/v1/chat", Some(turn("hi", None)))
        .await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    app.ollama()
        .set_mode(Mode::Fail { status: 500 })
        .await
        .unwrap();
    let (status, _) = chat(&app, &token, turn("hi", None)).await;
    assert_eq!(status, 502);
    let list = json_of(app.get_as(&token, "/api/v1/conversations").await).await;
    assert_eq!(
        list["total"], 0,
        "nothing is stored for a turn Ollama refused"
    );
}

async fn a_broken_stream_ends_with_an_error_event(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("broken@example.org", &["user"]).await;
    app.ollama()
        .set_mode(Mode::DisconnectAfter { chunks: 2 })
        .await
        .unwrap();
    let (status, got) = chat(&app, &token, turn("tell me everything", None)).await;
    assert_eq!(status, 200);
    let (name, error) = got.last().unwrap();
    assert_eq!(name, "error", "{got:?}");
    assert_eq!(error["status"], 502);
    assert!(error["detail"].as_str().unwrap().contains("Ollama"));
    let conversation = got[0].1["conversation_id"].as_str().unwrap();
    let messages = json_of(
        app.get_as(
            &token,
            &format!("/api/v1/conversations/{conversation}/messages"),
        )
        .await,
    )
    .await;
    let reply = &messages["items"][1];
    assert_eq!(reply["incomplete"], true);
    let relayed: String = got
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, d)| d["content"].as_str().unwrap())
        .collect();
    assert!(!relayed.is_empty());
    assert_eq!(
        reply["content"],
        relayed.as_str(),
        "what was relayed is what is stored"
    );
}

async fn conversations_are_renamed_listed_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("tidy@example.org", &["user"]).await;
    let res = app
        .send_as(
            &token,
            Method::POST,
            "/api/v1/conversations",
            Some(json!({"title": "Plans", "model": MODEL})),
        )
        .await;
    assert_eq!(res.status(), 201);
    let created = json_of(res).await;
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/conversations/{id}");
    let res = app
        .send_as(&token, Method::PATCH, &path, Some(json!({"title": "  "})))
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .send_as(
            &token,
            Method::PATCH,
            &path,
            Some(json!({"title": "Better plans"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_of(app.get_as(&token, &path).await).await["title"],
        "Better plans"
    );
    let (status, _) = chat(&app, &token, turn("first step?", Some(id))).await;
    assert_eq!(status, 200);
    let res = app.get_as(&token, "/api/v1/conversations?limit=0").await;
    assert_eq!(res.status(), 422);
    let res = app.send_as(&token, Method::DELETE, &path, None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.get_as(&token, &path).await.status(), 404);
    assert_eq!(
        app.get_as(&token, &format!("{path}/messages"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.send_as(&token, Method::DELETE, &path, None)
            .await
            .status(),
        404
    );
}

async fn other_users_conversations_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, owner) = app.user_token("owner@example.org", &["user"]).await;
    let (_, other) = app.user_token("other@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let (_, got) = chat(&app, &owner, turn("my secret plan", None)).await;
    let id = got[0].1["conversation_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/conversations/{id}");
    for token in [&other, &admin] {
        assert_eq!(app.get_as(token, &path).await.status(), 404);
        assert_eq!(
            app.get_as(token, &format!("{path}/messages"))
                .await
                .status(),
            404
        );
        let res = app
            .send_as(
                token,
                Method::PATCH,
                &path,
                Some(json!({"title": "mine now"})),
            )
            .await;
        assert_eq!(res.status(), 404);
        assert_eq!(
            app.send_as(token, Method::DELETE, &path, None)
                .await
                .status(),
            404
        );
        let (status, _) = chat(&app, token, turn("continue", Some(&id))).await;
        assert_eq!(status, 404);
        let list = json_of(app.get_as(token, "/api/v1/conversations").await).await;
        assert_eq!(list["total"], 0);
    }
    assert_eq!(
        json_of(app.get_as(&owner, &format!("{path}/messages")).await).await["total"],
        2
    );
}

async fn tools_must_be_granted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("tooled@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let weather: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/tools",
            Some(json!({"name": "get_weather", "parameters": {"type": "object", "properties": {}}, "visibility": "org"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/grants"),
            Some(json!({"allowed_tool_ids": [weather["id"]]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let tool = |name: &str| json!({"type": "function", "function": {"name": name, "description": "d", "parameters": {"type": "object", "properties": {}}}});
    app.ollama().clear_requests();
    let mut body = turn("weather?", None);
    body["tools"] = json!([tool("get_weather"), tool("delete_all_users")]);
    let (status, _) = chat(&app, &token, body.clone()).await;
    assert_eq!(status, 403);
    let openai = json!({"model": MODEL, "messages": [{"role": "user", "content": "weather?"}], "tools": body["tools"]});
    let res = app
        .send_as(&token, Method::POST, "/v1/chat/completions", Some(openai))
        .await;
    assert_eq!(res.status(), 403);
    assert!(
        app.ollama().requests().is_empty(),
        "refused before reaching Ollama"
    );
    body["tools"] = json!([tool("get_weather")]);
    let (status, got) = chat(&app, &token, body).await;
    assert_eq!(status, 200);
    assert_eq!(got.last().unwrap().0, "done");
    assert_eq!(
        app.ollama().requests()[0].body["tools"][0]["function"]["name"],
        "get_weather"
    );
}
