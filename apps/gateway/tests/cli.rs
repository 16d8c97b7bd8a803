//! The `owp` binary: version, openapi, migrate, configuration refusals, signals.

mod support;

use std::time::{Duration, Instant};

use owp_testkit::{Backend, TestApp, TestDatabase, on_both_backends, tamper};
use support::{JWT_SECRET, Owp, command};

on_both_backends!(
    migrate_is_idempotent,
    seed_prints_secrets_once_and_the_key_works,
    sigterm_stops_the_binary_gracefully,
    sigint_stops_the_binary_gracefully,
    audit_verify_checks_the_chain_against_the_logged_head,
    doctor_says_what_is_wrong_one_line_each,
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

/// The `owp::audit` head line with `reason` from JSON logs.
fn logged_head(stderr: &str, reason: &str) -> Option<(i64, String)> {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["target"] == "owp::audit" && l["fields"]["reason"] == reason)
        .map(|l| {
            let fields = &l["fields"];
            (
                fields["seq"].as_i64().unwrap(),
                fields["hash"].as_str().unwrap().to_owned(),
            )
        })
        .next_back()
}

/// Records `n` events as a server with the test JWT secret would; returns the head's position
/// before them.
async fn record_events(pool: &owp_db::Database, n: usize) -> i64 {
    use owp_audit::{AuditContext, ChainKey, EventType, NewAuditEvent};
    pool.run(move |conn| {
        let before = owp_audit::stored_head(conn)?.seq;
        let ctx = AuditContext::system(ChainKey::derive(JWT_SECRET.as_bytes()));
        for _ in 0..n {
            let event = NewAuditEvent::new(EventType::Logout);
            owp_audit::record(conn, &ctx, &event, owp_db::time::now())?;
        }
        Ok::<_, owp_db::StoreError>(before)
    })
    .await
    .unwrap()
}

/// `owp audit verify` with `args`: exit code and the JSON report (`Null` when none).
fn audit_verify(url: &str, args: &[&str], vars: &[(&str, &str)]) -> (i32, serde_json::Value) {
    let mut all = vec![("DATABASE_URL", url)];
    all.extend_from_slice(vars);
    let mut argv = vec!["audit", "verify"];
    argv.extend_from_slice(args);
    let out = command(&argv, &all).output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    let code = out.status.code().unwrap();
    if report.is_null() {
        assert_ne!(code, 0, "{}", String::from_utf8_lossy(&out.stderr));
    }
    (code, report)
}

