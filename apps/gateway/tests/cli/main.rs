//! The `owp` binary: version, openapi, migrate, configuration refusals, signals, seed, health.
//! `owp audit verify` and `owp doctor` are in audit_and_doctor.rs.

#[path = "../support/mod.rs"]
mod support;

mod audit_and_doctor;

use std::time::{Duration, Instant};

use owp_testkit::{Backend, TestApp, TestDatabase, on_both_backends};
use support::{Owp, command};

on_both_backends!(
    migrate_is_idempotent,
    seed_prints_secrets_once_and_the_key_works,
    sigterm_stops_the_binary_gracefully,
    sigint_stops_the_binary_gracefully,
);

#[test]
fn version_is_printed() {
    let out = command(&["--version"], &[]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("owp {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn openapi_prints_the_3_1_document() {
    let out = command(&["openapi"], &[]).output().unwrap();
    assert!(out.status.success());
    let spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1."));
    assert!(spec["paths"]["/readyz"]["get"].is_object());
}

#[test]
fn prod_without_a_strong_jwt_secret_refuses_to_start_in_one_line() {
    for secret in [None, Some("too-short")] {
        let mut vars = vec![
            ("ENVIRONMENT", "prod"),
            ("DATABASE_URL", "postgres://127.0.0.1:9/x"),
        ];
        if let Some(secret) = secret {
            vars.push(("JWT_SECRET", secret));
        }
        let mut cmd = command(&["serve"], &vars);
        if secret.is_none() {
            cmd.env_remove("JWT_SECRET");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{secret:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("JWT_SECRET"), "{stderr}");
    }
}

#[test]
fn bad_configuration_names_every_mistake() {
    let out = command(
        &["serve"],
        &[("PORT", "http"), ("SIGNUP_MODE", "sometimes")],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("PORT") && stderr.contains("SIGNUP_MODE"),
        "{stderr}"
    );
}

#[test]
fn migrate_reports_an_unreachable_database() {
    let out = command(
        &["migrate"],
        &[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:9/none"),
            ("DB_POOL_TIMEOUT_MS", "300"),
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("migration failed: database unavailable"),
        "{stderr}"
    );
}

/// Runs `owp` without blocking the runtime that serves the test app.
async fn output(cmd: std::process::Command) -> std::process::Output {
    tokio::process::Command::from(cmd).output().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_exits_0_for_a_healthy_server_by_url_and_by_port() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = app.url("/healthz");
    let out = output(command(&["health", "--url", &url], &[])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("healthy: {url}")
    );

    let port = reqwest::Url::parse(&url)
        .unwrap()
        .port()
        .unwrap()
        .to_string();
    let out = output(command(&["health"], &[("PORT", &port)])).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("healthy: http://127.0.0.1:{port}/healthz")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_exits_1_with_one_line_for_a_closed_port_or_another_answer() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port().to_string()
    };
    let out = output(command(&["health", "--timeout", "2"], &[("PORT", &port)])).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "owp: unhealthy: cannot reach http://127.0.0.1:{port}/healthz"
        )),
        "{stderr}"
    );

    let app = TestApp::spawn(Backend::Sqlite).await;
    let out = output(command(
        &["health", "--url", &app.url("/api/v1/auth/me")],
        &[],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("answered 401 Unauthorized"), "{stderr}");
    assert!(out.stdout.is_empty());
}

async fn migrate_is_idempotent(backend: Backend) {
    let db = TestDatabase::create_empty(backend);
    let first = command(&["migrate"], &[("DATABASE_URL", db.url())])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = String::from_utf8(first.stdout).unwrap();
    let applied: usize = first
        .strip_prefix("applied ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output {first}"));
    assert!(applied > 0, "{first}");
    let second = command(&["migrate"], &[("DATABASE_URL", db.url())])
        .output()
        .unwrap();
    assert!(second.status.success());
    let second = String::from_utf8(second.stdout).unwrap();
    assert!(second.starts_with("applied 0 migration(s)"), "{second}");
}

async fn stops_on(backend: Backend, signal: &str) {
    let db = TestDatabase::create(backend);
    let started = Instant::now();
    let mut owp = Owp::serve(&[("DATABASE_URL", db.url())]).await;
    let health = reqwest::get(owp.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    eprintln!("{backend:?}: healthy {:?} after spawn", started.elapsed());

    owp.signal(signal);
    let status = owp.wait(Duration::from_secs(20)).await;
    assert!(status.success(), "exit status {status:?}");
    assert!(owp.stderr().contains("shutting down"), "{}", owp.stderr());
}

async fn sigterm_stops_the_binary_gracefully(backend: Backend) {
    stops_on(backend, "TERM").await;
}

async fn sigint_stops_the_binary_gracefully(backend: Backend) {
    stops_on(backend, "INT").await;
}

async fn seed_prints_secrets_once_and_the_key_works(backend: Backend) {
    let db = TestDatabase::create(backend);
    let first = command(&["seed"], &[("DATABASE_URL", db.url())])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = String::from_utf8(first.stdout).unwrap();
    let value = |name: &str| {
        first
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} missing from {first}"))
            .to_owned()
    };
    assert_eq!(value("BOOTSTRAP_ADMIN_EMAIL"), "admin@example.com");
    assert_eq!(value("BOOTSTRAP_ADMIN_PASSWORD"), "admin", "local default");
    let key = value("BOOTSTRAP_ADMIN_API_KEY");

    let again = command(&["seed"], &[("DATABASE_URL", db.url())])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(
        String::from_utf8(again.stdout).unwrap(),
        "",
        "no new secret on a second run"
    );

    let forced = command(
        &["seed"],
        &[
            ("DATABASE_URL", db.url()),
            ("ADMIN_BOOTSTRAP_PASSWORD", "a-forced-password"),
            ("ADMIN_BOOTSTRAP_PASSWORD_FORCE", "yes"),
        ],
    )
    .output()
    .unwrap();
    let forced = String::from_utf8(forced.stdout).unwrap();
    assert!(
        forced.contains("BOOTSTRAP_ADMIN_PASSWORD=a-forced-password"),
        "{forced}"
    );
    assert!(!forced.contains("BOOTSTRAP_ADMIN_API_KEY"), "{forced}");

    let owp = Owp::serve(&[("DATABASE_URL", db.url())]).await;
    assert!(owp.bootstrap_lines.is_empty(), "{:?}", owp.bootstrap_lines);
    let me = reqwest::Client::new()
        .get(owp.url("/api/v1/auth/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let login = reqwest::Client::new()
        .post(owp.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@example.com", "password": "a-forced-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_jwt_secret_is_kept_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut owp = Owp::serve_in(dir.path(), &[]).await;
    assert!(
        owp.bootstrap_lines
            .iter()
            .any(|l| l.starts_with("BOOTSTRAP_ADMIN_API_KEY=owp_"))
    );
    let secret = dir.path().join("data").join("jwt_secret");
    let meta = std::fs::metadata(&secret).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600
    );
    assert_eq!(std::fs::read_to_string(&secret).unwrap().len(), 64);
    assert!(dir.path().join("data").join("owp.db").exists());
    owp.signal("TERM");
    let status = owp.wait(Duration::from_secs(20)).await;
    assert!(status.success(), "{status:?}: {}", owp.stderr());
}
