//! The real `owp` binary (release) as a separate process, on a fresh SQLite file or PostgreSQL
//! database, with its resident memory read from `/proc`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use owp_testkit::TestDatabase;

/// The bootstrap admin's email (the default) and the password the bench gives it.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// Passed as `ADMIN_BOOTSTRAP_PASSWORD`.
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// A running `owp serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:port`.
    pub url: String,
    /// The listening address, for the raw load generator.
    pub addr: SocketAddr,
    /// The bootstrap admin's API key (printed on the first start only; kept for restarts).
    pub key: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `owp serve` on `database`; `key` is the admin key of an earlier start on the same
    /// database (a restart prints none).
    pub fn start(database: &TestDatabase, ollama: &str, key: Option<&str>) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_owp"))
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(extra_env())
            .env("DATABASE_URL", database.url())
            .env("OLLAMA_BASE_URL", ollama)
            .env("JWT_SECRET", "bench-secret-bench-secret-bench-secret-0")
            .env("RATE_LIMIT_PER_MINUTE", "1000000")
            .env("ADMIN_BOOTSTRAP_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "warn")
            .env("PORT", "0")
            .current_dir(database.dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("owp starts");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let (mut url, mut printed_key) = (String::new(), None);
        while url.is_empty() {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "owp exited");
            if let Some(k) = line.trim().strip_prefix("BOOTSTRAP_ADMIN_API_KEY=") {
                printed_key = Some(k.to_owned());
            }
            if line.starts_with("owp serving ") {
                url = line
                    .split_whitespace()
                    .find(|w| w.starts_with("http://"))
                    .expect("address")
                    .to_owned();
            }
        }
        // Nothing more is read: the server prints nothing after this line (logs go to stderr).
        drop(reader);
        let addr = url
            .trim_start_matches("http://")
            .parse()
            .expect("socket address");
        let key = printed_key
            .or_else(|| key.map(str::to_owned))
            .expect("an admin API key");
        Self {
            child,
            url,
            addr,
            key,
        }
    }

    /// Resident memory now and at its peak, in MiB.
    pub fn memory(&self) -> Memory {
        memory(self.child.id())
    }

    /// A reader of this process's memory that can move into a task.
    pub fn reader(&self) -> impl Fn() -> Memory + Send + 'static {
        let pid = self.child.id();
        move || memory(pid)
    }
}

/// `BENCH_SERVER_ENV` (`NAME=value` pairs separated by spaces), passed to the server: how
/// allocator settings were compared without rebuilding (e.g. `MALLOC_ARENA_MAX=2` or
/// `LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2`).
fn extra_env() -> Vec<(String, String)> {
    std::env::var("BENCH_SERVER_ENV")
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Resident set size of a process, in MiB.
#[derive(Clone, Copy)]
pub struct Memory {
    /// `VmRSS`.
    pub now: f64,
    /// `VmHWM`, the high-water mark.
    pub peak: f64,
}

fn memory(pid: u32) -> Memory {
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
    Memory {
        now: field("VmRSS:"),
        peak: field("VmHWM:"),
    }
}
