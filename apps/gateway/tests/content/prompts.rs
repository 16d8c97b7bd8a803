//! Prompts: versions, stale writes, rendering, search and bad input.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::{field_of, greeting, send};

on_both_backends!(
    prompts_keep_versions_and_refuse_stale_writes,
    prompts_render_and_refuse_bad_input,
    bad_input_is_a_clear_problem_never_a_500,
);

async fn prompts_keep_versions_and_refuse_stale_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (status, prompt) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(greeting()),
    )
    .await;
    assert_eq!(status, 201, "{prompt}");
    assert_eq!(prompt["version"], 1);
    assert_eq!(prompt["tags"], json!(["onboarding", "demo"]));
    let path = format!("/api/v1/prompts/{}", prompt["id"].as_str().unwrap());

    let (status, dup) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(greeting()),
    )
    .await;
    assert_eq!((status, field_of(&dup)), (409, "command"), "{dup}");

    let edit = json!({"base_version": 1, "content": "Hi {{who}}!", "message": "shorter"});
    let (status, v2) = send(&app, &teacher, Method::PATCH, &path, Some(edit.clone())).await;
    assert_eq!((status, v2["version"].clone()), (200, json!(2)), "{v2}");
    let (status, stale) = send(
        &app,
        &teacher,
        Method::PATCH,
        &path,
        Some(json!({"base_version": 1, "content": "lost?"})),
    )
    .await;
    assert_eq!((status, field_of(&stale)), (409, "base_version"), "{stale}");
    let (_, stored) = send(&app, &teacher, Method::GET, &path, None).await;
    assert_eq!(
        (stored["content"].clone(), stored["version"].clone()),
        (json!("Hi {{who}}!"), json!(2))
    );

    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&teacher)
        .header("If-Match", "\"1\"")
        .json(&json!({"name": "stale by header"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&teacher)
        .header("If-Match", "\"2\"")
        .json(&json!({"name": "Greeting 2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, missing) = send(
        &app,
        &teacher,
        Method::PATCH,
        &path,
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!((status, field_of(&missing)), (422, "base_version"));

    let (_, versions) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("{path}/versions"),
        None,
    )
    .await;
    assert_eq!(
        versions["total"], 2,
        "a rename is no new version: {versions}"
    );
    assert_eq!(versions["items"][0]["message"], "shorter");
    let (status, restored) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("{path}/versions/1/restore"),
        None,
    )
    .await;
    assert_eq!(
        (status, restored["version"].clone()),
        (200, json!(3)),
        "{restored}"
    );
    assert_eq!(restored["content"], greeting()["content"]);
    let (status, v3) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("{path}/versions/3"),
        None,
    )
    .await;
    assert_eq!(
        (status, v3["message"].clone()),
        (200, json!("restored version 1"))
    );
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("{path}/versions/9"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    let (_, by_tag) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/prompts?tag=onboarding",
        None,
    )
    .await;
    assert_eq!(by_tag["total"], 1);
    let (_, none) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/prompts?tag=other",
        None,
    )
    .await;
    assert_eq!(none["total"], 0);
    for q in ["GREET", "onboard", "greeting"] {
        let (_, found) = send(
            &app,
            &teacher,
            Method::GET,
            &format!("/api/v1/prompts?q={q}"),
            None,
        )
        .await;
        assert_eq!(found["total"], 1, "q={q}");
    }
    let (_, nothing) = send(&app, &teacher, Method::GET, "/api/v1/prompts?q=%25", None).await;
    assert_eq!(nothing["total"], 0, "% is searched literally");
}

