//! A small wrk-like load generator: keep-alive HTTP/1.1 connections, each sending one GET after
//! the other for a fixed time, with the latency of every request. Raw sockets, so the client
//! costs little of the two cores it shares with the server.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Throughput and latency of one load run.
pub struct Stats {
    /// Completed requests per second.
    pub per_second: f64,
    /// Median latency, ms.
    pub p50: f64,
    /// 99th percentile latency, ms.
    pub p99: f64,
}

/// `GET path` on `connections` keep-alive connections for `length`; every answer must be 200.
pub async fn run(
    addr: SocketAddr,
    path: &str,
    token: Option<&str>,
    connections: usize,
    length: Duration,
) -> Stats {
    let auth = token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n").into_bytes();
    let deadline = Instant::now() + length;
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move { connection(addr, &request, deadline).await })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("load connection"));
    }
    let elapsed = started.elapsed();
    all.sort();
    Stats {
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
    }
}

/// Milliseconds at percentile `p` of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

async fn connection(addr: SocketAddr, request: &[u8], deadline: Instant) -> Vec<Duration> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let sent = Instant::now();
        stream.write_all(request).await.expect("send");
        read_response(&mut stream, &mut buffer).await;
        latencies.push(sent.elapsed());
    }
    latencies
}

/// Reads one whole response (Content-Length or chunked body) and checks its status is 200.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    buffer.clear();
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            break at + 4;
        }
        fill(stream, buffer).await;
    };
    let head = std::str::from_utf8(&buffer[..head_end]).expect("ASCII head");
    assert!(head.starts_with("HTTP/1.1 200"), "not 200: {head}");
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    if let Some(length) = header("content-length") {
        let total = head_end + length.parse::<usize>().expect("content-length");
        while buffer.len() < total {
            fill(stream, buffer).await;
        }
    } else {
        assert_eq!(header("transfer-encoding").as_deref(), Some("chunked"));
        while find(&buffer[head_end..], b"\r\n0\r\n\r\n").is_none()
            && !buffer[head_end..].starts_with(b"0\r\n\r\n")
        {
            fill(stream, buffer).await;
        }
    }
}

async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    let mut chunk = [0u8; 16 * 1024];
    let read = stream.read(&mut chunk).await.expect("receive");
    assert!(read > 0, "the server closed the connection");
    buffer.extend_from_slice(&chunk[..read]);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
