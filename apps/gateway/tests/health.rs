//! Liveness, readiness, request ids and the public instance facts.

use owp_testkit::{Backend, TestApp, on_both_backends};
use serde_json::Value;

on_both_backends!(
    healthz_answers_ok,
    readyz_names_the_backend_and_reports_ollama,
    request_id_is_generated_or_echoed,
    instance_shows_the_default_organization,
    security_headers_are_on_every_answer,
);

async fn healthz_answers_ok(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        serde_json::json!({"status": "ok"})
    );
}

async fn readyz_names_the_backend_and_reports_ollama(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"]["backend"], expected);
    assert_eq!(body["database"]["reachable"], true);
    assert_eq!(body["database"]["pending_migrations"], 0);
    assert_eq!(body["ollama"]["reachable"], true);
    assert!(body["ollama"]["version"].is_string());

    app.ollama()
        .set_mode(owp_ollama_client::fake::Mode::Down)
        .await
        .unwrap();
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200, "Ollama is reported, not required");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["ollama"]["reachable"], false);
    assert_eq!(body["ollama"]["error"], "Ollama is not reachable");
}

async fn request_id_is_generated_or_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let generated = app.get("/healthz").await;
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);

    let echoed = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-abc-123");

    let oversized = "x".repeat(200);
    let replaced = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", &oversized)
        .send()
        .await
        .unwrap();
    let id = replaced.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, oversized, "an unsafe id is replaced, not echoed");
    assert!(uuid::Uuid::parse_str(id).is_ok());
}

async fn instance_shows_the_default_organization(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("SIGNUP_MODE", "open")
        .spawn()
        .await;
    let res = app.get("/api/v1/instance").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["signup_mode"], "open");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["default_organization"]["slug"], "default");
    assert_eq!(body["default_organization"]["name"], "Default organization");
}

async fn security_headers_are_on_every_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/healthz", "/does-not-exist"] {
        let res = app.get(path).await;
        let headers = res.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'"),
            "{path}"
        );
    }
}
