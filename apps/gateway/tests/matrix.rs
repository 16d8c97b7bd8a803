//! The role × route matrix: every route, called as every kind of caller, answers exactly the
//! status this table says. Another organization's admin gets 404 for this organization's
//! objects (object-level isolation). A route missing from the table fails the test.

use std::collections::BTreeSet;

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

on_both_backends!(
    every_route_answers_every_role_as_the_table_says,
    no_spelling_of_a_path_gets_past_a_refusal,
);

/// Callers, in table column order.
const CALLERS: [&str; 7] = [
    "anonymous",
    "guest",
    "user",
    "instructor",
    "admin",
    "other_admin",
    "super_admin",
];

struct Row {
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expected: [u16; 7],
}

struct World {
    app: TestApp,
    tokens: Vec<Option<String>>,
    target: String,
    disposable: String,
    default_org: String,
    user_role: String,
    conversation: String,
    project: String,
    prompt: String,
    tool: String,
    agent: String,
    document: String,
    collection: String,
    /// A chunk of `document`, a member of `collection`.
    chunk: String,
    job: String,
    rag: String,
}

async fn create_user(
    app: &TestApp,
    admin: &str,
    email: &str,
    roles: &[&str],
    org: Option<&str>,
) -> String {
    let mut body = json!({"email": email});
    if let Some(org) = org {
        body["organization_id"] = json!(org);
    }
    let res = app
        .send_as(admin, Method::POST, "/api/v1/users", Some(body))
        .await;
    assert_eq!(res.status(), 201, "create {email}");
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send_as(
            admin,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(json!({"roles": roles})),
        )
        .await;
    assert_eq!(res.status(), 200, "roles of {email}");
    let res = app
        .send_as(
            admin,
            Method::PUT,
            &format!("/api/v1/users/{id}/password"),
            Some(json!({"password": "matrix-password"})),
        )
        .await;
    assert_eq!(res.status(), 204, "password of {email}");
    id
}

