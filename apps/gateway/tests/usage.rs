//! Usage accounting and token budgets through HTTP: every model API is counted, budgets refuse
//! calls before they reach Ollama, per user and per API key.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    every_model_api_is_counted_per_user_and_model,
    a_used_up_user_budget_refuses_every_model_api_before_ollama,
    a_key_budget_limits_only_that_key,
    bad_report_and_quota_input_is_422,
    hanging_up_a_stream_is_still_charged,
);

const MODEL: &str = "llama3.2:latest";
const EMBEDDER: &str = "all-minilm:latest";

fn hello() -> Value {
    json!({"model": MODEL, "messages": [{"role": "user", "content": "hello"}], "stream": false})
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

async fn every_model_api_is_counted_per_user_and_model(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("counted@example.org", &["user"]).await;
    let (_, bystander) = app.user_token("bystander@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    for (path, body) in [
        ("/api/v1/chat", hello()),
        ("/v1/chat/completions", hello()),
        (
            "/api/v1/embeddings",
            json!({"model": EMBEDDER, "input": ["a", "b"]}),
        ),
    ] {
        let res = app.send_as(&token, Method::POST, path, Some(body)).await;
        assert_eq!(res.status(), 200, "{path}");
    }
    let res = app
        .send_as(&bystander, Method::POST, "/api/v1/chat", Some(hello()))
        .await;
    assert_eq!(res.status(), 200);

    let own = json_of(app.get_as(&token, "/api/v1/usage").await).await;
    let items = own["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{own}");
    let chat = items.iter().find(|r| r["model"] == MODEL).unwrap();
    assert_eq!(chat["requests"], 2);
    assert_eq!(chat["completion_tokens"], 10);
    assert!(chat["prompt_tokens"].as_i64().unwrap() > 0);
    assert_eq!(
        chat["total_tokens"].as_i64().unwrap(),
        chat["prompt_tokens"].as_i64().unwrap() + 10
    );
    assert_eq!(
        items.iter().find(|r| r["model"] == EMBEDDER).unwrap()["requests"],
        1
    );
    assert_eq!(own["totals"]["requests"], 3);
    assert_eq!(own["budgets"], json!([]));

    let org = json_of(app.get_as(&admin, "/api/v1/admin/usage").await).await;
    assert_eq!(org["totals"]["requests"], 4);
    let mine = json_of(
        app.get_as(
            &admin,
            &format!("/api/v1/admin/usage?user_id={id}&model={MODEL}"),
        )
        .await,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["user_id"], id.as_str());
    assert_eq!(mine["items"][0]["requests"], 2);
    let later = json_of(
        app.get_as(&admin, "/api/v1/admin/usage?since=2999-01-01")
            .await,
    )
    .await;
    assert_eq!(later["totals"]["requests"], 0);

    // A bucket from 60 days ago: outside the default window, inside an explicit one.
    let old_day = (chrono::Utc::now() - chrono::TimeDelta::days(60)).format("%Y-%m-%d");
    let org = json_of(app.get_as(&admin, "/api/v1/auth/me").await).await["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    owp_testkit::tamper(
        app.database(),
        format!(
            "INSERT INTO usage_daily (id, organization_id, user_id, key_id, model, day, requests, \
             prompt_tokens, completion_tokens) VALUES ('0190a000-0000-7000-8000-0000000000ee', \
             '{org}', '{id}', '', '{MODEL}', '{old_day}', 7, 70, 700)"
        ),
    )
    .await;
    let recent = json_of(app.get_as(&admin, "/api/v1/admin/usage").await).await;
    assert_eq!(
        recent["totals"]["requests"], 4,
        "the default window is the last 31 days"
    );
    let all = json_of(
        app.get_as(&admin, "/api/v1/admin/usage?since=2000-01-01")
            .await,
    )
    .await;
    assert_eq!(all["totals"]["requests"], 11);
}

async fn a_used_up_user_budget_refuses_every_model_api_before_ollama(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("frugal@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/quota"),
            Some(json!({"daily_tokens": 5, "monthly_tokens": 1000})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        json_of(
            app.get_as(&admin, &format!("/api/v1/users/{id}/quota"))
                .await
        )
        .await["daily_tokens"],
        5
    );
    let res = app
        .send_as(&token, Method::POST, "/api/v1/chat", Some(hello()))
        .await;
    assert_eq!(res.status(), 200, "the first call fits the budget");

    app.ollama().clear_requests();
    for (path, body) in [
        ("/api/v1/chat", hello()),
        ("/v1/chat/completions", hello()),
        (
            "/api/v1/embeddings",
            json!({"model": EMBEDDER, "input": "a"}),
        ),
    ] {
        let res = app.send_as(&token, Method::POST, path, Some(body)).await;
        assert_eq!(res.status(), 429, "{path}");
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=86_400).contains(&retry));
        let body = res.text().await.unwrap();
        assert!(body.contains("daily budget of 5 tokens"), "{body}");
    }
    assert!(
        app.ollama().requests().is_empty(),
        "nothing over budget reached Ollama"
    );

    let own = json_of(app.get_as(&token, "/api/v1/usage").await).await;
    let daily = own["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["period"] == "daily")
        .unwrap()
        .clone();
    assert_eq!(daily["scope"], "user");
    assert_eq!(daily["remaining"], 0);
    assert!(daily["used"].as_i64().unwrap() >= 5);
    let monthly = own["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["period"] == "monthly")
        .unwrap()
        .clone();
    assert_eq!(monthly["limit"], 1000);
    assert!(monthly["remaining"].as_i64().unwrap() > 0);

    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/quota"),
            Some(json!({"daily_tokens": null, "monthly_tokens": null})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send_as(&token, Method::POST, "/api/v1/chat", Some(hello()))
        .await;
    assert_eq!(
        res.status(),
        200,
        "lifting the budget lets calls through again"
    );
    let audit = json_of(
        app.get_as(&admin, "/api/v1/audit?event_type=grant_changed")
            .await,
    )
    .await;
    assert!(audit["items"].as_array().unwrap().len() >= 2);
}

async fn a_key_budget_limits_only_that_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("keyed@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let issued = json_of(
        app.send_as(
            &token,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "ci"})),
        )
        .await,
    )
    .await;
    let key = issued["secret"].as_str().unwrap().to_owned();
    let key_id = issued["key"]["id"].as_str().unwrap();
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/api-keys/{key_id}/quota"),
            Some(json!({"monthly_tokens": 1})),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send_as(&key, Method::POST, "/v1/chat/completions", Some(hello()))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .send_as(&key, Method::POST, "/v1/chat/completions", Some(hello()))
        .await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("this API key's monthly budget")
    );
    let res = app
        .send_as(&token, Method::POST, "/api/v1/chat", Some(hello()))
        .await;
    assert_eq!(
        res.status(),
        200,
        "the user's own session is not limited by the key's budget"
    );
    let by_key = json_of(app.get_as(&key, "/api/v1/usage").await).await;
    assert_eq!(by_key["budgets"][0]["scope"], "api_key");
    let (_, other) = app.user_token("stranger@example.org", &["user"]).await;
    let other_id = json_of(app.get_as(&other, "/api/v1/auth/me").await).await["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{other_id}/api-keys/{key_id}/quota"),
            Some(json!({"monthly_tokens": 1})),
        )
        .await;
    assert_eq!(res.status(), 404, "a key is reached only through its owner");
}

