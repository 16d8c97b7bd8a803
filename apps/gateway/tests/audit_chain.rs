//! The keyed audit chain through the HTTP API: a tail cut off in SQL with the stored head fixed
//! up is reported against an expected head, an edited row is reported, and a server with another
//! audit secret reports the chain as keyed with a different secret.

use owp_testkit::{Backend, TestApp, on_both_backends, tamper};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    a_cut_tail_and_an_edited_row_are_reported,
    another_audit_secret_is_named_not_called_an_edit,
);

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

async fn verify(app: &TestApp, token: &str, query: &str) -> Value {
    json_of(
        app.get_as(token, &format!("/api/v1/audit/verify{query}"))
            .await,
        200,
    )
    .await
}

/// Adds audit events: one `user_created` per user.
async fn add_events(app: &TestApp, admin: &str, users: usize) {
    for i in 0..users {
        json_of(
            app.send_as(
                admin,
                Method::POST,
                "/api/v1/users",
                Some(json!({"email": format!("audited{i}@example.org")})),
            )
            .await,
            201,
        )
        .await;
    }
}

async fn a_cut_tail_and_an_edited_row_are_reported(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    add_events(&app, &admin, 4).await;

    let before = verify(&app, &admin, "").await;
    assert_eq!(before["intact"], true, "{before}");
    assert_eq!(before["keyed_from_seq"], 1);
    assert!(before.get("first_broken").is_none(), "{before}");
    let newest = before["head"]["seq"].as_i64().unwrap();
    assert_eq!(before["checked"], newest);
    let hash = before["head"]["hash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 64);
    let logged = format!("{newest}:{hash}");
    let same = verify(&app, &admin, &format!("?expect_head={logged}")).await;
    assert_eq!(same["intact"], true, "{same}");
    for bad in ["12", "x:y", "-1:00", "3:abc"] {
        let res = app
            .get_as(&admin, &format!("/api/v1/audit/verify?expect_head={bad}"))
            .await;
        let body = json_of(res, 422).await;
        assert_eq!(body["errors"][0]["field"], "expect_head", "{bad}: {body}");
    }

    // Someone with database access removes the two newest events and fixes the stored head.
    let kept = newest - 2;
    tamper(
        app.database(),
        format!(
            "DELETE FROM audit_events WHERE seq > {kept}; \
             UPDATE audit_chain SET last_seq = {kept}, \
             last_hash = (SELECT hash FROM audit_events WHERE seq = {kept})"
        ),
    )
    .await;
    let alone = verify(&app, &admin, "").await;
    assert_eq!(
        alone["intact"], true,
        "nothing in the database remembers the cut: {alone}"
    );
    assert_eq!(alone["head"]["seq"], kept);
    let cut = verify(&app, &admin, &format!("?expect_head={logged}")).await;
    assert_eq!(cut["intact"], false, "{cut}");
    assert_eq!(cut["checked"], kept);
    assert_eq!(cut["head"]["seq"], kept);
    assert_eq!(cut["first_broken"]["seq"], kept + 1);
    let reason = cut["first_broken"]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&format!("truncated below {newest}")),
        "{reason}"
    );

    // A row edited in SQL.
    tamper(
        app.database(),
        "UPDATE audit_events SET detail = '{\"forged\":true}' WHERE seq = 2",
    )
    .await;
    let edited = verify(&app, &admin, "").await;
    assert_eq!(edited["intact"], false, "{edited}");
    assert_eq!(edited["checked"], 1);
    assert_eq!(edited["head"]["seq"], 1);
    assert_eq!(edited["first_broken"]["seq"], 2);
    assert!(edited["first_broken"]["id"].is_string());
    let reason = edited["first_broken"]["reason"].as_str().unwrap();
    assert!(reason.contains("edited"), "{reason}");
}

async fn another_audit_secret_is_named_not_called_an_edit(backend: Backend) {
    let first = TestApp::builder(backend)
        .env("AUDIT_SECRET", "the first audit secret")
        .spawn()
        .await;
    let admin = first.admin_token().await;
    assert_eq!(verify(&first, &admin, "").await["intact"], true);

    let second = TestApp::builder(backend)
        .database_url(first.database_url())
        .env("AUDIT_SECRET", "another audit secret")
        .spawn()
        .await;
    let key = first.admin_api_key();
    let report = verify(&second, &key, "").await;
    assert_eq!(report["intact"], false, "{report}");
    assert_eq!(report["first_broken"]["seq"], 1);
    let reason = report["first_broken"]["reason"].as_str().unwrap();
    assert!(reason.contains("different secret"), "{reason}");
    assert!(!reason.contains("edited"), "{reason}");
    second.admin_token().await; // a sign-in: an event chained under the other secret
    let mixed = verify(&first, &key, "").await;
    assert_eq!(mixed["intact"], false, "{mixed}");
    assert!(
        mixed["first_broken"]["seq"].as_i64().unwrap() > 1,
        "the first server's own events still verify: {mixed}"
    );
}
