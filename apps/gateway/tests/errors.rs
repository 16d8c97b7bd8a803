//! Every error is RFC 9457 problem+json with the right status, including actix's own.

use owp_testkit::{Backend, Probes, TestApp, on_both_backends};
use reqwest::Response;
use serde_json::Value;

on_both_backends!(
    unknown_route_is_404_problem,
    wrong_method_is_405_with_allow,
    malformed_json_is_400,
    json_of_the_wrong_shape_is_422,
    missing_json_content_type_is_415,
    body_over_the_limit_is_413_with_known_length,
    streamed_body_over_the_limit_is_413,
    valid_json_passes_through,
);

/// The 2 MiB JSON limit plus one byte.
const OVER_LIMIT: usize = 2 * 1024 * 1024 + 1;

async fn problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:owp:problem:")
    );
    assert!(!body["title"].as_str().unwrap().is_empty());
    assert!(!body["detail"].as_str().unwrap().is_empty());
    body
}

async fn probe_app(backend: Backend) -> TestApp {
    TestApp::builder(backend)
        .routes(Probes::default().routes())
        .spawn()
        .await
}

async fn unknown_route_is_404_problem(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = problem(app.get("/api/v1/nothing-here").await, 404).await;
    assert_eq!(body["detail"], "no route for GET /api/v1/nothing-here");
}

async fn wrong_method_is_405_with_allow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()["allow"], "GET");
    let body = problem(res, 405).await;
    assert_eq!(body["detail"], "DELETE is not allowed here; use GET");
}

async fn malformed_json_is_400(backend: Backend) {
    let app = probe_app(backend).await;
    let res = app
        .client
        .post(app.url("/__probe/echo"))
        .header("content-type", "application/json")
        .body("{\"unterminated\": ")
        .send()
        .await
        .unwrap();
    let body = problem(res, 400).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{body}"
    );
}

async fn json_of_the_wrong_shape_is_422(backend: Backend) {
    let app = TestApp::builder(backend)
        .routes(std::sync::Arc::new(
            |cfg: &mut actix_web::web::ServiceConfig| {
                cfg.route(
                    "/__probe/typed",
                    actix_web::web::post().to(|body: actix_web::web::Json<Typed>| async move {
                        actix_web::HttpResponse::Ok().body(body.name.clone())
                    }),
                );
            },
        ))
        .spawn()
        .await;
    let res = app
        .client
        .post(app.url("/__probe/typed"))
        .json(&serde_json::json!({"name": 42}))
        .send()
        .await
        .unwrap();
    problem(res, 422).await;
}

#[derive(serde::Deserialize)]
struct Typed {
    name: String,
}

async fn missing_json_content_type_is_415(backend: Backend) {
    let app = probe_app(backend).await;
    let res = app
        .client
        .post(app.url("/__probe/echo"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(res, 415).await;
}

async fn body_over_the_limit_is_413_with_known_length(backend: Backend) {
    let app = probe_app(backend).await;
    let res = app
        .client
        .post(app.url("/__probe/echo"))
        .header("content-type", "application/json")
        .body(vec![b' '; OVER_LIMIT])
        .send()
        .await
        .expect("the server answers instead of dropping the connection");
    let body = problem(res, 413).await;
    assert!(body["detail"].as_str().unwrap().contains("limit"), "{body}");
}

async fn streamed_body_over_the_limit_is_413(backend: Backend) {
    let app = probe_app(backend).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..33).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let res = app
        .client
        .post(app.url("/__probe/echo"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .expect("the server answers instead of dropping the connection");
    problem(res, 413).await;
}

async fn valid_json_passes_through(backend: Backend) {
    let app = probe_app(backend).await;
    let payload = serde_json::json!({"hello": ["world", 1, true]});
    let res = app
        .client
        .post(app.url("/__probe/echo"))
        .json(&payload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), payload);
}
