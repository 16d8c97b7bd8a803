//! `make bench` (budgets): every figure of the performance budget table (DESIGN §8, issue 14) in
//! one run, on SQLite and PostgreSQL, with the real `owp` binary (release) and the fake Ollama:
//! `/healthz` req/s as the ceiling, an authenticated read against it, the model list's upstream
//! calls, memory at idle, after load and a minute later, pass-through overhead of streamed chat
//! and embeddings, and hundreds of concurrent streams against the fake called directly. Prints
//! a table with each budget; asserts nothing.

mod load;
mod server;
mod streams;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use owp_ollama_client::fake::FakeOllama;
use owp_testkit::Backend;
use serde_json::{Value, json};

use server::{Memory, Server};

/// Length of each throughput run (the wrk runs lasted 15 s).
const LOAD_LENGTH: Duration = Duration::from_secs(15);
/// Keep-alive connections of each throughput run (wrk 2 threads × 32 connections).
const CONNECTIONS: usize = 32;
/// The authenticated read measured against `/healthz`.
const READ_PATH: &str = "/api/v1/users?limit=10";
/// How long the server is left alone before memory is read again.
const SETTLE: Duration = Duration::from_secs(60);
/// How long a freshly started server is left alone before its idle memory is read: "idle" is
/// a server with nothing to do, not one still returning what its start-up used (jemalloc's
/// background thread hands freed pages back after a second, see docs/decisions.md).
const IDLE_AFTER_READY: Duration = Duration::from_secs(3);
const STREAM_TOKENS: usize = 50;
const TOKEN_DELAY: Duration = Duration::from_millis(100);

/// One printed row: figure, measured value, budget, whether it is met.
struct Row {
    figure: String,
    value: String,
    budget: &'static str,
    met: bool,
}

fn row(figure: impl Into<String>, value: String, budget: &'static str, met: bool) -> Row {
    Row {
        figure: figure.into(),
        value,
        budget,
        met,
    }
}

async fn bench(backend: Backend) -> Vec<Row> {
    let ollama = FakeOllama::start().await.expect("fake Ollama");
    ollama.set_tokens_per_reply(20);
    // Empty: the server migrates and seeds it on its first start, as on a new install.
    let database = owp_testkit::TestDatabase::create_empty(backend);
    let first = Server::start(&database, &ollama.url(), None);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2048)
        .build()
        .expect("client");
    wait_ready(&client, &first.url).await;
    tokio::time::sleep(IDLE_AFTER_READY).await;
    let idle_first = first.memory().now;
    let key = first.key.clone();
    drop(first);
    let server = Server::start(&database, &ollama.url(), Some(&key));
    wait_ready(&client, &server.url).await;
    tokio::time::sleep(IDLE_AFTER_READY).await;
    let idle = server.memory().now;
    let jwt = sign_in(&client, &server.url).await;
    let mut rows = Vec::new();

    let ceiling = load::run(server.addr, "/healthz", None, CONNECTIONS, LOAD_LENGTH).await;
    rows.push(row(
        "GET /healthz (ceiling)",
        format!(
            "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            ceiling.per_second, ceiling.p50, ceiling.p99
        ),
        "",
        true,
    ));
    for (credential, token) in [("API key", key.as_str()), ("JWT", jwt.as_str())] {
        let read = load::run(
            server.addr,
            READ_PATH,
            Some(token),
            CONNECTIONS,
            LOAD_LENGTH,
        )
        .await;
        let share = read.per_second / ceiling.per_second;
        rows.push(row(
            format!("GET {READ_PATH}, {credential}"),
            format!(
                "{:.0} req/s ({:.0} % of /healthz), p50 {:.2} ms, p99 {:.2} ms",
                read.per_second,
                share * 100.0,
                read.p50,
                read.p99
            ),
            ">= 30 % of /healthz; p99 <= 5 ms",
            share >= 0.30 && read.p99 <= 5.0,
        ));
    }
    let loaded = server.memory();
    rows.push(memory_row(
        "RSS after the read load",
        loaded,
        "< 100 MiB",
        loaded.now < 100.0,
    ));

    ollama.clear_requests();
    let models = load::run(
        server.addr,
        "/api/v1/models",
        Some(&key),
        CONNECTIONS,
        LOAD_LENGTH,
    )
    .await;
    let tags = ollama
        .requests()
        .iter()
        .filter(|r| r.path == "/api/tags")
        .count();
    let periods = LOAD_LENGTH.as_secs_f64() / 2.0;
    rows.push(row(
        "GET /api/v1/models: Ollama /api/tags calls",
        format!(
            "{tags} calls in {} s ({:.0} req/s served)",
            LOAD_LENGTH.as_secs(),
            models.per_second
        ),
        "<= 1 per 2 s cache period",
        (tags as f64) <= periods.ceil() + 1.0,
    ));
    tokio::time::sleep(SETTLE).await;
    let settled = server.memory();
    rows.push(memory_row(
        "RSS a minute after the load",
        settled,
        "back near idle",
        settled.now < idle * 1.5 + 5.0,
    ));
    rows.push(row(
        "idle RSS, first start / restart",
        format!("{idle_first:.1} / {idle:.1} MiB"),
        "< 30 MiB both",
        idle_first < 30.0 && idle < 30.0,
    ));

    rows.extend(pass_through(&client, &server, &ollama).await);
    rows.extend(concurrent_streams(&client, &server, &ollama).await);
    rows
}

