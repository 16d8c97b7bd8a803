//! The operator's commands through the real `owp` binary (issue 16 item 6): users, API keys and
//! audit export against a running app's database, whose HTTP API sees every change at once;
//! backup and restore of SQLite; PostgreSQL pointed at pg_dump.

use std::io::Write;
use std::process::Stdio;

use owp_testkit::{Backend, TestApp, TestDatabase, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    users_are_managed_from_the_command_line,
    api_keys_are_issued_listed_and_revoked,
    mistakes_are_refused_in_one_line,
);

/// The `JWT_SECRET` of every [`TestApp`]: the CLI chains its audit events with the same key.
const APP_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// What one `owp` run did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The value of a `NAME=value` line.
    fn value(&self, name: &str) -> String {
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name}= in {}", self.stdout))
            .to_owned()
    }

    /// Panics with the output unless the run exited 0.
    fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `owp args` on the database at `url` with the app's secret, feeding `stdin`.
async fn owp(url: &str, args: &[&str], stdin: Option<&str>) -> Run {
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
async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
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
async fn listed(url: &str, email: &str, filter: &[&str]) -> Option<Vec<String>> {
    let mut args = vec!["user", "list"];
    args.extend_from_slice(filter);
    let run = owp(url, &args, None).await.ok();
    run.stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .find(|fields| fields[0] == email)
}

/// Every exported event as JSON, from `owp audit export --format jsonl`.
async fn exported(url: &str) -> Vec<Value> {
    let run = owp(url, &["audit", "export", "--format", "jsonl"], None)
        .await
        .ok();
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `owp audit verify` says the chain is intact.
async fn assert_chain_intact(url: &str) {
    let run = owp(url, &["audit", "verify"], None).await.ok();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["intact"], true, "{report}");
}

async fn users_are_managed_from_the_command_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.database_url().to_owned();

    let created = owp(
        &url,
        &["user", "create", "carol@example.com", "--name", "Carol"],
        None,
    )
    .await
    .ok();
    let generated = created.value("PASSWORD");
    assert!(created.stdout.starts_with("created carol@example.com "));
    let carol = listed(&url, "carol@example.com", &[]).await.unwrap();
    assert_eq!(carol[1..3], ["active", "user"], "{carol:?}");
    assert_eq!(carol[4], "Carol");
    assert_eq!(
        login_status(&app, "carol@example.com", &generated).await,
        200
    );

    let set = owp(
        &url,
        &[
            "user",
            "set-password",
            "carol@example.com",
            "--password-stdin",
        ],
        Some("carol-new-password\n"),
    )
    .await
    .ok();
    assert!(
        !set.stdout.contains("PASSWORD="),
        "a chosen password is not echoed"
    );
    assert_eq!(
        login_status(&app, "carol@example.com", &generated).await,
        401
    );
    assert_eq!(
        login_status(&app, "carol@example.com", "carol-new-password").await,
        200
    );

    owp(&url, &["user", "grant", "carol@example.com", "admin"], None)
        .await
        .ok();
    let carol = listed(&url, "carol@example.com", &["--role", "admin"])
        .await
        .unwrap();
    assert_eq!(carol[2], "admin,user");
    let token = app.login("carol@example.com", "carol-new-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get_as(&token, "/api/v1/users").await.status(),
        200,
        "admin now"
    );

    let registered = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({"email": "dave@example.com", "password": "dave-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    assert!(
        listed(&url, "dave@example.com", &["--status", "pending"])
            .await
            .is_some()
    );
    let approved = owp(&url, &["user", "approve", "dave@example.com"], None)
        .await
        .ok();
    assert!(
        approved
            .stdout
            .starts_with("approved dave@example.com\tactive\tuser")
    );
    assert_eq!(
        login_status(&app, "dave@example.com", "dave-password-1").await,
        200
    );

    owp(&url, &["user", "disable", "carol@example.com"], None)
        .await
        .ok();
    assert_eq!(
        login_status(&app, "carol@example.com", "carol-new-password").await,
        403,
        "a disabled account"
    );
    assert_eq!(app.get_as(&token, "/api/v1/users").await.status(), 401);
    let carol = listed(&url, "carol@example.com", &[]).await.unwrap();
    assert_eq!(carol[1], "disabled");

    let events = exported(&url).await;
    let by_cli: Vec<&str> = events
        .iter()
        .filter(|e| e["actor"] == "cli")
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    for expected in [
        "user_created",
        "password_set",
        "roles_changed",
        "user_approved",
        "user_disabled",
    ] {
        assert!(
            by_cli.contains(&expected),
            "{expected} by cli in {by_cli:?}"
        );
    }
    let login = events
        .iter()
        .find(|e| e["event_type"] == "login_success")
        .unwrap();
    assert_eq!(
        login["actor"], login["subject_user_id"],
        "a user acted: {login}"
    );
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first");

    let csv = owp(&url, &["audit", "export", "--format", "csv"], None)
        .await
        .ok();
    let mut lines = csv.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..5],
        ["seq", "id", "occurred_at", "event_type", "actor"]
    );
    assert_eq!(lines.clone().count(), events.len());
    assert!(
        lines
            .any(|l| l.split(',').nth(3) == Some("user_disabled")
                && l.split(',').nth(4) == Some("cli")),
        "{}",
        csv.stdout
    );

    let file = tempfile::tempdir().unwrap();
    let path = file.path().join("audit.csv");
    let since = (chrono::Utc::now() - chrono::TimeDelta::hours(1)).to_rfc3339();
    let path_text = path.to_str().unwrap();
    let args = [
        "audit", "export", "--format", "csv", "--output", path_text, "--since", &since,
    ];
    let to_file = owp(&url, &args, None).await.ok();
    assert!(to_file.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), csv.stdout);
    let future = owp(&url, &["audit", "export", "--since", "2999-01-01"], None)
        .await
        .ok();
    assert!(future.stdout.is_empty());

    assert_chain_intact(&url).await;
}

