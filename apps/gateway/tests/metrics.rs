//! Prometheus metrics by route pattern and status, plus pool state.

use owp_testkit::{Backend, TestApp, on_both_backends};

on_both_backends!(metrics_count_requests_by_route_and_status);

async fn metrics_count_requests_by_route_and_status(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    assert_eq!(app.get("/api/v1/instance").await.status(), 200);
    assert_eq!(app.get("/api/v1/no/such/thing").await.status(), 404);

    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = res.text().await.unwrap();
    for line in [
        r#"owp_http_requests_total{method="GET",route="/healthz",status="200"} 3"#,
        r#"owp_http_requests_total{method="GET",route="/api/v1/instance",status="200"} 1"#,
        r#"owp_http_requests_total{method="GET",route="<unmatched>",status="404"} 1"#,
        r#"owp_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 3"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
    }
    assert!(text.contains("owp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"0.005\"}"));
    let open: i64 = gauge(&text, "owp_db_pool_connections");
    assert!(open >= 1, "the instance request opened a connection");
    assert!(gauge(&text, "owp_db_pool_idle_connections") <= open);
}

fn gauge(text: &str, name: &str) -> i64 {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} missing"))
        .parse()
        .unwrap()
}