async fn bad_report_and_quota_input_is_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, token) = app.user_token("sloppy@example.org", &["user"]).await;
    let admin = app.admin_token().await;
    let reversed = app
        .get_as(&token, "/api/v1/usage?since=2026-02-01&until=2026-01-01")
        .await;
    assert_eq!(reversed.status(), 422);
    assert_eq!(json_of(reversed).await["errors"][0]["field"], "since");
    let malformed = app.get_as(&token, "/api/v1/usage?since=yesterday").await;
    assert_eq!(
        malformed.status(),
        400,
        "a date that does not parse is malformed"
    );
    assert_eq!(
        app.get_as(&admin, "/api/v1/admin/usage?user_id=nobody")
            .await
            .status(),
        422
    );
    let res = app
        .send_as(
            &admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/quota"),
            Some(json!({"daily_tokens": -1})),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(json_of(res).await["errors"][0]["field"], "daily_tokens");
}

/// Polls the caller's usage until `done` holds for it, or fails after a deadline.
async fn usage_when(app: &TestApp, token: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let usage = json_of(app.get_as(token, "/api/v1/usage").await).await;
        if done(&usage) {
            return usage;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never charged: {usage}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn hanging_up_a_stream_is_still_charged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.user_token("quitter@example.org", &["user"]).await;
    app.ollama().set_tokens_per_reply(40);
    app.ollama()
        .set_token_delay(std::time::Duration::from_millis(100));
    for path in ["/v1/chat/completions", "/ollama/api/chat"] {
        let mut body = hello();
        body["stream"] = json!(true);
        let mut res = app.send_as(&token, Method::POST, path, Some(body)).await;
        assert_eq!(res.status(), 200);
        res.chunk().await.unwrap().expect("a first piece");
        drop(res);
    }
    let usage = usage_when(&app, &token, |u| u["totals"]["requests"] == 2).await;
    let charged = usage["totals"]["completion_tokens"].as_i64().unwrap();
    assert!(
        (2..40).contains(&charged),
        "each cut-off stream is charged what it relayed: {usage}"
    );
}