async fn api_keys_are_issued_listed_and_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.database_url().to_owned();
    owp(&url, &["user", "create", "erin@example.com"], None)
        .await
        .ok();

    let issued = owp(
        &url,
        &["api-key", "issue", "erin@example.com", "--label", "ci"],
        None,
    )
    .await
    .ok();
    let secret = issued.value("API_KEY");
    let id = issued.value("API_KEY_ID");
    assert!(secret.starts_with("owp_"));
    let me = app.get_as(&secret, "/api/v1/auth/me").await;
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<Value>().await.unwrap()["user"]["email"],
        "erin@example.com"
    );

    let list = owp(&url, &["api-key", "list", "erin@example.com"], None)
        .await
        .ok();
    assert!(!list.stdout.contains(&secret), "never the secret again");
    let row: Vec<&str> = list.stdout.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!(row[..2], [id.as_str(), "ci"]);
    assert_eq!(row[3], "active");

    owp(&url, &["api-key", "revoke", &id], None).await.ok();
    assert_eq!(app.get_as(&secret, "/api/v1/auth/me").await.status(), 401);
    let list = owp(&url, &["api-key", "list", "erin@example.com"], None)
        .await
        .ok();
    assert_eq!(
        list.stdout.lines().nth(1).unwrap().split('\t').nth(3),
        Some("revoked")
    );

    if backend == Backend::Sqlite {
        backup_while_serving(&url).await;
    }

    let events = exported(&url).await;
    for kind in ["api_key_issued", "api_key_revoked"] {
        let event = events
            .iter()
            .find(|e| e["event_type"] == kind && e["credential_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no {kind} of {id}"));
        assert_eq!(event["actor"], "cli", "{event}");
    }
    assert_chain_intact(&url).await;
}

/// Backs the database at `url` up while its app serves, restores the copy into a new file and
/// finds the app's state there.
async fn backup_while_serving(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("live.db");
    let backup = backup.to_str().unwrap();
    owp(url, &["backup", backup], None).await.ok();
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    owp(&restored, &["restore", backup], None).await.ok();
    let list = owp(&restored, &["api-key", "list", "erin@example.com"], None)
        .await
        .ok();
    assert!(list.stdout.contains("\trevoked\t"), "{}", list.stdout);
    assert_chain_intact(&restored).await;
}