async fn audit_verify_checks_the_chain_against_the_logged_head(backend: Backend) {
    let db = TestDatabase::create_empty(backend);
    let (code, _) = audit_verify(db.url(), &[], &[]);
    assert_eq!(code, 3, "an unmigrated database cannot be checked");

    let mut owp = Owp::serve(&[("DATABASE_URL", db.url()), ("LOG_FORMAT", "json")]).await;
    let pool = db.migrated().await;
    let watching = ["audit chain head", "\"reason\":\"start\""];
    assert!(
        owp.logged(&watching, Duration::from_secs(20)).await,
        "the server logs the head it starts from: {}",
        owp.stderr()
    );
    let bootstrap = record_events(&pool, 100).await;
    let crossed = ["audit chain head", "\"reason\":\"interval\""];
    assert!(
        owp.logged(&crossed, Duration::from_secs(20)).await,
        "the server logs the head at event 100: {}",
        owp.stderr()
    );
    owp.signal("TERM");
    assert!(owp.wait(Duration::from_secs(20)).await.success());
    let interval = logged_head(&owp.stderr(), "interval")
        .unwrap_or_else(|| panic!("no head logged after 100 events in {}", owp.stderr()));
    let at_100 = pool
        .run(|conn| owp_audit::heads_at(conn, &[100]))
        .await
        .unwrap();
    assert_eq!(interval, (100, at_100[0].hash.clone()));
    let (seq, hash) = logged_head(&owp.stderr(), "shutdown")
        .unwrap_or_else(|| panic!("no shutdown head in {}", owp.stderr()));
    assert_eq!(seq, bootstrap + 100);
    let logged = format!("{seq}:{hash}");

    let (code, report) = audit_verify(db.url(), &[], &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["intact"], true);
    assert_eq!(
        report["head"],
        serde_json::json!({"seq": seq, "hash": hash})
    );
    let (code, report) = audit_verify(db.url(), &["--expect-head", &logged], &[]);
    assert_eq!((code, &report["intact"]), (0, &serde_json::json!(true)));
    let (code, _) = audit_verify(db.url(), &["--expect-head", "1:nope"], &[]);
    assert_eq!(code, 2, "a malformed head is a usage error");
    let (code, report) = audit_verify(db.url(), &[], &[("AUDIT_SECRET", "another secret")]);
    assert_eq!(code, 1, "{report}");
    let reason = report["first_broken"]["reason"].as_str().unwrap();
    assert!(reason.contains("different secret"), "{reason}");

    let kept = seq - 1;
    tamper(
        &pool,
        format!(
            "DELETE FROM audit_events WHERE seq > {kept}; \
             UPDATE audit_chain SET last_seq = {kept}, \
             last_hash = (SELECT hash FROM audit_events WHERE seq = {kept})"
        ),
    )
    .await;
    let (code, report) = audit_verify(db.url(), &[], &[]);
    assert_eq!(
        code, 0,
        "without the logged head the cut is invisible: {report}"
    );
    let (code, report) = audit_verify(db.url(), &["--expect-head", &logged], &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["intact"], false);
    assert_eq!(report["head"]["seq"], kept);
    let reason = report["first_broken"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("truncated below {seq}")),
        "{reason}"
    );
}

/// Runs `owp doctor` with `vars`; its exit code and its lines.
async fn doctor(vars: &[(&str, &str)]) -> (Option<i32>, Vec<String>) {
    let out = tokio::process::Command::from(command(&["doctor"], vars))
        .output()
        .await
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (out.status.code(), lines)
}

/// The line of check `name`.
fn line<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no {name} line in {lines:?}"))
}

async fn doctor_says_what_is_wrong_one_line_each(backend: Backend) {
    let empty = TestDatabase::create_empty(backend);
    let (code, lines) = doctor(&[("DATABASE_URL", empty.url())]).await;
    assert_eq!(code, Some(1), "{lines:?}");
    assert!(line(&lines, "config").starts_with("ok"));
    assert!(line(&lines, "database").starts_with("ok"));
    let migrations = line(&lines, "migrations");
    assert!(
        migrations.starts_with("FAIL") && migrations.contains("owp migrate"),
        "{migrations}"
    );
    assert!(
        line(&lines, "ollama").starts_with("FAIL"),
        "Ollama on a closed port"
    );

    let fake = owp_ollama_client::fake::FakeOllama::start().await.unwrap();
    let db = TestDatabase::create(backend);
    let ollama = fake.url();
    let vars = [
        ("DATABASE_URL", db.url()),
        ("OLLAMA_BASE_URL", ollama.as_str()),
    ];
    let (_, lines) = doctor(&vars).await;
    let admin = line(&lines, "admin");
    assert!(
        admin.starts_with("FAIL") && admin.contains("owp seed"),
        "{admin}"
    );
    let seeded = tokio::process::Command::from(command(&["seed"], &vars))
        .output()
        .await
        .unwrap();
    assert!(seeded.status.success());
    let (code, lines) = doctor(&vars).await;
    assert_eq!(code, Some(0), "{lines:?}");
    assert!(lines.iter().all(|l| l.starts_with("ok")), "{lines:?}");
    assert!(
        line(&lines, "models").contains("llama3.2:latest"),
        "{lines:?}"
    );
}
