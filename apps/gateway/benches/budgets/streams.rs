//! Streamed chat and embeddings through the gateway against the same fake Ollama called
//! directly, one after the other and many at once.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::load::percentile;

const MODEL: &str = "llama3.2:latest";
const EMBEDDING_MODEL: &str = "all-minilm:latest";
/// Requests in a row for the one-at-a-time figures (after 10 unmeasured).
const SEQUENTIAL: usize = 200;

/// First-byte and total latencies (sorted) of requests made one at a time.
pub struct Sequential {
    /// Time to the first body byte.
    pub first: Vec<Duration>,
    /// Time to the end of the body.
    pub total: Vec<Duration>,
}

/// Results of many streams held at once.
pub struct Concurrent {
    /// First-token times of the completed streams, sorted.
    pub first: Vec<Duration>,
    /// Streams that failed.
    pub failed: usize,
    /// Wall time until every stream ended.
    pub wall: Duration,
}

/// A streamed chat request body (Ollama's and OpenAI's shapes agree on these fields).
pub fn chat_body() -> Value {
    json!({"model": MODEL, "messages": [{"role": "user", "content": "stream please"}], "stream": true})
}

/// An embeddings request body of Ollama's `/api/embed`.
pub fn embed_body() -> Value {
    json!({"model": EMBEDDING_MODEL, "input": ["a sentence about llamas and their wool"]})
}

/// Sends one POST and reads the body to its end: (time to first body byte, total time).
pub async fn one(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> Result<(Duration, Duration), String> {
    let started = Instant::now();
    let mut request = client.post(url).json(body);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let mut res = request.send().await.map_err(|e| e.to_string())?;
    if !res.status().is_success() {
        return Err(format!("{url}: {}", res.status()));
    }
    let mut first = None;
    while let Some(chunk) = res.chunk().await.map_err(|e| e.to_string())? {
        if first.is_none() && !chunk.is_empty() {
            first = Some(started.elapsed());
        }
    }
    Ok((first.unwrap_or_default(), started.elapsed()))
}

/// [`SEQUENTIAL`] requests one after the other.
pub async fn sequential(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> Sequential {
    for _ in 0..10 {
        one(client, url, key, body).await.expect("warm-up request");
    }
    let (mut first, mut total) = (Vec::new(), Vec::new());
    for _ in 0..SEQUENTIAL {
        let (f, t) = one(client, url, key, body).await.expect("request");
        first.push(f);
        total.push(t);
    }
    first.sort();
    total.sort();
    Sequential { first, total }
}

/// Opens `streams` streamed chats at once and waits for all of them.
pub async fn concurrent(
    client: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    streams: usize,
) -> Concurrent {
    let started = Instant::now();
    let tasks: Vec<_> = (0..streams)
        .map(|_| {
            let (client, url, key) = (client.clone(), url.to_owned(), key.map(str::to_owned));
            tokio::spawn(async move { one(&client, &url, key.as_deref(), &chat_body()).await })
        })
        .collect();
    let (mut first, mut failed) = (Vec::new(), 0);
    for task in tasks {
        match task.await {
            Ok(Ok((f, _))) => first.push(f),
            _ => failed += 1,
        }
    }
    first.sort();
    Concurrent {
        first,
        failed,
        wall: started.elapsed(),
    }
}

impl Concurrent {
    /// Median first-token time, ms.
    pub fn p50(&self) -> f64 {
        percentile(&self.first, 0.5)
    }

    /// 99th percentile first-token time, ms.
    pub fn p99(&self) -> f64 {
        percentile(&self.first, 0.99)
    }
}

impl Sequential {
    /// Median time to the first byte, ms.
    pub fn first_p50(&self) -> f64 {
        percentile(&self.first, 0.5)
    }

    /// Median time to the end, ms.
    pub fn total_p50(&self) -> f64 {
        percentile(&self.total, 0.5)
    }
}