/// Runs `owp args` expecting exit `code` and one line on stderr containing `says`.
async fn refused(url: &str, args: &[&str], stdin: Option<&str>, code: i32, says: &str) {
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

async fn mistakes_are_refused_in_one_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.database_url().to_owned();
    let nobody = "nobody@example.com";
    for args in [
        vec!["user", "disable", nobody],
        vec!["user", "approve", nobody],
        vec!["user", "grant", nobody, "admin"],
        vec!["api-key", "issue", nobody, "--label", "x"],
        vec!["api-key", "list", nobody],
    ] {
        refused(
            &url,
            &args,
            None,
            1,
            "no user has the email \"nobody@example.com\"",
        )
        .await;
    }
    refused(
        &url,
        &["user", "set-password", nobody, "--password-stdin"],
        Some("long-enough-password\n"),
        1,
        "nobody@example.com",
    )
    .await;
    refused(
        &url,
        &["user", "grant", "admin@example.com", "wizard"],
        None,
        1,
        "unknown role \"wizard\"",
    )
    .await;
    refused(
        &url,
        &["user", "create", "frank@example.com", "--role", "wizard"],
        None,
        1,
        "unknown role \"wizard\"",
    )
    .await;
    assert!(listed(&url, "frank@example.com", &[]).await.is_none());
    refused(
        &url,
        &["user", "create", "admin@example.com"],
        None,
        1,
        "already taken",
    )
    .await;
    refused(
        &url,
        &["user", "approve", "admin@example.com"],
        None,
        1,
        "pending",
    )
    .await;
    refused(
        &url,
        &["user", "create", "gina@example.com", "--password-stdin"],
        Some("short\n"),
        2,
        "at least 8 characters",
    )
    .await;
    let unknown_key = uuid::Uuid::now_v7().to_string();
    refused(
        &url,
        &["api-key", "revoke", &unknown_key],
        None,
        1,
        "no API key",
    )
    .await;

    for args in [
        vec!["audit", "export", "--format", "xml"],
        vec!["audit", "export", "--since", "last week"],
        vec!["api-key", "revoke", "not-an-id"],
    ] {
        let run = owp(&url, &args, None).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let events_before = exported(&url).await.len();
    let admin_key = app.admin_api_key();
    let me = app
        .send_as(&admin_key, Method::GET, "/api/v1/auth/me", None)
        .await;
    assert_eq!(me.status(), 200, "nothing the refusals did broke the admin");
    assert_eq!(
        exported(&url).await.len(),
        events_before,
        "refusals record nothing"
    );
}

/// A seeded SQLite database in a folder of its own, and that folder for backups.
async fn seeded_sqlite() -> (TestDatabase, tempfile::TempDir) {
    let db = TestDatabase::create(Backend::Sqlite);
    owp(db.url(), &["seed"], None).await.ok();
    (db, tempfile::tempdir().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_and_restore_round_trip() {
    let (db, dir) = seeded_sqlite().await;
    let url = db.url();
    owp(url, &["user", "create", "before@example.com"], None)
        .await
        .ok();
    let backup = dir.path().join("owp-backup.db");
    let backup = backup.to_str().unwrap();
    let done = owp(url, &["backup", backup], None).await.ok();
    assert!(done.stdout.contains("2 users"), "{}", done.stdout);
    refused(url, &["backup", backup], None, 2, "already exists").await;

    owp(url, &["user", "create", "after@example.com"], None)
        .await
        .ok();
    refused(url, &["restore", backup], None, 2, "--force").await;
    assert!(
        listed(url, "after@example.com", &[]).await.is_some(),
        "untouched"
    );

    owp(url, &["restore", backup, "--force"], None).await.ok();
    assert!(listed(url, "before@example.com", &[]).await.is_some());
    assert!(listed(url, "after@example.com", &[]).await.is_none());
    assert_chain_intact(url).await;
    let events = exported(url).await;
    assert!(
        events
            .iter()
            .all(|e| e["detail"]["email"] != "after@example.com")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_is_not_an_owp_database() {
    let (db, dir) = seeded_sqlite().await;
    let url = db.url();
    let garbage = dir.path().join("garbage.db");
    std::fs::File::create(&garbage)
        .unwrap()
        .write_all(&[0x42; 8192])
        .unwrap();
    let foreign = dir.path().join("foreign.db");
    {
        use diesel::{Connection, connection::SimpleConnection};
        let mut conn = diesel::SqliteConnection::establish(foreign.to_str().unwrap()).unwrap();
        conn.batch_execute("CREATE TABLE notes (body TEXT)")
            .unwrap();
    }
    for (file, says) in [
        (&garbage, "not a database"),
        (&foreign, "no migrations table"),
    ] {
        let file = file.to_str().unwrap();
        refused(url, &["restore", file, "--force"], None, 1, says).await;
    }
    refused(
        url,
        &["restore", "/nonexistent/backup.db", "--force"],
        None,
        1,
        "no backup",
    )
    .await;
    assert!(
        listed(url, "admin@example.com", &[]).await.is_some(),
        "kept as it was"
    );
    assert_chain_intact(url).await;
    let leftovers: Vec<_> = std::fs::read_dir(db.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn postgres_is_pointed_at_pg_dump_and_pg_restore() {
    let url = "postgres://app:s3cret@db.internal:5432/owp";
    let dump = owp(url, &["backup", "/backups/owp.dump"], None).await;
    assert_eq!(dump.code, 2, "{}", dump.stderr);
    assert!(
        dump.stderr.contains(
            "pg_dump --format=custom --no-owner --file='/backups/owp.dump' \
             --dbname='postgres://app:***@db.internal:5432/owp'"
        ),
        "{}",
        dump.stderr
    );
    let restore = owp(url, &["restore", "/backups/owp.dump"], None).await;
    assert_eq!(restore.code, 2, "{}", restore.stderr);
    assert!(
        restore.stderr.contains(
            "pg_restore --clean --if-exists --no-owner \
             --dbname='postgres://app:***@db.internal:5432/owp' '/backups/owp.dump'"
        ),
        "{}",
        restore.stderr
    );
    for run in [dump, restore] {
        assert!(!run.stderr.contains("s3cret") && run.stdout.is_empty());
    }
}
