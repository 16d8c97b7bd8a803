//! Runs the real `owp` binary for tests of its process behaviour (signals, exit codes).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An `owp` process.
pub struct Owp {
    child: Child,
    address: String,
    /// Its stderr so far, read line by line as it is written.
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    /// `BOOTSTRAP_*` lines printed before the serving line.
    pub bootstrap_lines: Vec<String>,
}

/// The `JWT_SECRET` every [`command`] gets (the audit key is derived from it).
pub const JWT_SECRET: &str = "binary-test-secret-binary-test-secret-01";

/// `owp` with a clean environment plus `vars` (a JWT secret is set, so nothing is written to
/// the working folder).
pub fn command(args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_owp"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OLLAMA_BASE_URL", "http://127.0.0.1:9")
        .env("JWT_SECRET", JWT_SECRET)
        .current_dir(std::env::temp_dir());
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd
}

impl Owp {
    /// Starts `owp serve` on a random port and waits for its "serving" line.
    pub async fn serve(vars: &[(&str, &str)]) -> Self {
        let mut all = vec![("PORT", "0")];
        all.extend_from_slice(vars);
        Self::spawn(command(&["serve"], &all)).await
    }

    /// Starts `owp serve` with no database or secret settings in `dir`, like `make run`.
    pub async fn serve_in(dir: &std::path::Path, vars: &[(&str, &str)]) -> Self {
        let mut cmd = command(&["serve"], vars);
        cmd.env_remove("JWT_SECRET")
            .env("PORT", "0")
            .current_dir(dir);
        Self::spawn(cmd).await
    }

    async fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("owp starts");
        let stdout = child.stdout.take().expect("stdout");
        let (address, bootstrap_lines) = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut bootstrap = Vec::new();
            loop {
                let mut line = String::new();
                let read = reader.read_line(&mut line).expect("stdout line");
                assert!(read > 0, "owp closed stdout before saying where it serves");
                if line.starts_with("owp serving ") {
                    return (line, bootstrap);
                }
                bootstrap.push(line.trim_end().to_owned());
            }
        })
        .await
        .unwrap();
        let address = address
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {address:?}"))
            .to_owned();
        let stderr = Arc::new(Mutex::new(String::new()));
        let source = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            for line in BufReader::new(source).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        Self {
            child,
            address,
            stderr,
            stderr_reader: Some(stderr_reader),
            bootstrap_lines,
        }
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Sends a signal by name (`TERM`, `INT`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the process to exit and for the rest of its stderr.
    pub async fn wait(&mut self, limit: Duration) -> ExitStatus {
        let reader = self.stderr_reader.take().expect("waited once");
        let collected = tokio::task::spawn_blocking(move || reader.join());
        tokio::time::timeout(limit, collected)
            .await
            .expect("owp exits in time")
            .unwrap()
            .unwrap();
        self.child.wait().expect("exit status")
    }

    /// Waits (up to `limit`) until a stderr line contains every one of `parts`; whether one did.
    pub async fn logged(&self, parts: &[&str], limit: Duration) -> bool {
        let found = || {
            self.stderr
                .lock()
                .unwrap()
                .lines()
                .any(|line| parts.iter().all(|part| line.contains(part)))
        };
        let deadline = tokio::time::Instant::now() + limit;
        while !found() {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Owp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