async fn prompts_render_and_refuse_bad_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, prompt) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(greeting()),
    )
    .await;
    let render = format!("/api/v1/prompts/{}/render", prompt["id"].as_str().unwrap());
    let (status, rendered) = send(
        &app,
        &teacher,
        Method::POST,
        &render,
        Some(json!({"variables": {"who": "Ada"}})),
    )
    .await;
    assert_eq!(status, 200, "{rendered}");
    let text = rendered["text"].as_str().unwrap();
    assert!(
        text.starts_with("Hello Ada, today is 20") && text.ends_with("Be kind."),
        "{text}"
    );
    assert_eq!(rendered["version"], 1);
    for (values, field) in [
        (json!({}), "variables.who"),
        (json!({"who": "Ada", "tone": "loud"}), "variables.tone"),
        (json!({"who": 5}), "variables.who"),
        (json!({"who": "Ada", "typo": 1}), "variables.typo"),
    ] {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            &render,
            Some(json!({"variables": values})),
        )
        .await;
        assert_eq!((status, field_of(&problem)), (422, field), "{problem}");
    }

    let mut undeclared = greeting();
    undeclared["command"] = json!("other");
    undeclared["content"] = json!("Hi {{audience}}");
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(undeclared),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "content"));
    assert!(
        problem["detail"].as_str().unwrap().contains("audience"),
        "{problem}"
    );
    for (patch, field) in [
        (json!({"command": "Bad Command"}), "command"),
        (json!({"content": "Hi {{who"}), "content"),
        (json!({"name": "nul\u{0}"}), "name"),
        (
            json!({"variables": [{"name": "n", "type": "number", "default": "many"}], "content": "{{n}}"}),
            "variables[0].default",
        ),
        (
            json!({"variables": [{"name": "d", "type": "colour"}], "content": "x"}),
            "",
        ),
        (json!({"visibility": "project"}), "project_id"),
        (
            json!({"project_id": "0190a000-0000-7000-8000-000000000000"}),
            "project_id",
        ),
        (json!({"tags": "not-a-list"}), ""),
    ] {
        let mut body = greeting();
        body["command"] = json!("fresh");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, problem) =
            send(&app, &teacher, Method::POST, "/api/v1/prompts", Some(body)).await;
        assert!(
            status == 422 || status == 400,
            "{patch} → {status} {problem}"
        );
        if !field.is_empty() {
            assert_eq!(field_of(&problem), field, "{problem}");
        }
    }
}

async fn bad_input_is_a_clear_problem_never_a_500(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (_, prompt) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/prompts",
        Some(greeting()),
    )
    .await;
    let path = format!("/api/v1/prompts/{}", prompt["id"].as_str().unwrap());
    let res = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&teacher)
        .header("If-Match", "yesterday")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    for query in ["project_id=not-an-id", "limit=0", "limit=abc"] {
        let res = app
            .get_as(&teacher, &format!("/api/v1/prompts?{query}"))
            .await;
        let status = res.status().as_u16();
        assert!(status == 400 || status == 422, "{query}: {status}");
    }
    for bad in [
        "/api/v1/prompts/not-an-id",
        "/api/v1/tools/42",
        "/api/v1/projects/x",
    ] {
        assert_eq!(app.get_as(&teacher, bad).await.status(), 404, "{bad}");
    }
    assert_eq!(
        app.get_as(&teacher, &format!("{path}/versions/x"))
            .await
            .status(),
        404
    );
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        &format!("{path}/versions/1/restore"),
        None,
    )
    .await;
    assert_eq!(
        status, 403,
        "bob sees the org prompt but may not restore it"
    );
    let (status, problem) = send(&app, &teacher, Method::PATCH, &path, Some(json!({"base_version": 1, "variables": [{"name": "who", "type": "number"}], "content": "{{who}} {{tone}}"}))).await;
    assert_eq!((status, field_of(&problem)), (422, "content"), "{problem}");
    let (_, stored) = send(&app, &teacher, Method::GET, &path, None).await;
    assert_eq!(stored["version"], 1, "a refused change writes nothing");

    let (_, tool) = send(&app, &teacher, Method::POST, "/api/v1/tools", Some(json!({"name": "lookup", "description": "Finds Things", "parameters": {"type": "object", "properties": {}}}))).await;
    let tool_path = format!("/api/v1/tools/{}", tool["id"].as_str().unwrap());
    let (status, problem) = send(
        &app,
        &teacher,
        Method::PATCH,
        &tool_path,
        Some(json!({"parameters": {"type": "object", "properties": {"n": {"type": 5}}}})),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "parameters.properties.n.type"),
        "{problem}"
    );
    let (status, _) = send(
        &app,
        &teacher,
        Method::PATCH,
        &tool_path,
        Some(json!({"visibility": "project"})),
    )
    .await;
    assert_eq!(status, 422, "a project tool needs a project");
    let (_, found) = send(&app, &teacher, Method::GET, "/api/v1/tools?q=THINGS", None).await;
    assert_eq!(found["total"], 1);
    let (_, found) = send(&app, &bob, Method::GET, "/api/v1/tools", None).await;
    assert_eq!(found["total"], 0, "a private tool is its owner's");
    let (status, _) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/tools",
        Some(
            json!({"name": "t", "parameters": {"type": "object", "properties": {}}, "unknown": 1}),
        ),
    )
    .await;
    assert!(
        status == 400 || status == 422,
        "unknown fields are refused: {status}"
    );
}
