//! The browser app at `/`: client routes fall back to its page, API paths stay problem+json.
//! Whether or not the app was built in (feature `spa` with `web/dist`), `/` answers HTML.

use owp_testkit::{Backend, TestApp, on_both_backends};
use serde_json::Value;

on_both_backends!(
    root_answers_html_and_client_routes_fall_back,
    api_paths_keep_problem_json,
    missing_build_assets_are_404,
);

async fn html(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(
        res.headers()["content-type"],
        "text/html; charset=utf-8",
        "{path}"
    );
    assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
    res.text().await.unwrap()
}

async fn root_answers_html_and_client_routes_fall_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = html(&app, "/").await;
    assert!(root.to_lowercase().starts_with("<!doctype html>"));
    for route in ["/some/client/route", "/admin/users", "/chat"] {
        assert_eq!(html(&app, route).await, root, "{route}");
    }
}

async fn api_paths_keep_problem_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/api/v1/nope", "/healthz/deeper", "/metrics/x"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(
            res.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["detail"], format!("no route for GET {path}"));
    }
    // The OpenAI- and Ollama-compatible routes keep their own JSON error shapes, never the app's page.
    for path in ["/v1/nope", "/ollama/nope"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(res.headers()["content-type"], "application/json", "{path}");
    }
    // A wrong method on a known path is still 405, and other methods never get the app.
    let res = app
        .client
        .post(app.url("/admin/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 405);
}

async fn missing_build_assets_are_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/assets/not-there-0000.js").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}
