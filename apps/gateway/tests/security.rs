//! Regressions of the outside probe (issue 9): each hole it found, tried again through the
//! real HTTP API on both backends.

use owp_ollama_client::fake::FakeModel;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    percent_encoded_paths_are_judged_as_the_router_reads_them,
    relayed_bodies_carry_only_what_was_checked,
    nul_characters_are_refused_before_any_write_or_model_call,
    nesting_deeper_than_64_levels_is_refused,
    model_pulls_take_only_model_names,
    request_ids_from_clients_are_kept_only_when_sane,
);

const GRANTED: &str = "llama3.2:latest";
const SECRET: &str = "secret-model:latest";

async fn percent_encoded_paths_are_judged_as_the_router_reads_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, user) = app.user_token("climber@example.org", &["user"]).await;
    let res = app
        .send_as(
            &user,
            Method::PATCH,
            &format!("/api/v1/%75sers/{id}"),
            Some(json!({"roles": ["admin"]})),
        )
        .await;
    assert_eq!(res.status(), 403, "the probe's escalation");
    let me: Value = app
        .get_as(&user, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"], json!(["user"]), "still a plain user: {me}");

    for (method, path) in [
        (Method::GET, "/api/v1/%61udit"),
        (Method::GET, "/api/%761/users"),
        (Method::GET, "/api/v1/%61dmin/usage"),
    ] {
        let res = app.send_as(&user, method.clone(), path, None).await;
        assert_eq!(res.status(), 403, "{method} {path}");
    }
    let res = app
        .send_as(
            &user,
            Method::POST,
            "/api/v1/models/%70ull",
            Some(json!({"name": "tinyllama"})),
        )
        .await;
    assert_eq!(res.status(), 403, "pull");
    assert!(
        app.ollama()
            .requests()
            .iter()
            .all(|r| r.path != "/api/pull"),
        "nothing reached Ollama"
    );

    let admin = app.admin_token().await;
    let res = app.get_as(&admin, "/api/v1/%61udit?limit=1").await;
    assert_eq!(res.status(), 200, "an allowed caller still gets through");
    let res = app.get_as(&admin, "/api/v1/audit/").await;
    assert_eq!(res.status(), 404, "a trailing slash is another path");
}

async fn granted_user(app: &TestApp) -> String {
    app.ollama().add_model(FakeModel::chat(SECRET));
    let (id, token) = app.user_token("relay@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let weather: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/tools",
            Some(json!({"name": "weather", "parameters": {"type": "object", "properties": {}}})),
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
            Some(json!({"allowed_model_ids": [GRANTED], "allowed_tool_ids": [weather["id"]]})),
        )
        .await;
    assert_eq!(res.status(), 200);
    token
}

