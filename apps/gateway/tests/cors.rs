//! CORS follows `CORS_ORIGINS`.

use owp_testkit::{Backend, TestApp, on_both_backends};

on_both_backends!(allowed_origin_gets_cors_headers_others_do_not);

async fn allowed_origin_gets_cors_headers_others_do_not(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("CORS_ORIGINS", "https://workshop.example")
        .spawn()
        .await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/instance"))
        .header("origin", "https://workshop.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://workshop.example"
    );

    let simple = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://workshop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple.headers()["access-control-allow-origin"],
        "https://workshop.example"
    );

    let refused = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/instance"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
}
