//! Agents: what they point at is checked (prompt, variables, tools, options, knowledge,
//! project), the visibility rule applies, changes switch the system prompt's source, projects
//! count them as content, and every change is audited.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{field_of, greeting, other_org_admin, send};

on_both_backends!(
    agents_check_what_they_point_at,
    agents_follow_the_visibility_rule,
    a_shared_agent_needs_a_prompt_shared_as_widely,
);

const NO_ID: &str = "0190a000-0000-7000-8000-000000000000";

/// Creates `body` at `path` as `token`; the new object's id.
async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> String {
    let (status, made) = send(app, token, Method::POST, path, Some(body)).await;
    assert_eq!(status, 201, "{path}: {made}");
    made["id"].as_str().unwrap().to_owned()
}

fn empty_tool(name: &str, visibility: &str) -> Value {
    json!({"name": name, "parameters": {"type": "object", "properties": {}}, "visibility": visibility})
}

async fn agents_check_what_they_point_at(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    let prompt = created(&app, &teacher, "/api/v1/prompts", greeting()).await;
    let tool = created(&app, &teacher, "/api/v1/tools", empty_tool("calc", "org")).await;
    let bobs_tool = created(&app, &bob, "/api/v1/tools", empty_tool("mine", "private")).await;
    let bobs_prompt = created(
        &app,
        &bob,
        "/api/v1/prompts",
        json!({"name": "Mine", "command": "mine", "content": "secret"}),
    )
    .await;
    let project = created(&app, &teacher, "/api/v1/projects", json!({"name": "W"})).await;

    let greeter = json!({
        "name": "Greeter",
        "slug": "greeter",
        "description": "Greets the class",
        "model": "llama3.2",
        "prompt_id": prompt,
        "prompt_variables": {"who": "class"},
        "tool_ids": [tool],
        "options": {"temperature": 0.5, "stop": ["###"]},
        "visibility": "org"
    });
    let res = app
        .send_as(
            &teacher,
            Method::POST,
            "/api/v1/agents",
            Some(greeter.clone()),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let agent: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/agents/{}", agent["id"].as_str().unwrap())
    );
    assert_eq!(agent["model"], "llama3.2:latest");
    assert_eq!(
        (
            agent["active"].clone(),
            agent["knowledge"].clone(),
            agent["system_prompt"].clone()
        ),
        (json!(true), json!([]), Value::Null)
    );
    assert_eq!(
        agent["options"],
        json!({"temperature": 0.5, "stop": ["###"]})
    );
    let (status, dup) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/agents",
        Some(greeter),
    )
    .await;
    assert_eq!((status, field_of(&dup)), (409, "slug"), "{dup}");

    let base = json!({"name": "A", "slug": "a", "model": "llama3.2"});
    let with = |extra: Value| {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, field) in [
        (with(json!({"slug": "Bad Slug"})), "slug"),
        (with(json!({"model": " "})), "model"),
        (
            with(json!({"system_prompt": "Be kind.", "prompt_id": prompt})),
            "prompt_id",
        ),
        (with(json!({"prompt_id": NO_ID})), "prompt_id"),
        (with(json!({"prompt_id": bobs_prompt})), "prompt_id"),
        (
            with(json!({"prompt_id": prompt, "prompt_variables": {"who": "x", "nobody": "x"}})),
            "prompt_variables.nobody",
        ),
        (
            with(json!({"prompt_id": prompt, "prompt_variables": {"who": 3}})),
            "prompt_variables.who",
        ),
        (with(json!({"prompt_id": prompt})), "prompt_variables.who"),
        (
            with(json!({"prompt_variables": {"who": "x"}})),
            "prompt_variables",
        ),
        (with(json!({"tool_ids": [NO_ID]})), "tool_ids"),
        (with(json!({"tool_ids": [bobs_tool]})), "tool_ids"),
        (
            with(json!({"options": {"mirostat": 1}})),
            "options.mirostat",
        ),
        (
            with(json!({"options": {"temperature": 3}})),
            "options.temperature",
        ),
        (with(json!({"options": {"num_ctx": 0}})), "options.num_ctx"),
        (with(json!({"options": {"stop": [""]}})), "options.stop"),
        (with(json!({"knowledge": ["rag-1"]})), "knowledge[0]"),
    ] {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/agents",
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            (status, field_of(&problem)),
            (422, field),
            "{body}: {problem}"
        );
    }
    let (status, problem) = send(
        &app,
        &foreign,
        Method::POST,
        "/api/v1/agents",
        Some(with(json!({"project_id": project}))),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "project_id"),
        "{problem}"
    );
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/agents",
        Some(with(json!({"knowledge": ["rag-1"]}))),
    )
    .await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no such RAG system or collection"),
        "{status}: {problem}"
    );
}

