//! Models and embeddings, native and OpenAI-compatible, against the fake Ollama.

use owp_ollama_client::fake::Mode;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    models_are_filtered_by_grants,
    embeddings_single_and_batch,
    disallowed_models_never_reach_ollama,
    ollama_failures_map_to_clear_statuses,
    openai_models_and_embeddings,
    admins_pull_with_progress_and_delete_models,
    a_silent_ollama_is_a_504,
    one_model_in_detail,
);

/// A user with `user` role and optional model grants; returns its token.
async fn user_with_models(app: &TestApp, models: Option<Vec<&str>>) -> String {
    let admin = app.admin_token().await;
    let created: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": "m@example.org"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    app.send_as(
        &admin,
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"roles": ["user"]})),
    )
    .await;
    app.send_as(
        &admin,
        Method::PUT,
        &format!("/api/v1/users/{id}/password"),
        Some(json!({"password": "model-password"})),
    )
    .await;
    app.send_as(
        &admin,
        Method::PUT,
        &format!("/api/v1/users/{id}/grants"),
        Some(json!({"allowed_model_ids": models})),
    )
    .await;
    app.login("m@example.org", "model-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn models_are_filtered_by_grants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let all: Value = app
        .get_as(&admin, "/api/v1/models")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), app.ollama().model_names().len());
    assert!(all["items"][0]["family"].is_string());

    let limited = user_with_models(&app, Some(vec!["all-minilm:latest"])).await;
    let mine: Value = app
        .get_as(&limited, "/api/v1/models")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["name"], "all-minilm:latest");
}