async fn pass_through(client: &reqwest::Client, server: &Server, ollama: &FakeOllama) -> Vec<Row> {
    let key = Some(server.key.as_str());
    let chat = streams::chat_body();
    let direct =
        streams::sequential(client, &format!("{}/api/chat", ollama.url()), None, &chat).await;
    let proxied = streams::sequential(
        client,
        &format!("{}/ollama/api/chat", server.url),
        key,
        &chat,
    )
    .await;
    let openai = streams::sequential(
        client,
        &format!("{}/v1/chat/completions", server.url),
        key,
        &chat,
    )
    .await;
    let stored =
        streams::sequential(client, &format!("{}/api/v1/chat", server.url), key, &chat).await;
    let embed = streams::embed_body();
    let embed_direct =
        streams::sequential(client, &format!("{}/api/embed", ollama.url()), None, &embed).await;
    let embed_proxied = streams::sequential(
        client,
        &format!("{}/ollama/api/embed", server.url),
        key,
        &embed,
    )
    .await;
    let over = |s: &streams::Sequential| s.first_p50() - direct.first_p50();
    let embed_over = embed_proxied.total_p50() - embed_direct.total_p50();
    vec![
        row(
            "streamed chat /ollama/api/chat: first byte over direct",
            format!(
                "+{:.2} ms (direct {:.2} ms)",
                over(&proxied),
                direct.first_p50()
            ),
            "<= +0.5 ms",
            over(&proxied) <= 0.5,
        ),
        row(
            "  /v1/chat/completions: first byte over direct",
            format!("+{:.2} ms", over(&openai)),
            "",
            true,
        ),
        row(
            "  /api/v1/chat (stored): first byte over direct",
            format!("+{:.2} ms", over(&stored)),
            "",
            true,
        ),
        row(
            "embeddings /ollama/api/embed over direct",
            format!(
                "+{embed_over:.2} ms (direct {:.2} ms)",
                embed_direct.total_p50()
            ),
            "<= +0.5 ms",
            embed_over <= 0.5,
        ),
    ]
}

async fn concurrent_streams(
    client: &reqwest::Client,
    server: &Server,
    ollama: &FakeOllama,
) -> Vec<Row> {
    ollama.set_tokens_per_reply(STREAM_TOKENS);
    ollama.set_token_delay(TOKEN_DELAY);
    let direct_url = format!("{}/api/chat", ollama.url());
    let gateway_url = format!("{}/v1/chat/completions", server.url);
    let key = Some(server.key.as_str());
    let mut rows = Vec::new();
    for streams in [500, 1000] {
        let direct = streams::concurrent(client, &direct_url, None, streams).await;
        let sampler = MemorySampler::start(server);
        let through = streams::concurrent(client, &gateway_url, key, streams).await;
        let peak = sampler.stop().await;
        let failed = direct.failed + through.failed;
        if streams == 500 {
            let over = through.p50() - direct.p50();
            rows.push(row(
                "500 streams: first token p50 over direct",
                format!(
                    "+{over:.1} ms ({:.1} vs {:.1} ms; {failed} failed; RSS peak {peak:.1} MiB)",
                    through.p50(),
                    direct.p50()
                ),
                "<= +50 ms",
                over <= 50.0 && failed == 0,
            ));
        } else {
            rows.push(row(
                "1000 streams: first token p50 / p99",
                format!(
                    "{:.0} / {:.0} ms (direct {:.0} / {:.0} ms; {failed} failed; {:.1} s)",
                    through.p50(),
                    through.p99(),
                    direct.p50(),
                    direct.p99(),
                    through.wall.as_secs_f64()
                ),
                "p99 within 1.5x direct",
                through.p99() <= direct.p99() * 1.5 && failed == 0,
            ));
            rows.push(row(
                "1000 streams: RSS peak",
                format!("{peak:.1} MiB"),
                "< 100 MiB",
                peak < 100.0,
            ));
        }
    }
    rows
}

/// Reads the server's RSS every 20 ms while streams run; the highest reading is the peak of
/// that phase (the process's own high-water mark also counts earlier phases).
struct MemorySampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<f64>,
}

impl MemorySampler {
    fn start(server: &Server) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let read = server.reader();
        let task = tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(read().now);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak
        });
        Self { stop, task }
    }

    async fn stop(self) -> f64 {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("sampler")
    }
}

fn memory_row(figure: &str, memory: Memory, budget: &'static str, met: bool) -> Row {
    row(
        figure,
        format!("{:.1} MiB (peak so far {:.1} MiB)", memory.now, memory.peak),
        budget,
        met,
    )
}

/// Polls `/readyz` until it answers 200 (the server has migrated and seeded).
async fn wait_ready(client: &reqwest::Client, url: &str) {
    loop {
        if let Ok(res) = client.get(format!("{url}/readyz")).send().await
            && res.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Signs the bootstrap admin in with the password the benches' servers are given.
async fn sign_in(client: &reqwest::Client, url: &str) -> String {
    let res: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": server::ADMIN_EMAIL, "password": server::ADMIN_PASSWORD}))
        .send()
        .await
        .expect("sign-in")
        .json()
        .await
        .expect("sign-in answer");
    res["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

fn print(backend: Backend, rows: &[Row]) {
    println!("\n{backend:?} (owp release, fake Ollama, load generator on the same cores)");
    println!("| figure | measured | budget | met |");
    println!("|---|---|---|---|");
    for r in rows {
        let met = if r.budget.is_empty() {
            ""
        } else if r.met {
            "yes"
        } else {
            "NO"
        };
        println!("| {} | {} | {} | {met} |", r.figure, r.value, r.budget);
    }
}

/// `BENCH_BACKENDS=sqlite` (or `postgres`) measures one backend; both by default.
fn backends() -> Vec<Backend> {
    match std::env::var("BENCH_BACKENDS").as_deref() {
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for backend in backends() {
            let rows = bench(backend).await;
            print(backend, &rows);
        }
    });
}