async fn agents_follow_the_visibility_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin_token().await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    let prompt = created(&app, &teacher, "/api/v1/prompts", greeting()).await;
    let agent = json!({
        "name": "Greeter", "slug": "greeter", "model": "llama3.2", "visibility": "org",
        "prompt_id": prompt, "prompt_variables": {"who": "class"}
    });
    let id = created(&app, &teacher, "/api/v1/agents", agent).await;
    let path = format!("/api/v1/agents/{id}");

    assert_eq!(send(&app, &bob, Method::GET, &path, None).await.0, 200);
    assert_eq!(send(&app, &foreign, Method::GET, &path, None).await.0, 404);
    let rename = json!({"name": "Mine now"});
    for (token, want) in [(&bob, 403), (&foreign, 404)] {
        let (status, _) = send(&app, token, Method::PATCH, &path, Some(rename.clone())).await;
        assert_eq!(status, want);
        assert_eq!(send(&app, token, Method::DELETE, &path, None).await.0, want);
    }
    let own = json!({"name": "Own", "slug": "bobs", "model": "llama3.2", "system_prompt": "Hi."});
    let bobs = created(&app, &bob, "/api/v1/agents", own).await;
    let bobs = format!("/api/v1/agents/{bobs}");
    assert_eq!(send(&app, &teacher, Method::GET, &bobs, None).await.0, 404);
    assert_eq!(send(&app, &admin, Method::GET, &bobs, None).await.0, 200);
    let publish = json!({"name": "P", "slug": "p", "model": "m", "visibility": "org"});
    let (status, _) = send(&app, &bob, Method::POST, "/api/v1/agents", Some(publish)).await;
    assert_eq!(status, 403, "users may not publish");

    let (_, listed) = send(&app, &bob, Method::GET, "/api/v1/agents", None).await;
    assert_eq!(listed["total"], 2, "{listed}");
    let (_, found) = send(&app, &bob, Method::GET, "/api/v1/agents?q=GREET", None).await;
    assert_eq!(
        (found["total"].clone(), found["items"][0]["slug"].clone()),
        (json!(1), json!("greeter"))
    );
    let (_, foreign_list) = send(&app, &foreign, Method::GET, "/api/v1/agents", None).await;
    assert_eq!(foreign_list["total"], 0);

    let off = json!({"active": false, "options": {"top_k": 5}});
    let (status, changed) = send(&app, &teacher, Method::PATCH, &path, Some(off)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["active"].clone(), changed["options"].clone()),
        (json!(false), json!({"top_k": 5}))
    );
    assert_eq!(
        changed["prompt_variables"],
        json!({"who": "class"}),
        "the rest stays"
    );
    let (_, inactive) = send(&app, &bob, Method::GET, "/api/v1/agents?active=false", None).await;
    assert_eq!(inactive["total"], 1);
    let both = json!({"system_prompt": "x", "prompt_id": prompt});
    let (status, problem) = send(&app, &teacher, Method::PATCH, &path, Some(both)).await;
    assert_eq!((status, field_of(&problem)), (422, "prompt_id"));
    let (status, changed) = send(
        &app,
        &teacher,
        Method::PATCH,
        &path,
        Some(json!({"system_prompt": "Be brief."})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            changed["prompt_id"].clone(),
            changed["prompt_variables"].clone()
        ),
        (Value::Null, json!({})),
        "a system prompt text replaces the prompt"
    );

    let project = created(&app, &teacher, "/api/v1/projects", json!({"name": "W"})).await;
    let in_project = json!({"name": "P", "slug": "in-project", "model": "m", "visibility": "project", "project_id": project});
    let member = created(&app, &teacher, "/api/v1/agents", in_project).await;
    let (_, by_project) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/agents?project_id={project}"),
        None,
    )
    .await;
    assert_eq!(by_project["total"], 1);
    let project_path = format!("/api/v1/projects/{project}");
    let (status, conflict) = send(&app, &teacher, Method::DELETE, &project_path, None).await;
    assert_eq!(status, 409, "agents are project content: {conflict}");
    let cascade = format!("{project_path}?cascade=true");
    assert_eq!(
        send(&app, &teacher, Method::DELETE, &cascade, None).await.0,
        204
    );
    let member = format!("/api/v1/agents/{member}");
    assert_eq!(
        send(&app, &teacher, Method::GET, &member, None).await.0,
        404
    );

    assert_eq!(
        send(&app, &teacher, Method::DELETE, &path, None).await.0,
        204
    );
    assert_eq!(send(&app, &teacher, Method::GET, &path, None).await.0, 404);
    for (event, count) in [
        ("agent_created", 3),
        ("agent_updated", 2),
        ("agent_deleted", 1),
    ] {
        let (_, audit) = send(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/audit?event_type={event}"),
            None,
        )
        .await;
        assert_eq!(audit["total"], count, "{event}: {audit}");
    }
    let (_, deleted) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=agent_deleted",
        None,
    )
    .await;
    assert_eq!(
        deleted["items"][0]["detail"]["slug"], "greeter",
        "{deleted}"
    );
    let (_, projects) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=project_deleted",
        None,
    )
    .await;
    assert_eq!(projects["items"][0]["detail"]["agents"], 1, "{projects}");
}

async fn a_shared_agent_needs_a_prompt_shared_as_widely(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let draft = json!({"name": "Draft", "command": "draft", "content": "Be kind."});
    let prompt = created(&app, &teacher, "/api/v1/prompts", draft).await;
    let agent = |visibility: &str| {
        json!({"name": "Kind", "slug": format!("kind-{visibility}"), "model": "llama3.2",
               "prompt_id": prompt, "visibility": visibility})
    };
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/agents",
        Some(agent("org")),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "prompt_id"),
        "{problem}"
    );
    let private = created(&app, &teacher, "/api/v1/agents", agent("private")).await;
    let path = format!("/api/v1/agents/{private}");
    let publish = json!({"visibility": "org"});
    let (status, problem) = send(&app, &teacher, Method::PATCH, &path, Some(publish.clone())).await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "prompt_id"),
        "{problem}"
    );
    let prompt_path = format!("/api/v1/prompts/{prompt}");
    let (status, _) = send(
        &app,
        &teacher,
        Method::PATCH,
        &prompt_path,
        Some(json!({"visibility": "org", "base_version": 1})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, shared) = send(&app, &teacher, Method::PATCH, &path, Some(publish)).await;
    assert_eq!(
        (status, shared["visibility"].as_str()),
        (200, Some("org")),
        "{shared}"
    );
}
