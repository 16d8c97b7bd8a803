//! The organization, users and content the matrix calls routes on.

use owp_testkit::{Backend, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

/// The app, one token per caller column, and the objects the rows address.
pub struct World {
    pub app: TestApp,
    pub tokens: Vec<Option<String>>,
    pub target: String,
    pub disposable: String,
    pub default_org: String,
    pub user_role: String,
    pub conversation: String,
    pub project: String,
    pub prompt: String,
    pub tool: String,
    pub agent: String,
    pub document: String,
    pub collection: String,
    /// A chunk of `document`, a member of `collection`.
    pub chunk: String,
    pub job: String,
    pub rag: String,
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

pub async fn world(backend: Backend) -> World {
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
