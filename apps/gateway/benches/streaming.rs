//! `make bench` (streaming): time to first token and total time of a streamed chat through the
//! real `owp` binary — SPA, OpenAI-compatible and Ollama-compatible routes — against the same
//! fake Ollama called directly, in the same run; then many concurrent streams held at once, with
//! the server's resident memory. Prints figures; asserts nothing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use owp_ollama_client::fake::FakeOllama;
use serde_json::{Value, json};

const MODEL: &str = "llama3.2:latest";
const SEQUENTIAL: usize = 200;
const CONCURRENT: [usize; 2] = [500, 1000];
const STREAM_TOKENS: usize = 50;
const TOKEN_DELAY: Duration = Duration::from_millis(100);

struct Server {
    child: Child,
    url: String,
    key: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `owp serve` (release build) on SQLite in a temporary folder, talking to `ollama`.
fn serve(ollama: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_owp"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/owp.db", dir.path().display()),
        )
        .env("OLLAMA_BASE_URL", ollama)
        .env("JWT_SECRET", "bench-secret-bench-secret-bench-secret-0")
        .env("RATE_LIMIT_PER_MINUTE", "1000000")
        .env("RUST_LOG", "warn")
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("owp starts");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let (mut url, mut key) = (String::new(), String::new());
    while url.is_empty() {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "owp exited");
        if let Some(k) = line.trim().strip_prefix("BOOTSTRAP_ADMIN_API_KEY=") {
            key = k.to_owned();
        }
        if line.starts_with("owp serving ") {
            url = line
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .unwrap()
                .to_owned();
        }
    }
    Server {
        child,
        url,
        key,
        _dir: dir,
    }
}

/// Resident and peak resident memory of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Sends one streamed request and returns (time to first body byte, total time).
async fn one_stream(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> (Duration, Duration) {
    let started = Instant::now();
    let mut request = client.post(url).json(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let mut res = request.send().await.unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let mut first = None;
    while let Some(chunk) = res.chunk().await.unwrap() {
        if first.is_none() && !chunk.is_empty() {
            first = Some(started.elapsed());
        }
    }
    (first.unwrap_or_default(), started.elapsed())
}

fn chat_body() -> Value {
    json!({"model": MODEL, "messages": [{"role": "user", "content": "stream please"}], "stream": true})
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

async fn sequential(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
) -> (Vec<Duration>, Vec<Duration>) {
    let body = chat_body();
    for _ in 0..10 {
        one_stream(client, url, key, &body).await;
    }
    let (mut firsts, mut totals) = (Vec::new(), Vec::new());
    for _ in 0..SEQUENTIAL {
        let (first, total) = one_stream(client, url, key, &body).await;
        firsts.push(first);
        totals.push(total);
    }
    firsts.sort();
    totals.sort();
    (firsts, totals)
}

/// Opens `streams` streams at once against `url` and reports their first-token times, and the
/// gateway's memory when `server` is given.
async fn concurrent(
    client: &reqwest::Client,
    label: &str,
    url: &str,
    server: Option<&Server>,
    streams: usize,
) {
    let key = server.map(|s| s.key.clone());
    let started = Instant::now();
    let tasks: Vec<_> = (0..streams)
        .map(|_| {
            let (client, url, key) = (client.clone(), url.to_owned(), key.clone());
            tokio::spawn(
                async move { one_stream(&client, &url, key.as_deref(), &chat_body()).await },
            )
        })
        .collect();
    let mut firsts = Vec::new();
    let mut failed = 0;
    for task in tasks {
        match task.await {
            Ok((first, _)) => firsts.push(first),
            Err(_) => failed += 1,
        }
    }
    firsts.sort();
    let memory = server.map_or_else(String::new, |server| {
        let (rss, peak) = memory(server.child.id());
        format!("; owp RSS now {rss:.1} MiB, peak {peak:.1} MiB")
    });
    println!(
        "  {streams:>4} concurrent, {label:<22} {} completed, {failed} failed in {:.1} s; first token p50 {:.1} ms p99 {:.1} ms{memory}",
        firsts.len(),
        started.elapsed().as_secs_f64(),
        pct(&firsts, 0.5),
        pct(&firsts, 0.99),
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let ollama = FakeOllama::start().await.unwrap();
        ollama.set_tokens_per_reply(20);
        let server = serve(&ollama.url());
        let (idle, _) = memory(server.child.id());
        println!("owp idle RSS {idle:.1} MiB (SQLite, release)");
        let client = reqwest::Client::builder().pool_max_idle_per_host(2048).build().unwrap();
        println!("streamed chat of 20 tokens, {SEQUENTIAL} in a row (ms): first byte p50 / p99, total p50 / p99, gateway overhead at p50");
        let direct = sequential(&client, &format!("{}/api/chat", ollama.url()), None).await;
        let routes = [
            ("direct to Ollama", direct.clone()),
            ("/ollama/api/chat", sequential(&client, &format!("{}/ollama/api/chat", server.url), Some(&server.key)).await),
            ("/v1/chat/completions", sequential(&client, &format!("{}/v1/chat/completions", server.url), Some(&server.key)).await),
            ("/api/v1/chat (stored)", sequential(&client, &format!("{}/api/v1/chat", server.url), Some(&server.key)).await),
        ];
        for (label, (firsts, totals)) in &routes {
            println!(
                "  {label:<24} {:>6.2} / {:>6.2}   {:>6.2} / {:>6.2}   +{:.2}",
                pct(firsts, 0.5),
                pct(firsts, 0.99),
                pct(totals, 0.5),
                pct(totals, 0.99),
                pct(firsts, 0.5) - pct(&direct.0, 0.5),
            );
        }
        ollama.set_tokens_per_reply(STREAM_TOKENS);
        ollama.set_token_delay(TOKEN_DELAY);
        let gateway = format!("{}/v1/chat/completions", server.url);
        let direct = format!("{}/api/chat", ollama.url());
        let single = one_stream(&client, &gateway, Some(&server.key), &chat_body()).await;
        println!(
            "streams of {STREAM_TOKENS} tokens at {} ms each; one alone through the gateway: first token {:.1} ms",
            TOKEN_DELAY.as_millis(),
            single.0.as_secs_f64() * 1000.0
        );
        for streams in CONCURRENT {
            concurrent(&client, "direct to Ollama:", &direct, None, streams).await;
            concurrent(&client, "/v1/chat/completions:", &gateway, Some(&server), streams).await;
        }
    });
}
