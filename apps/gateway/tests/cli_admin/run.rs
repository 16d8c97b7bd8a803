//! Running `owp` on a test database and reading what it printed.

use std::process::Stdio;

use owp_testkit::TestApp;
use serde_json::{Value, json};

/// The `JWT_SECRET` of every [`TestApp`]: the CLI chains its audit events with the same key.
pub(crate) const APP_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// What one `owp` run did.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// The value of a `NAME=value` line.
    pub(crate) fn value(&self, name: &str) -> String {
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name}= in {}", self.stdout))
            .to_owned()
    }

    /// Panics with the output unless the run exited 0.
    pub(crate) fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `owp args` on the database at `url` with the app's secret, feeding `stdin`.
pub(crate) async fn owp(url: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_owp"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("JWT_SECRET", APP_JWT_SECRET)
        .env("OLLAMA_BASE_URL", "http://127.0.0.1:9")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        tokio::io::AsyncWriteExt::write_all(&mut input, text.as_bytes())
            .await
            .unwrap();
    }
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The status of signing in over HTTP.
pub(crate) async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The `owp user list` line of `email`, split at tabs.
pub(crate) async fn listed(url: &str, email: &str, filter: &[&str]) -> Option<Vec<String>> {
    let mut args = vec!["user", "list"];
    args.extend_from_slice(filter);
    let run = owp(url, &args, None).await.ok();
    run.stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .find(|fields| fields[0] == email)
}

/// Every exported event as JSON, from `owp audit export --format jsonl`.
pub(crate) async fn exported(url: &str) -> Vec<Value> {
    let run = owp(url, &["audit", "export", "--format", "jsonl"], None)
        .await
        .ok();
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `owp audit verify` says the chain is intact.
pub(crate) async fn assert_chain_intact(url: &str) {
    let run = owp(url, &["audit", "verify"], None).await.ok();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["intact"], true, "{report}");
}

/// Runs `owp args` expecting exit `code` and one line on stderr containing `says`.
pub(crate) async fn refused(url: &str, args: &[&str], stdin: Option<&str>, code: i32, says: &str) {
    let run = owp(url, args, stdin).await;
    assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
    assert_eq!(
        run.stderr.trim_end().lines().count(),
        1,
        "{args:?}: {}",
        run.stderr
    );
    assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
}
