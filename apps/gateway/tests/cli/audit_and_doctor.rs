//! `owp audit verify` checks the chain against the logged head; `owp doctor` says what is wrong,
//! one line each.

use std::time::Duration;

use owp_testkit::{Backend, TestDatabase, on_both_backends, tamper};

use crate::support::{JWT_SECRET, Owp, command};

on_both_backends!(
    audit_verify_checks_the_chain_against_the_logged_head,
    doctor_says_what_is_wrong_one_line_each,
);

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