async fn relayed_bodies_carry_only_what_was_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = granted_user(&app).await;
    let chat = |extra: Value| {
        let mut body = json!({"messages": [{"role": "user", "content": "hi"}], "stream": false});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let refused = [
        (
            "/ollama/api/chat",
            chat(json!({"model": GRANTED, "Model": SECRET})),
        ),
        (
            "/ollama/api/chat",
            chat(json!({"model": GRANTED, "MODEL": SECRET})),
        ),
        (
            "/ollama/api/generate",
            json!({"name": GRANTED, "MODEL": SECRET, "prompt": "x"}),
        ),
        (
            "/ollama/api/generate",
            json!({"Model": SECRET, "prompt": "x", "name": GRANTED}),
        ),
        (
            "/ollama/api/chat",
            chat(json!({"model": GRANTED, "tools": [], "Tools": [
                {"type": "function", "function": {"name": "shell"}}
            ]})),
        ),
        (
            "/ollama/api/chat",
            chat(json!({"model": GRANTED, "tools": [
                {"type": "function", "function": {"name": "weather", "Name": "shell"}}
            ]})),
        ),
        (
            "/ollama/api/chat",
            chat(json!({"model": GRANTED, "tools": [
                {"type": "function", "Function": {"name": "shell"}}
            ]})),
        ),
        (
            "/v1/chat/completions",
            chat(json!({"model": GRANTED, "Model": SECRET})),
        ),
        (
            "/v1/embeddings",
            json!({"model": "all-minilm:latest", "Model": SECRET, "input": "x"}),
        ),
        (
            "/api/v1/chat",
            chat(json!({"model": GRANTED, "Model": SECRET})),
        ),
    ];
    for (path, body) in refused {
        let res = app
            .send_as(&token, Method::POST, path, Some(body.clone()))
            .await;
        assert!(
            res.status() == 400 || res.status() == 403,
            "{path} {body}: {}",
            res.status()
        );
    }
    // The same key twice, byte for byte (serde would keep the last, as Go does).
    let raw = format!(r#"{{"model":"{GRANTED}","model":"{SECRET}","messages":[],"stream":false}}"#);
    let res = app
        .client
        .post(app.url("/ollama/api/chat"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["error"].as_str().unwrap().contains("`model`"),
        "{problem}"
    );
    assert!(
        app.ollama()
            .requests()
            .iter()
            .all(|r| !r.body.to_string().contains(SECRET)),
        "no refused body reached Ollama"
    );

    app.ollama().clear_requests();
    let body = chat(json!({"model": GRANTED, "keep_alive": "5m", "options": {"Temperature": 0.1}}));
    let res = app
        .send_as(&token, Method::POST, "/ollama/api/chat", Some(body.clone()))
        .await;
    assert_eq!(res.status(), 200);
    let relayed = app
        .ollama()
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/chat")
        .expect("the chat reached Ollama");
    assert_eq!(
        relayed.body, body,
        "rebuilt from what was parsed, nothing else"
    );
}

async fn nul_characters_are_refused_before_any_write_or_model_call(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;

    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "admin\u{0}@example.com", "password": "whatever-long"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "email", "{problem}");

    let res = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .form(&[("username", "admin\u{0}@example.com"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "the OAuth2 form too");

    for (method, path, body, field) in [
        (
            Method::POST,
            "/api/v1/me/api-keys",
            json!({"label": "ci\u{0}"}),
            "label",
        ),
        (
            Method::POST,
            "/api/v1/users",
            json!({"email": "new@example.org", "full_name": "Ann\u{0}"}),
            "full_name",
        ),
        (
            Method::POST,
            "/api/v1/chat",
            json!({"model": GRANTED, "messages": [{"role": "user", "content": "a\u{0}b"}]}),
            "messages[0].content",
        ),
        (
            Method::POST,
            "/v1/chat/completions",
            json!({"model": GRANTED, "messages": [{"role": "user", "content": "a\u{0}b"}]}),
            "messages[0].content",
        ),
        (
            Method::POST,
            "/ollama/api/generate",
            json!({"model": GRANTED, "prompt": "a\u{0}b"}),
            "prompt",
        ),
        (
            Method::POST,
            "/api/v1/conversations",
            json!({"title": "t\u{0}"}),
            "title",
        ),
    ] {
        let res = app.send_as(&admin, method, path, Some(body)).await;
        assert_eq!(res.status(), 422, "{path}");
        let problem: Value = res.json().await.unwrap();
        let errors = problem["errors"].as_array().cloned().unwrap_or_default();
        let named = errors.iter().any(|e| e["field"] == field);
        // OpenAI's error shape names the field as `param`; Ollama's is one message that does.
        let named = named
            || problem["error"]["param"] == field
            || problem["error"]
                .as_str()
                .is_some_and(|m| m.starts_with(&format!("{field}:")));
        assert!(named, "{path} names {field}: {problem}");
    }
    assert!(
        app.ollama()
            .requests()
            .iter()
            .all(|r| r.path != "/api/chat" && r.path != "/api/generate"),
        "no model was called"
    );
    let keys: Value = app
        .get_as(&admin, "/api/v1/me/api-keys")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !keys.to_string().contains("ci\\u0000"),
        "nothing was stored"
    );
}

async fn nesting_deeper_than_64_levels_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.admin_api_key();
    let mut deep = json!(1);
    for _ in 0..70 {
        deep = json!([deep]);
    }
    for (path, body) in [
        (
            "/ollama/api/chat",
            json!({"model": GRANTED, "messages": [], "format": deep}),
        ),
        (
            "/ollama/api/generate",
            json!({"model": GRANTED, "prompt": "x", "options": {"x": deep}}),
        ),
        (
            "/api/v1/chat",
            json!({"model": GRANTED, "messages": [{"role": "user", "content": "x"}], "tools": [deep]}),
        ),
    ] {
        let res = app.send_as(&key, Method::POST, path, Some(body)).await;
        assert_eq!(res.status(), 422, "{path}");
        let text = res.text().await.unwrap();
        assert!(text.contains("64 levels"), "{path}: {text}");
    }
    assert!(
        app.ollama()
            .requests()
            .iter()
            .all(|r| r.path != "/api/chat")
    );
}

async fn model_pulls_take_only_model_names(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    for name in [
        "http://evil.example/model",
        "../../etc/passwd",
        "model\nname",
        "mo\u{7}del",
        "hf.co/someone/model",
        "a/b/c/d",
    ] {
        let res = app
            .send_as(
                &admin,
                Method::POST,
                "/api/v1/models/pull",
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(res.status(), 422, "{name:?}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "name");
    }
    assert!(
        app.ollama()
            .requests()
            .iter()
            .all(|r| r.path != "/api/pull")
    );
    let res = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/models/pull",
            Some(json!({"name": "library/tinyllama"})),
        )
        .await;
    assert_eq!(res.status(), 200, "a plain name still pulls");
    res.text().await.unwrap();

    let allowed = TestApp::builder(Backend::Sqlite)
        .env("MODEL_REGISTRIES", "hf.co")
        .spawn()
        .await;
    let admin = allowed.admin_token().await;
    let res = allowed
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/models/pull",
            Some(json!({"name": "hf.co/someone/model:q4"})),
        )
        .await;
    assert_eq!(res.status(), 200, "an allowed registry");
}

async fn request_ids_from_clients_are_kept_only_when_sane(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id_of =
        |res: &reqwest::Response| res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "ci-run_42.7")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&res), "ci-run_42.7");
    for bad in ["has space", "semi;colon", "a\"quote", &"x".repeat(65)] {
        let res = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", bad)
            .send()
            .await
            .unwrap();
        let id = id_of(&res);
        assert_ne!(id, bad);
        assert!(uuid_like(&id), "a generated id instead of {bad:?}: {id}");
    }
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}
