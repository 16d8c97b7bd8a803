//! The operator's commands through the real `owp` binary (issue 16 item 6): users, API keys and
//! audit export against a running app's database, whose HTTP API sees every change at once;
//! refusals; backup and restore of SQLite; PostgreSQL pointed at pg_dump.

mod backup;
mod mistakes;
mod run;

use owp_testkit::{Backend, TestApp, on_both_backends};
use serde_json::{Value, json};

use run::{assert_chain_intact, exported, listed, login_status, owp};

on_both_backends!(
    users_are_managed_from_the_command_line,
    api_keys_are_issued_listed_and_revoked,
);

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
        backup::backup_while_serving(&url).await;
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
