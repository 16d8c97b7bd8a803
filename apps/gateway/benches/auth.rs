//! `make bench`: sign-in latency and authenticated read throughput with a JWT and with an API
//! key, side by side, on SQLite and PostgreSQL, for two list reads of 20 items: users (an admin
//! route) and prompts (workshop content under the visibility rule). Prints figures; asserts
//! nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use owp_testkit::{ADMIN_PASSWORD, Backend, TestApp};
use reqwest::Method;
use serde_json::json;

/// The reads measured, each returning 20 items (seeded by [`bench`]).
const READ_PATHS: [&str; 2] = ["/api/v1/users?limit=20", "/api/v1/prompts"];
/// The read measured during a burst of sign-ins.
const BURST_PATH: &str = READ_PATHS[0];
const CONCURRENCY: usize = 32;
const REQUESTS: usize = 3200;
const SIGN_INS: usize = 20;

struct Stats {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

async fn load(app: &Arc<TestApp>, token: &str, path: &'static str) -> Stats {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let app = app.clone();
            let token = token.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(REQUESTS / CONCURRENCY);
                for _ in 0..REQUESTS / CONCURRENCY {
                    let sent = Instant::now();
                    let res = app.get_as(&token, path).await;
                    assert_eq!(res.status(), 200);
                    res.bytes().await.unwrap();
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::with_capacity(REQUESTS);
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    Stats {
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
    }
}

async fn bench(backend: Backend) {
    let app = Arc::new(
        TestApp::builder(backend)
            .workers(2)
            .env("LOG_FORMAT", "json")
            .spawn()
            .await,
    );
    let admin = app.admin_token().await;
    for i in 0..20 {
        let body = json!({"email": format!("bench{i}@example.org")});
        assert_eq!(
            app.send_as(&admin, Method::POST, "/api/v1/users", Some(body))
                .await
                .status(),
            201
        );
    }
    for i in 0..20 {
        let body = json!({
            "name": format!("Bench prompt {i}"),
            "command": format!("bench-{i}"),
            "content": "Explain {{topic}} on {{CURRENT_DATE}}.",
            "variables": [{"name": "topic", "type": "text", "required": true}],
            "tags": ["bench"],
            "visibility": "org"
        });
        assert_eq!(
            app.send_as(&admin, Method::POST, "/api/v1/prompts", Some(body))
                .await
                .status(),
            201
        );
    }
    let prompts: serde_json::Value = app
        .get_as(&admin, READ_PATHS[1])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(prompts["items"].as_array().map(Vec::len), Some(20));

    let mut sign_ins = Vec::with_capacity(SIGN_INS);
    for _ in 0..SIGN_INS {
        let started = Instant::now();
        app.login("admin@example.com", ADMIN_PASSWORD).await;
        sign_ins.push(started.elapsed());
    }
    sign_ins.sort();

    println!(
        "{backend:?}: sign-in p50 {:.1} ms p99 {:.1} ms",
        ms(percentile(&sign_ins, 0.5)),
        ms(percentile(&sign_ins, 0.99))
    );
    let key = app.admin_api_key();
    for path in READ_PATHS {
        side_by_side(&app, backend, &admin, &key, path).await;
    }

    // The same reads while a burst of sign-ins (argon2 each) runs beside them, as many at once
    // as the sign-in throttle lets one account have in flight (more are refused with 429
    // before any password is checked, which would not load the server).
    let burst: Vec<_> = (0..BURST_PARALLEL)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                for _ in 0..BURST_SIGN_INS / BURST_PARALLEL {
                    app.login("admin@example.com", ADMIN_PASSWORD).await;
                }
            })
        })
        .collect();
    let during = load(&app, &key, BURST_PATH).await;
    let burst_started = Instant::now();
    for sign_in in burst {
        sign_in.await.unwrap();
    }
    println!(
        "  GET {BURST_PATH}, API key, during a burst of {BURST_SIGN_INS} sign-ins ({BURST_PARALLEL} at a time): {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms (burst done {:.0} ms after the reads)",
        during.per_second,
        ms(during.p50),
        ms(during.p99),
        ms(burst_started.elapsed())
    );
}

/// Measures `path` with the JWT and with the API key, each twice in alternating order after a
/// warm-up of both, and prints the averages side by side.
async fn side_by_side(
    app: &Arc<TestApp>,
    backend: Backend,
    jwt_token: &str,
    key: &str,
    path: &'static str,
) {
    load(app, jwt_token, path).await;
    load(app, key, path).await;
    let api_key_first = load(app, key, path).await;
    let jwt_first = load(app, jwt_token, path).await;
    let jwt_second = load(app, jwt_token, path).await;
    let api_key_second = load(app, key, path).await;
    let (jwt, api_key) = (
        average(&jwt_first, &jwt_second),
        average(&api_key_first, &api_key_second),
    );
    println!(
        "{backend:?}: GET {path} x{REQUESTS} at {CONCURRENCY} connections, each side measured twice"
    );
    for (label, stats) in [("JWT", &jwt), ("API key", &api_key)] {
        println!(
            "  {label:<8} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            stats.per_second,
            ms(stats.p50),
            ms(stats.p99)
        );
    }
    println!(
        "  API key / JWT: p50 x{:.2}, p99 x{:.2}, throughput x{:.2}",
        api_key.p50.as_secs_f64() / jwt.p50.as_secs_f64(),
        api_key.p99.as_secs_f64() / jwt.p99.as_secs_f64(),
        jwt.per_second / api_key.per_second
    );
}

/// Concurrent sign-ins started beside the reads of the burst measurement.
const BURST_SIGN_INS: usize = 100;
/// Sign-ins of the burst in flight at once: the per-account allowance of the sign-in throttle.
const BURST_PARALLEL: usize = 5;

/// Both orders are measured (key then JWT, JWT then key) so neither side profits from running
/// second on a warmer process; this averages the two.
fn average(a: &Stats, b: &Stats) -> Stats {
    Stats {
        per_second: (a.per_second + b.per_second) / 2.0,
        p50: (a.p50 + b.p50) / 2,
        p99: (a.p99 + b.p99) / 2,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        bench(Backend::Sqlite).await;
        bench(Backend::Postgres).await;
    });
}
