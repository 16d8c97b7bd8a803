//! Graceful shutdown lets in-flight requests finish (signals are tested on the binary in cli.rs).

use owp_testkit::{Backend, Probes, TestApp, on_both_backends};

on_both_backends!(graceful_stop_finishes_in_flight_requests);

async fn graceful_stop_finishes_in_flight_requests(backend: Backend) {
    let probes = Probes::default();
    let app = TestApp::builder(backend)
        .routes(probes.routes())
        .spawn()
        .await;
    let request = app.client.get(app.url("/__probe/hold")).send();
    let in_flight = tokio::spawn(request);
    probes.held().await;

    let stopping = tokio::spawn(app.handle().stop(true));
    probes.release();
    let res = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "released");
    stopping.await.unwrap();
    assert!(
        app.client.get(app.url("/healthz")).send().await.is_err(),
        "stopped servers refuse"
    );
}
