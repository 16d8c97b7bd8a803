//! Two `owp serve` processes on one PostgreSQL database and one Redis, behind Debian's nginx
//! running deploy/nginx/owp.conf (adapted as scripts/check-nginx.sh does: a temporary prefix, a
//! throw-away certificate, the upstreams `owp-a`/`owp-b` replaced by the replicas' loopback
//! ports, free ports instead of 80/443), with the fake Ollama behind them. It shows that a
//! session or key made on one replica works on the other and that its revocation there is
//! immediate, that streams pass nginx token by token, that killing the replica serving a stream
//! ends that stream cleanly while the other keeps serving with no row lost or doubled, and that
//! the rate limit is one allowance for both replicas. nginx, openssl, PostgreSQL and Redis must
//! be there: the test fails saying what is missing, it never skips.

// Shared with cli.rs, which uses the rest of it; this test needs only starting and killing.
#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

mod cluster;
mod nginx;
mod scenarios;

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{Value, json};

use cluster::Cluster;
use scenarios::{
    a_stream_through_nginx_arrives_token_by_token,
    killing_the_streaming_replica_ends_the_stream_and_the_other_serves_on,
    sessions_and_revocations_reach_the_other_replica,
    the_rate_limit_is_one_allowance_for_both_replicas,
};

/// The Redis the project's machines run (as in limits.rs).
const REDIS_URL: &str = "redis://127.0.0.1:6379";
/// The model every turn asks for (one of the fake's).
const MODEL: &str = "llama3.2:latest";
/// Requests a minute per user or key on each replica (and, through Redis, on both together).
const RATE_LIMIT: usize = 20;
/// How long any awaited condition may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(15);
/// Pause between two looks at a condition that is awaited.
const POLL: Duration = Duration::from_millis(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_behind_nginx_share_sessions_revocation_streams_and_limits() {
    let mut cluster = Cluster::start().await;
    let carol = cluster.user("carol@example.org").await;

    sessions_and_revocations_reach_the_other_replica(&cluster).await;
    let conversation = a_stream_through_nginx_arrives_token_by_token(&cluster, &carol).await;
    the_rate_limit_is_one_allowance_for_both_replicas(&cluster, &carol).await;
    killing_the_streaming_replica_ends_the_stream_and_the_other_serves_on(
        &mut cluster,
        &carol,
        &conversation,
    )
    .await;
}

/// Waits until `check` holds, looking every [`POLL`]; fails after [`PATIENCE`].
async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// The next piece of a streamed body as it arrived; fails when the stream neither moves nor
/// ends within [`PATIENCE`] (a hang).
async fn next_chunk(res: &mut Response) -> reqwest::Result<Option<String>> {
    let chunk = tokio::time::timeout(PATIENCE, res.chunk())
        .await
        .expect("the stream neither moved nor ended: it hangs");
    chunk.map(|piece| piece.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// The replica nginx passed a request to (the last one tried, when it tried several).
fn upstream_of(res: &Response) -> String {
    res.headers()
        .get("x-owp-upstream")
        .and_then(|v| v.to_str().ok())
        .expect("nginx names its upstream")
        .to_owned()
}

fn turn(text: &str, conversation: Option<&str>) -> Value {
    let mut body = json!({"model": MODEL, "messages": [{"role": "user", "content": text}]});
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    body
}

async fn json_of(res: Response) -> Value {
    res.json().await.expect("a JSON body")
}

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
                    data = serde_json::from_str(d).expect("JSON data");
                }
            }
            (name, data)
        })
        .collect()
}
