//! Mistakes: unknown users, roles and keys, bad formats and passwords, each refused in one line
//! with its exit code and nothing recorded.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;

use crate::run::{exported, listed, owp, refused};

on_both_backends!(mistakes_are_refused_in_one_line);

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