async fn token(app: &TestApp, email: &str) -> String {
    app.login(email, "matrix-password").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn world(backend: Backend) -> World {
    let app = TestApp::spawn(backend).await;
    let root = app.admin_token().await;
    let other_org: Value = app
        .send_as(
            &root,
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": "Other", "slug": "other"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let other_org = other_org["id"].as_str().unwrap().to_owned();
    for (email, roles, org) in [
        ("guest@example.org", vec!["guest"], None),
        ("user@example.org", vec!["user"], None),
        ("instructor@example.org", vec!["instructor"], None),
        ("admin@example.org", vec!["admin"], None),
        (
            "other-admin@example.org",
            vec!["admin"],
            Some(other_org.as_str()),
        ),
    ] {
        create_user(&app, &root, email, &roles, org).await;
    }
    let target = create_user(&app, &root, "target@example.org", &["user"], None).await;
    let disposable = create_user(&app, &root, "disposable@example.org", &["user"], None).await;
    let mut tokens = vec![None];
    for email in [
        "guest@example.org",
        "user@example.org",
        "instructor@example.org",
        "admin@example.org",
        "other-admin@example.org",
    ] {
        tokens.push(Some(token(&app, email).await));
    }
    tokens.push(Some(root.clone()));
    let me: Value = app
        .get_as(&root, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let roles: Value = app
        .get_as(&root, "/api/v1/roles")
        .await
        .json()
        .await
        .unwrap();
    let user_role = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "user")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let target_token = token(&app, "target@example.org").await;
    let conversation: Value = app
        .send_as(
            &target_token,
            Method::POST,
            "/api/v1/conversations",
            Some(json!({"title": "the target's"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let conversation = conversation["id"].as_str().unwrap().to_owned();
    let created = |res: reqwest::Response| async move {
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let project = created(
        app.send_as(
            &root,
            Method::POST,
            "/api/v1/projects",
            Some(json!({"name": "root's"})),
        )
        .await,
    )
    .await;
    let prompt = created(
        app.send_as(
            &target_token,
            Method::POST,
            "/api/v1/prompts",
            Some(json!({"name": "target's", "command": "targets", "content": "hi"})),
        )
        .await,
    )
    .await;
    let tool = created(
        app.send_as(
            &target_token,
            Method::POST,
            "/api/v1/tools",
            Some(json!({"name": "targets", "parameters": {"type": "object", "properties": {}}})),
        )
        .await,
    )
    .await;
    let agent = created(
        app.send_as(
            &target_token,
            Method::POST,
            "/api/v1/agents",
            Some(json!({"name": "target's", "slug": "targets", "model": "llama3.2"})),
        )
        .await,
    )
    .await;
    let document = created(
        app.upload_as(
            &target_token,
            "/api/v1/documents",
            "target.txt",
            b"the target's private notes".to_vec(),
            &[],
        )
        .await,
    )
    .await;
    let collection = created(
        app.send_as(
            &target_token,
            Method::POST,
            "/api/v1/collections",
            Some(json!({"name": "target's", "embedding_model": "all-minilm"})),
        )
        .await,
    )
    .await;
    let added: Value = app
        .send_as(
            &target_token,
            Method::POST,
            &format!("/api/v1/collections/{collection}/documents/{document}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let job = added["job_ids"][0].as_str().unwrap().to_owned();
    let chunks: Value = app
        .send_as(
            &target_token,
            Method::GET,
            &format!("/api/v1/documents/{document}/chunks"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let chunk = chunks["items"][0]["id"].as_str().unwrap().to_owned();
    let rag = created(
        app.send_as(
            &target_token,
            Method::POST,
            "/api/v1/rag-systems",
            Some(json!({"name": "target's", "collection_ids": [collection], "chat_model": "llama3.2"})),
        )
        .await,
    )
    .await;
    World {
        rag,
        collection,
        chunk,
        job,
        document,
        app,
        conversation,
        project,
        prompt,
        tool,
        agent,
        tokens,
        target,
        disposable,
        default_org: me["organization"]["id"].as_str().unwrap().to_owned(),
        user_role,
    }
}

fn row(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expected: [u16; 7],
) -> Row {
    Row {
        method,
        template,
        path,
        body,
        expected,
    }
}

const NO_ID: &str = "0190a000-0000-7000-8000-000000000000";

fn table(w: &World) -> Vec<Row> {
    let t = &w.target;
    let d = &w.disposable;
    let c = &w.conversation;
    let (p, pr, tl, ag, dc) = (&w.project, &w.prompt, &w.tool, &w.agent, &w.document);
    let (cl, jb, rg, ck) = (&w.collection, &w.job, &w.rag, &w.chunk);
    let all = |s: u16| [s; 7];
    // Content another user keeps private: only the organization's admins reach it.
    let hidden = |s: u16| [401, 404, 404, 404, s, 404, s];
    let hidden_write = |s: u16| [401, 403, 404, 404, s, 404, s];
    let nothing_there = [401, 403, 404, 404, 404, 404, 404];
    let readers = [401, 200, 200, 200, 200, 200, 200];
    let writers = [401, 403, 201, 201, 201, 201, 201];
    let signed_in = |s: u16| [401, s, s, s, s, s, s];
    let admins = |s: u16, other: u16, sup: u16| [401, 403, 403, 403, s, other, sup];
    vec![
        row(Method::GET, "/healthz", "/healthz".into(), None, all(200)),
        row(Method::GET, "/readyz", "/readyz".into(), None, all(200)),
        row(Method::GET, "/metrics", "/metrics".into(), None, all(200)),
        row(
            Method::GET,
            "/api/v1/instance",
            "/api/v1/instance".into(),
            None,
            all(200),
        ),
        row(
            Method::POST,
            "/api/v1/auth/login",
            "/api/v1/auth/login".into(),
            Some(json!({"email": "{caller}@nobody.example.org", "password": "wrong-password"})),
            all(401),
        ),
        row(
            Method::POST,
            "/api/v1/auth/token",
            "/api/v1/auth/token".into(),
            None,
            all(401),
        ),
        row(
            Method::POST,
            "/api/v1/auth/refresh",
            "/api/v1/auth/refresh".into(),
            Some(json!({"refresh_token": "not-a-token"})),
            all(401),
        ),
        row(
            Method::POST,
            "/api/v1/auth/register",
            "/api/v1/auth/register".into(),
            Some(json!({"email": "not-an-email", "password": "long-enough"})),
            all(422),
        ),
        row(
            Method::GET,
            "/api/v1/auth/me",
            "/api/v1/auth/me".into(),
            None,
            signed_in(200),
        ),
        row(
            Method::POST,
            "/api/v1/auth/change-password",
            "/api/v1/auth/change-password".into(),
            Some(json!({"current_password": "not-it-at-all", "new_password": "whatever-long"})),
            signed_in(422),
        ),
        row(
            Method::POST,
            "/api/v1/users",
            "/api/v1/users".into(),
            Some(json!({"email": "{caller}@new.example.org"})),
            admins(201, 201, 201),
        ),
        row(
            Method::GET,
            "/api/v1/users",
            "/api/v1/users".into(),
            None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/admin/users/pending",
            "/api/v1/admin/users/pending".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{t}"),
            None,
            [401, 403, 403, 200, 200, 404, 200],
        ),
        row(
            Method::PATCH,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{t}"),
            Some(json!({"full_name": "Renamed"})),
            admins(200, 404, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/users/{id}",
            format!("/api/v1/users/{d}"),
            None,
            admins(200, 404, 200),
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/password",
            format!("/api/v1/users/{t}/password"),
            Some(json!({"password": "a-new-password"})),
            admins(204, 404, 204),
        ),
        row(
            Method::GET,
            "/api/v1/users/{id}/grants",
            format!("/api/v1/users/{t}/grants"),
            None,
            [401, 403, 403, 200, 200, 404, 200],
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/grants",
            format!("/api/v1/users/{t}/grants"),
            Some(json!({"allowed_model_ids": ["llama3.2:latest"]})),
            admins(200, 404, 200),
        ),
        row(
            Method::POST,
            "/api/v1/admin/users/{id}/approve",
            format!("/api/v1/admin/users/{t}/approve"),
            Some(json!({"approved": true})),
            admins(409, 404, 409),
        ),
        row(
            Method::POST,
            "/api/v1/users/{id}/api-keys",
            format!("/api/v1/users/{t}/api-keys"),
            Some(json!({"label": "ci"})),
            admins(201, 404, 201),
        ),
        row(
            Method::GET,
            "/api/v1/users/{id}/api-keys",
            format!("/api/v1/users/{t}/api-keys"),
            None,
            admins(200, 404, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/users/{id}/api-keys/{key_id}",
            format!("/api/v1/users/{t}/api-keys/{NO_ID}"),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::POST,
            "/api/v1/me/api-keys",
            "/api/v1/me/api-keys".into(),
            Some(json!({"label": "mine"})),
            [401, 403, 201, 201, 201, 201, 201],
        ),
        row(
            Method::GET,
            "/api/v1/me/api-keys",
            "/api/v1/me/api-keys".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::DELETE,
            "/api/v1/me/api-keys/{key_id}",
            format!("/api/v1/me/api-keys/{NO_ID}"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/audit",
            "/api/v1/audit".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/audit/verify",
            "/api/v1/audit/verify".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/audit/export",
            "/api/v1/audit/export".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/permissions",
            "/api/v1/permissions".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/roles",
            "/api/v1/roles".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::POST,
            "/api/v1/roles",
            "/api/v1/roles".into(),
            Some(json!({"name": "{caller}-role"})),
            admins(201, 201, 201),
        ),
        row(
            Method::GET,
            "/api/v1/roles/{id}",
            format!("/api/v1/roles/{}", w.user_role),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::PATCH,
            "/api/v1/roles/{id}",
            format!("/api/v1/roles/{}", w.user_role),
            Some(json!({"description": "changed"})),
            admins(403, 403, 403),
        ),
        row(
            Method::DELETE,
            "/api/v1/roles/{id}",
            format!("/api/v1/roles/{NO_ID}"),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::GET,
            "/api/v1/organizations",
            "/api/v1/organizations".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::POST,
            "/api/v1/organizations",
            "/api/v1/organizations".into(),
            Some(json!({"name": "New", "slug": "{caller}"})),
            admins(403, 403, 201),
        ),
        row(
            Method::GET,
            "/api/v1/organizations/{id}",
            format!("/api/v1/organizations/{}", w.default_org),
            None,
            admins(200, 404, 200),
        ),
        row(
            Method::PATCH,
            "/api/v1/organizations/{id}",
            format!("/api/v1/organizations/{}", w.default_org),
            Some(json!({"name": "Default organization"})),
            admins(403, 403, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/organizations/{id}",
            format!("/api/v1/organizations/{NO_ID}"),
            None,
            admins(403, 403, 404),
        ),
        row(
            Method::GET,
            "/api/v1/models",
            "/api/v1/models".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/models/{name}",
            "/api/v1/models/llama3.2:latest".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/embeddings",
            "/api/v1/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/v1/models",
            "/v1/models".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/v1/models/{model}",
            "/v1/models/llama3.2".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/v1/embeddings",
            "/v1/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/models/pull",
            "/api/v1/models/pull".into(),
            Some(json!({"name": "{caller}-model"})),
            admins(200, 200, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/models/{name}",
            "/api/v1/models/not-installed".into(),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::POST,
            "/v1/chat/completions",
            "/v1/chat/completions".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}]}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/invitations",
            "/api/v1/invitations".into(),
            Some(json!({"email": "{caller}@invite.example.org"})),
            admins(201, 201, 201),
        ),
        row(
            Method::GET,
            "/api/v1/invitations",
            "/api/v1/invitations".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/invitations/{id}",
            format!("/api/v1/invitations/{NO_ID}"),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::POST,
            "/api/v1/auth/accept-invite",
            "/api/v1/auth/accept-invite".into(),
            Some(json!({"token": "not-a-token", "password": "long-enough-pw"})),
            all(404),
        ),
        row(
            Method::POST,
            "/api/v1/chat",
            "/api/v1/chat".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}]}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/conversations",
            "/api/v1/conversations".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/conversations",
            "/api/v1/conversations".into(),
            Some(json!({"title": "mine"})),
            [401, 403, 201, 201, 201, 201, 201],
        ),
        row(
            Method::GET,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::PATCH,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            Some(json!({"title": "taken over"})),
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::DELETE,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/conversations/{id}/messages",
            format!("/api/v1/conversations/{c}/messages"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/usage",
            "/api/v1/usage".into(),
            None,
            signed_in(200),
        ),
        row(
            Method::GET,
            "/api/v1/admin/usage",
            "/api/v1/admin/usage".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/users/{id}/quota",
            format!("/api/v1/users/{t}/quota"),
            None,
            [401, 403, 403, 200, 200, 404, 200],
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/quota",
            format!("/api/v1/users/{t}/quota"),
            Some(json!({"daily_tokens": 100000})),
            admins(200, 404, 200),
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/api-keys/{key_id}/quota",
            format!("/api/v1/users/{t}/api-keys/{NO_ID}/quota"),
            Some(json!({"daily_tokens": 1000})),
            admins(404, 404, 404),
        ),
        row(
            Method::GET,
            "/ollama/api/version",
            "/ollama/api/version".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/ollama/api/tags",
            "/ollama/api/tags".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/show",
            "/ollama/api/show".into(),
            Some(json!({"model": "llama3.2:latest"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/chat",
            "/ollama/api/chat".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}], "stream": false}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/generate",
            "/ollama/api/generate".into(),
            Some(json!({"model": "llama3.2:latest", "prompt": "hi", "stream": false})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/embed",
            "/ollama/api/embed".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/embeddings",
            "/ollama/api/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "prompt": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::DELETE,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/projects",
            "/api/v1/projects".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/projects",
            "/api/v1/projects".into(),
            Some(json!({"name": "{caller}'s"})),
            [401, 403, 403, 201, 201, 201, 201],
        ),
        row(
            Method::GET,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{p}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{p}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::PUT,
            "/api/v1/projects/{id}/members/{user_id}",
            format!("/api/v1/projects/{p}/members/{t}"),
            Some(json!({"role": "viewer"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/projects/{id}/members/{user_id}",
            format!("/api/v1/projects/{p}/members/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/prompts",
            "/api/v1/prompts".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/prompts",
            "/api/v1/prompts".into(),
            Some(json!({"name": "mine", "command": "{caller}", "content": "hi"})),
            writers,
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{pr}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{pr}"),
            Some(json!({"base_version": 1, "name": "renamed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}/versions",
            format!("/api/v1/prompts/{pr}/versions"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}/versions/{n}",
            format!("/api/v1/prompts/{pr}/versions/1"),
            None,
            hidden(200),
        ),
        row(
            Method::POST,
            "/api/v1/prompts/{id}/versions/{n}/restore",
            format!("/api/v1/prompts/{pr}/versions/1/restore"),
            None,
            hidden_write(200),
        ),
        row(
            Method::POST,
            "/api/v1/prompts/{id}/render",
            format!("/api/v1/prompts/{pr}/render"),
            Some(json!({"variables": {}})),
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/tools",
            "/api/v1/tools".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/tools",
            "/api/v1/tools".into(),
            Some(json!({"name": "{caller}", "parameters": {"type": "object", "properties": {}}})),
            writers,
        ),
        row(
            Method::GET,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{tl}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{tl}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::GET,
            "/api/v1/agents",
            "/api/v1/agents".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/agents",
            "/api/v1/agents".into(),
            Some(json!({"name": "mine", "slug": "{caller}", "model": "llama3.2"})),
            writers,
        ),
        row(
            Method::GET,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{ag}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{ag}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/documents",
            "/api/v1/documents".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/documents",
            "/api/v1/documents".into(),
            None,
            writers,
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{dc}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}/text",
            format!("/api/v1/documents/{dc}/text"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}/chunks",
            format!("/api/v1/documents/{dc}/chunks"),
            None,
            hidden(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/collections",
            "/api/v1/collections".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/collections",
            "/api/v1/collections".into(),
            Some(json!({"name": "{caller}", "embedding_model": "all-minilm"})),
            writers,
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{cl}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{cl}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}/documents",
            format!("/api/v1/collections/{cl}/documents"),
            None,
            hidden(200),
        ),
        row(
            Method::POST,
            "/api/v1/collections/{id}/documents/{document_id}",
            format!("/api/v1/collections/{cl}/documents/{dc}"),
            None,
            hidden_write(202),
        ),
        row(
            Method::DELETE,
            "/api/v1/collections/{id}/documents/{document_id}",
            format!("/api/v1/collections/{cl}/documents/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::POST,
            "/api/v1/collections/{id}/search",
            format!("/api/v1/collections/{cl}/search"),
            Some(json!({"query": "notes"})),
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}/chunks/{chunk_id}",
            format!("/api/v1/collections/{cl}/chunks/{ck}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{jb}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/jobs/{id}/events",
            format!("/api/v1/jobs/{jb}/events"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/rag-systems",
            "/api/v1/rag-systems".into(),
            None,
            readers,
        ),
        row(
            Method::POST,
            "/api/v1/rag-systems",
            "/api/v1/rag-systems".into(),
            Some(json!({"name": "{caller}", "collection_ids": [cl], "chat_model": "llama3.2"})),
            [401, 403, 422, 422, 201, 422, 201],
        ),
        row(
            Method::GET,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{rg}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{rg}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{NO_ID}"),
            None,
            nothing_there,
        ),
        row(
            Method::POST,
            "/api/v1/rag-systems/{id}/query",
            format!("/api/v1/rag-systems/{rg}/query"),
            Some(json!({"question": "notes?", "stream": false})),
            [401, 403, 404, 404, 200, 404, 200],
        ),
        row(
            Method::POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            None,
            signed_in(204),
        ),
    ]
}

/// Replaces `{caller}` in string values so create routes get a fresh name per caller.
fn personalise(body: &Value, caller: &str) -> Value {
    match body {
        Value::String(s) => Value::String(s.replace("{caller}", &caller.replace('_', "-"))),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), personalise(v, caller)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Calls `path` as the caller of `column` with the row's method and body; the status.
async fn send(w: &World, row: &Row, column: usize, caller: &str, path: &str) -> u16 {
    let mut request = w.app.client.request(row.method.clone(), w.app.url(path));
    if let Some(token) = &w.tokens[column] {
        request = request.bearer_auth(token);
    }
    if row.template == "/api/v1/documents" && row.method == Method::POST {
        // A file of its own per caller and spelling, so none is answered as a duplicate.
        let text = format!("notes of {caller} at {path}");
        let part = reqwest::multipart::Part::bytes(text.into_bytes()).file_name("notes.txt");
        request = request.multipart(reqwest::multipart::Form::new().part("file", part));
    } else if row.template == "/api/v1/auth/token" {
        request = request.form(&[
            ("username", format!("{caller}@form.example.org").as_str()),
            ("password", "wrong-password"),
        ]);
    } else if let Some(body) = &row.body {
        request = request.json(&personalise(body, caller));
    }
    request.send().await.unwrap().status().as_u16()
}

fn percent(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// Spellings of `path` a client can send: every character percent-encoded, one character of
/// each segment encoded (first and last), each slash doubled, a trailing slash, upper case and
/// capitalised segments.
fn variants(path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let encode_in_segment = |index: usize, pick: fn(&str) -> usize| {
        let mut parts: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        let segment = segments[index];
        let at = pick(segment);
        let c = segment[at..].chars().next().unwrap();
        parts[index] = format!(
            "{}{}{}",
            &segment[..at],
            percent(c),
            &segment[at + c.len_utf8()..]
        );
        parts.join("/")
    };
    let mut out = vec![
        path.chars()
            .map(|c| if c == '/' { "/".to_owned() } else { percent(c) })
            .collect::<String>(),
    ];
    for (index, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        out.push(encode_in_segment(index, |_| 0));
        out.push(encode_in_segment(index, |s| {
            s.char_indices().last().map_or(0, |(i, _)| i)
        }));
    }
    for (i, c) in path.char_indices() {
        if c == '/' {
            out.push(format!("{}/{}", &path[..i], &path[i..]));
        }
    }
    out.push(format!("{path}/"));
    out.push(path.to_uppercase());
    out.push(
        segments
            .iter()
            .map(|s| {
                let mut chars = s.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            })
            .collect::<Vec<_>>()
            .join("/"),
    );
    out.sort();
    out.dedup();
    out.retain(|v| v != path);
    out
}

/// Every caller the table refuses a route (401 or 403) is refused alike, or finds no route
/// (404), however the path is spelt: the access check judges what the router matches.
async fn no_spelling_of_a_path_gets_past_a_refusal(backend: Backend) {
    let w = world(backend).await;
    let mut failures = Vec::new();
    let mut tried = 0;
    for row in &table(&w) {
        for (column, caller) in CALLERS.iter().enumerate() {
            let expected = row.expected[column];
            if expected != 401 && expected != 403 {
                continue;
            }
            for variant in variants(&row.path) {
                tried += 1;
                let status = send(&w, row, column, caller, &variant).await;
                // 429: the sign-in routes throttle this many wrong attempts, still a refusal.
                if ![expected, 404, 429].contains(&status) {
                    failures.push(format!(
                        "{} {variant} as {caller}: got {status}, want {expected} or 404",
                        row.method
                    ));
                }
            }
        }
    }
    assert!(tried > 1000, "only {tried} spellings were tried");
    assert!(
        failures.is_empty(),
        "{} spellings got past a refusal:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn every_route_answers_every_role_as_the_table_says(backend: Backend) {
    let w = world(backend).await;
    let rows = table(&w);

    let spec: Value = w.app.get("/openapi.json").await.json().await.unwrap();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    assert_eq!(
        covered, documented,
        "the matrix must list exactly the documented routes"
    );

    let mut failures = Vec::new();
    for row in &rows {
        for (column, caller) in CALLERS.iter().enumerate() {
            let status = send(&w, row, column, caller, &row.path).await;
            if status != row.expected[column] {
                failures.push(format!(
                    "{} {} as {caller}: got {status}, want {}",
                    row.method, row.template, row.expected[column]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