async fn embeddings_single_and_batch(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin_token().await;
    let one: Value = app
        .send_as(
            &token,
            Method::POST,
            "/api/v1/embeddings",
            Some(json!({"model": "all-minilm:latest", "input": "hello"})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["dims"], 384);
    assert_eq!(one["embeddings"].as_array().unwrap().len(), 1);
    let batch: Value = app
        .send_as(
            &token,
            Method::POST,
            "/api/v1/embeddings",
            Some(json!({"model": "all-minilm:latest", "input": ["a b", "c d", "a b"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let vectors = batch["embeddings"].as_array().unwrap();
    assert_eq!(vectors.len(), 3);
    assert_eq!(vectors[0], vectors[2], "deterministic");
    assert_ne!(vectors[0], vectors[1]);
    for bad in [
        json!({"model": "all-minilm:latest", "input": []}),
        json!({"model": "", "input": "x"}),
        json!({"model": "m", "input": 5}),
    ] {
        let res = app
            .send_as(
                &token,
                Method::POST,
                "/api/v1/embeddings",
                Some(bad.clone()),
            )
            .await;
        assert_eq!(res.status(), 422, "{bad}");
    }
}

async fn disallowed_models_never_reach_ollama(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let limited = user_with_models(&app, Some(vec!["all-minilm:latest"])).await;
    app.ollama().clear_requests();
    let res = app
        .send_as(
            &limited,
            Method::POST,
            "/api/v1/embeddings",
            Some(json!({"model": "llama3.2:latest", "input": "x"})),
        )
        .await;
    assert_eq!(res.status(), 403);
    let openai = app
        .send_as(
            &limited,
            Method::POST,
            "/v1/embeddings",
            Some(json!({"model": "llama3.2:latest", "input": "x"})),
        )
        .await;
    assert_eq!(openai.status(), 403);
    assert!(app.ollama().requests().is_empty(), "nothing reached Ollama");
    let allowed = app
        .send_as(
            &limited,
            Method::POST,
            "/api/v1/embeddings",
            Some(json!({"model": "all-minilm:latest", "input": "x"})),
        )
        .await;
    assert_eq!(allowed.status(), 200);
}

async fn ollama_failures_map_to_clear_statuses(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin_token().await;
    let missing = app
        .send_as(
            &token,
            Method::POST,
            "/api/v1/embeddings",
            Some(json!({"model": "not-installed", "input": "x"})),
        )
        .await;
    assert_eq!(missing.status(), 404);
    app.ollama()
        .set_mode(Mode::Fail { status: 500 })
        .await
        .unwrap();
    let failing = app.get_as(&token, "/api/v1/models").await;
    assert_eq!(failing.status(), 502);
    app.ollama().set_mode(Mode::Down).await.unwrap();
    let down = app.get_as(&token, "/api/v1/models").await;
    assert_eq!(down.status(), 503);
    let problem: Value = down.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Ollama is unreachable"),
        "{problem}"
    );
    let openai = app.get_as(&token, "/v1/models").await;
    assert_eq!(openai.status(), 503);
    let error: Value = openai.json().await.unwrap();
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Ollama"),
        "{error}"
    );
}

async fn openai_models_and_embeddings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let models: Value = app.get_as(&key, "/v1/models").await.json().await.unwrap();
    assert_eq!(models["object"], "list");
    assert!(
        models["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["object"] == "model" && m["owned_by"] == "ollama")
    );

    let res = app
        .send_as(
            &key,
            Method::POST,
            "/v1/embeddings",
            Some(json!({"model": "all-minilm:latest", "input": ["one two", "three"]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["object"], "list");
    assert_eq!(body["data"][1]["index"], 1);
    assert_eq!(body["data"][0]["object"], "embedding");
    assert_eq!(body["data"][0]["embedding"].as_array().unwrap().len(), 384);
    assert_eq!(body["usage"]["prompt_tokens"], 3);

    let unauthenticated = app.client.get(app.url("/v1/models")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let error: Value = unauthenticated.json().await.unwrap();
    assert_eq!(error["error"]["code"], "invalid_api_key");
    assert!(error["error"]["message"].is_string());
}

async fn admins_pull_with_progress_and_delete_models(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let res = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/models/pull",
            Some(json!({"name": "qwen2.5:0.5b"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let body = res.text().await.unwrap();
    let events: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert!(events.len() >= 2, "{body}");
    assert!(
        events[..events.len() - 1].iter().all(|e| *e == "progress"),
        "{body}"
    );
    assert_eq!(events.last(), Some(&"done"), "{body}");
    assert!(body.contains("\"completed\""), "{body}");
    assert!(
        app.ollama()
            .model_names()
            .iter()
            .any(|m| m.starts_with("qwen2.5"))
    );
    let audit: Value = app
        .get_as(&admin, "/api/v1/audit?event_type=model_pulled")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["total"], 1);
    assert_eq!(audit["items"][0]["detail"]["model"], "qwen2.5:0.5b");

    let deleted = app
        .send_as(&admin, Method::DELETE, "/api/v1/models/qwen2.5:0.5b", None)
        .await;
    assert_eq!(deleted.status(), 204);
    let again = app
        .send_as(&admin, Method::DELETE, "/api/v1/models/qwen2.5:0.5b", None)
        .await;
    assert_eq!(again.status(), 404);
    let audit: Value = app
        .get_as(&admin, "/api/v1/audit?event_type=model_deleted")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["total"], 1);

    let user = user_with_models(&app, None).await;
    let refused = app
        .send_as(
            &user,
            Method::POST,
            "/api/v1/models/pull",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(refused.status(), 403);
    app.ollama().set_mode(Mode::Down).await.unwrap();
    let down = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/models/pull",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(down.status(), 503);
}

async fn a_silent_ollama_is_a_504(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("OLLAMA_TIMEOUT_SECS", "1")
        .spawn()
        .await;
    let token = app.admin_token().await;
    app.ollama()
        .set_mode(Mode::SlowFirstByte {
            delay: std::time::Duration::from_secs(5),
        })
        .await
        .unwrap();
    let res = app.get_as(&token, "/api/v1/models").await;
    assert_eq!(res.status(), 504);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["detail"], "Ollama did not answer in time");
}

async fn one_model_in_detail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = user_with_models(&app, Some(vec!["llama3.2:latest"])).await;
    let res = app.get_as(&token, "/api/v1/models/llama3.2:latest").await;
    assert_eq!(res.status(), 200);
    let model: Value = res.json().await.unwrap();
    assert_eq!(model["name"], "llama3.2:latest");
    assert!(model["size"].as_u64().unwrap() > 0);
    assert!(
        model["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("completion"))
    );
    let res = app.get_as(&token, "/api/v1/models/all-minilm:latest").await;
    assert_eq!(res.status(), 403, "not granted");
    let admin = app.admin_token().await;
    let res = app
        .get_as(&admin, "/api/v1/models/nothing-here:latest")
        .await;
    assert_eq!(res.status(), 404);
}
