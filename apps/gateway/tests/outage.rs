//! A database that is down at boot, or goes down later: the server keeps serving `/healthz`,
//! says why in `/readyz`, answers API routes with 503, and recovers by itself.

use owp_testkit::{Backend, Outage, TestApp, on_both_backends};
use serde_json::Value;

on_both_backends!(database_down_at_boot_then_back);

async fn assert_unavailable(app: &TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(
        health.status(),
        200,
        "liveness does not depend on the database"
    );

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"]["reachable"], false);
    assert!(
        !body["database"]["error"].as_str().unwrap().is_empty(),
        "{body}"
    );

    let api = app.get("/api/v1/instance").await;
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    assert!(api.headers().contains_key("retry-after"));
    let problem: Value = api.json().await.unwrap();
    assert_eq!(
        problem["detail"],
        "the database is unavailable; try again shortly"
    );
}

async fn assert_recovered(app: &TestApp) {
    let ready = app.get("/readyz").await;
    let status = ready.status();
    let body: Value = ready.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["database"]["pending_migrations"], 0);
    assert_eq!(app.get("/api/v1/instance").await.status(), 200);
}

async fn database_down_at_boot_then_back(backend: Backend) {
    let outage = Outage::start_down(backend).await;
    let app = TestApp::builder(backend)
        .database_url(outage.url())
        .spawn()
        .await;
    assert_unavailable(&app).await;

    outage.restore();
    assert_recovered(&app).await;
}

/// SQLite has no server to lose once its file is open, so a later outage is a PostgreSQL case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_lost_while_serving_then_back() {
    let outage = Outage::start_up_postgres().await;
    let app = TestApp::builder(Backend::Postgres)
        .database_url(outage.url())
        .spawn()
        .await;
    assert_eq!(app.get("/api/v1/instance").await.status(), 200);

    outage.interrupt();
    assert_unavailable(&app).await;

    outage.restore();
    assert_recovered(&app).await;
}
