//! Collections: uploads indexed by jobs and found by vector, lexical and hybrid search with
//! positions; a new embedding model rebuilds into a new generation (a new dimension is fine);
//! bad input, grants and visibility; a job left by a crashed replica is taken over.

use owp_ollama_client::fake::FakeModel;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{field_of, other_org_admin, send, upload};

on_both_backends!(
    uploads_are_indexed_and_found_with_their_positions,
    a_new_embedding_model_rebuilds_into_a_new_dimension,
    collections_refuse_bad_input_and_follow_the_visibility_rule,
    a_job_left_by_a_crashed_replica_is_taken_over,
);

/// Two replicas on one PostgreSQL database share the queue: every job runs exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_run_each_job_once() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::builder(Backend::Postgres)
        .database_url(first.database_url())
        .spawn()
        .await;
    let (_, teacher) = first
        .user_token("teacher@example.org", &["instructor"])
        .await;
    let id = collection(
        &first,
        &teacher,
        json!({"name": "Shared queue", "embedding_model": "all-minilm", "chunking": {"size": 100}}),
    )
    .await;
    for i in 0..12 {
        let text = format!("Document {i}: llamas hum and weather changes. ").repeat(12);
        let (status, _) = upload(
            &second,
            &teacher,
            &format!("d{i}.txt"),
            text.as_bytes(),
            &[("collection_id", &id)],
        )
        .await;
        assert_eq!(status, 201);
    }
    settle(&first, &teacher, &id).await;
    let id2 = id.clone();
    let attempts: Vec<i64> = first
        .database()
        .run(move |conn| {
            use diesel::prelude::*;
            use owp_db::schema::jobs as j;
            j::table
                .filter(j::collection_id.eq(&id2))
                .select(j::attempts)
                .load(conn)
                .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(attempts, vec![1; 12], "no job was claimed twice");
    let calls = first
        .ollama()
        .requests()
        .iter()
        .filter(|r| r.path == "/api/embed")
        .count()
        + second
            .ollama()
            .requests()
            .iter()
            .filter(|r| r.path == "/api/embed")
            .count();
    let (_, ready) = send(
        &first,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(ready["indexed"], 12, "{ready}");
    assert_eq!(
        calls, 12,
        "one embedding call per document (each fits one batch), none repeated"
    );
}

pub const LLAMAS: &str = "# Llamas\n\n## Food\n\nLlamas eat grass and hay in the mountains.\n\n\
## Wool\n\nLlama wool is shorn once a year and spun into yarn.\n";
pub const RUST: &str = "# Rust\n\nThe borrow checker enforces ownership rules at compile time.\n";
pub const WEATHER: &str = "Rain and thunderstorms are expected over the coast tomorrow.\n";

/// Follows a job's events to its end; the last event's name and job.
pub(crate) async fn follow(app: &TestApp, token: &str, job: &str) -> (String, Value) {
    let res = app
        .get_as(token, &format!("/api/v1/jobs/{job}/events"))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let body = res.text().await.unwrap();
    let last = body
        .split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .last()
        .unwrap_or_else(|| panic!("no events: {body:?}"));
    let name = last
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("event: ")
        .to_owned();
    let data = last.lines().nth(1).unwrap().trim_start_matches("data: ");
    (name, serde_json::from_str(data).unwrap())
}

/// Waits (by following their events) until every job of the collection's active generation
/// has ended.
pub async fn settle(app: &TestApp, token: &str, collection: &str) {
    let (_, members) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/collections/{collection}/documents"),
        None,
    )
    .await;
    for member in members["items"].as_array().unwrap() {
        let (event, job) = follow(app, token, member["job_id"].as_str().unwrap()).await;
        assert_eq!(event, "done", "{job}");
    }
}

pub(crate) async fn collection(app: &TestApp, token: &str, body: Value) -> String {
    let (status, made) = send(app, token, Method::POST, "/api/v1/collections", Some(body)).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn search(app: &TestApp, token: &str, collection: &str, body: Value) -> Value {
    let (status, found) = send(
        app,
        token,
        Method::POST,
        &format!("/api/v1/collections/{collection}/search"),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    found
}

pub(crate) fn titles(found: &Value) -> Vec<String> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["document_title"].as_str().unwrap().to_owned())
        .collect()
}

async fn uploads_are_indexed_and_found_with_their_positions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let id = collection(&app, &teacher, json!({"name": "Farm", "embedding_model": "all-minilm", "visibility": "org", "chunking": {"size": 200, "overlap": 20}})).await;
    let (_, made) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(made["embedding_model"], "all-minilm:latest");
    assert_eq!(made["distance"], "cosine");
    assert_eq!(made["backend"], "builtin");
    assert_eq!(made["generation"], 1);
    assert_eq!(made["dimensions"], Value::Null);
    assert_eq!(
        made["chunking"],
        json!({"strategy": "characters", "size": 200, "overlap": 20})
    );

    for (name, text, tags) in [
        ("llamas.md", LLAMAS, "animals"),
        ("rust.md", RUST, "code"),
        ("weather.txt", WEATHER, "news"),
    ] {
        let (status, doc) = upload(
            &app,
            &teacher,
            name,
            text.as_bytes(),
            &[
                ("collection_id", &id),
                ("tags", tags),
                ("visibility", "org"),
            ],
        )
        .await;
        assert_eq!(status, 201, "{doc}");
    }
    settle(&app, &teacher, &id).await;
    let (_, ready) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(ready["state"], "ready", "{ready}");
    assert_eq!(
        (ready["documents"].as_i64(), ready["indexed"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(ready["dimensions"], 384);

    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "what do llamas eat", "mode": "vector", "top_k": 3}),
    )
    .await;
    assert_eq!(found["state"], "ready");
    assert_eq!(titles(&found)[0], "llamas.md", "{found}");
    let best = &found["results"][0];
    assert!(best["text"].as_str().unwrap().contains("grass"), "{best}");
    assert_eq!(best["position"]["heading_path"][0], "Llamas", "{best}");
    assert!(best["position"]["end"].as_u64().unwrap() > 0, "{best}");
    assert!(best["score"].as_f64().unwrap() > 0.0);

    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "borrow checker", "mode": "lexical"}),
    )
    .await;
    assert_eq!(titles(&found), vec!["rust.md"], "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "thunderstorms coast", "mode": "hybrid", "top_k": 2}),
    )
    .await;
    assert_eq!(titles(&found)[0], "weather.txt", "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "llama wool yarn", "filter": {"tags": ["code"]}}),
    )
    .await;
    assert!(titles(&found).iter().all(|t| t == "rust.md"), "{found}");
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "llamas", "mode": "vector", "min_score": 0.99}),
    )
    .await;
    assert!(found["results"].as_array().unwrap().is_empty(), "{found}");

    // Removing a document takes its vectors out of the answers.
    let (_, members) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}/documents"),
        None,
    )
    .await;
    assert_eq!(members["total"], 3);
    let llamas = members["items"][0]["document_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(members["items"][0]["state"], "done");
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{id}/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "what do llamas eat", "mode": "vector"}),
    )
    .await;
    assert!(!titles(&found).contains(&"llamas.md".to_owned()), "{found}");
    // Adding it back queues it again; deleting the document takes it out everywhere.
    let (status, added) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("/api/v1/collections/{id}/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 202, "{added}");
    let (event, _) = follow(&app, &teacher, added["job_ids"][0].as_str().unwrap()).await;
    assert_eq!(event, "done");
    assert_eq!(
        titles(
            &search(
                &app,
                &teacher,
                &id,
                json!({"query": "what do llamas eat", "mode": "vector"})
            )
            .await
        )[0],
        "llamas.md"
    );
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/documents/{llamas}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let found = search(&app, &teacher, &id, json!({"query": "what do llamas eat"})).await;
    assert!(!titles(&found).contains(&"llamas.md".to_owned()), "{found}");

    let admin = app.admin_token().await;
    for event in [
        "collection_created",
        "collection_document_added",
        "collection_document_removed",
    ] {
        let (_, page) = send(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/audit?event_type={event}"),
            None,
        )
        .await;
        assert!(!page["items"].as_array().unwrap().is_empty(), "{event}");
    }
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

async fn a_new_embedding_model_rebuilds_into_a_new_dimension(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ollama()
        .add_model(FakeModel::embedding("nomic-embed-text:latest", 768));
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let id = collection(
        &app,
        &teacher,
        json!({"name": "Notes", "embedding_model": "all-minilm"}),
    )
    .await;
    for (name, text) in [("llamas.md", LLAMAS), ("rust.md", RUST)] {
        upload(
            &app,
            &teacher,
            name,
            text.as_bytes(),
            &[("collection_id", &id)],
        )
        .await;
    }
    settle(&app, &teacher, &id).await;

    let (status, changed) = send(
        &app,
        &teacher,
        Method::PATCH,
        &format!("/api/v1/collections/{id}"),
        Some(json!({"embedding_model": "nomic-embed-text"})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    // Until the rebuild is complete, the first generation answers.
    if !changed["rebuild"].is_null() {
        assert_eq!(changed["generation"], 1);
        assert_eq!(changed["rebuild"]["generation"], 2);
        assert_eq!(
            changed["rebuild"]["embedding_model"],
            "nomic-embed-text:latest"
        );
    }
    let jobs: Vec<String> = {
        let db = app.database().clone();
        let id = id.clone();
        db.run(move |conn| {
            use diesel::prelude::*;
            use owp_db::schema::{collection_generations as g, jobs as j};
            j::table
                .inner_join(g::table)
                .filter(j::collection_id.eq(&id))
                .filter(g::number.eq(2_i64))
                .select(j::id)
                .load(conn)
                .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap()
    };
    for job in &jobs {
        let (event, state) = follow(&app, &teacher, job).await;
        // A job of a generation that became active may be gone with the old one's cleanup:
        // only the outcome matters.
        assert_eq!(event, "done", "{state}");
    }
    let (_, rebuilt) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(rebuilt["generation"], 2, "{rebuilt}");
    assert_eq!(rebuilt["dimensions"], 768);
    assert_eq!(rebuilt["embedding_model"], "nomic-embed-text:latest");
    assert!(rebuilt["rebuild"].is_null());
    assert_eq!(rebuilt["indexed"], 2);
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "what do llamas eat", "mode": "vector"}),
    )
    .await;
    assert_eq!(found["generation"], 2);
    assert_eq!(titles(&found)[0], "llamas.md", "{found}");

    // A new chunking rebuilds too; with no change nothing is rebuilt.
    let (_, same) = send(
        &app,
        &teacher,
        Method::PATCH,
        &format!("/api/v1/collections/{id}"),
        Some(json!({"embedding_model": "nomic-embed-text:latest", "name": "Renamed"})),
    )
    .await;
    assert!(same["rebuild"].is_null(), "{same}");
    assert_eq!(same["name"], "Renamed");
}

async fn collections_refuse_bad_input_and_follow_the_visibility_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    for (body, field) in [
        (json!({"name": "", "embedding_model": "all-minilm"}), "name"),
        (
            json!({"name": "x", "embedding_model": ""}),
            "embedding_model",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "chunking": {"size": 10}}),
            "chunking.size",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "chunking": {"size": 500, "overlap": 300}}),
            "chunking.overlap",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "visibility": "project"}),
            "project_id",
        ),
    ] {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/collections",
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(field_of(&problem), field, "{problem}");
    }
    let (status, _) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "x", "embedding_model": "all-minilm", "distance": "manhattan"})),
    )
    .await;
    assert!(status == 400 || status == 422, "{status}");
    if backend == Backend::Sqlite {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/collections",
            Some(json!({"name": "x", "embedding_model": "all-minilm", "backend": "pgvector"})),
        )
        .await;
        assert_eq!((status, field_of(&problem)), (422, "backend"), "{problem}");
    }
    let shared = collection(
        &app,
        &teacher,
        json!({"name": "Shared", "embedding_model": "all-minilm", "visibility": "org"}),
    )
    .await;
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "Shared", "embedding_model": "all-minilm"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");

    // Bob reads and searches the shared collection but may not change it.
    let (status, _) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/collections/{shared}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &app,
        &bob,
        Method::PATCH,
        &format!("/api/v1/collections/{shared}"),
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(status, 403);
    let (_, bobs_doc) = upload(
        &app,
        &bob,
        "bob.txt",
        b"bob's private diary about llamas",
        &[],
    )
    .await;
    let bobs_doc = bobs_doc["id"].as_str().unwrap();
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/collections/{shared}/documents/{bobs_doc}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // The teacher cannot add a document she cannot see.
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("/api/v1/collections/{shared}/documents/{bobs_doc}"),
        None,
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "document_id"),
        "{problem}"
    );
    // A private document in a shared collection answers only its owner.
    let (_, secret) = upload(
        &app,
        &teacher,
        "secret.txt",
        b"the secret recipe for llama treats",
        &[("collection_id", &shared)],
    )
    .await;
    assert_eq!(secret["visibility"], "private");
    settle(&app, &teacher, &shared).await;
    let found = search(
        &app,
        &teacher,
        &shared,
        json!({"query": "llama treats recipe"}),
    )
    .await;
    assert_eq!(titles(&found), vec!["secret.txt"]);
    let found = search(&app, &bob, &shared, json!({"query": "llama treats recipe"})).await;
    assert!(found["results"].as_array().unwrap().is_empty(), "{found}");
    for body in [
        json!({"query": ""}),
        json!({"query": "x", "top_k": 0}),
        json!({"query": "x", "top_k": 101}),
        json!({"query": "x", "mode": "fuzzy"}),
    ] {
        let (status, _) = send(
            &app,
            &teacher,
            Method::POST,
            &format!("/api/v1/collections/{shared}/search"),
            Some(body.clone()),
        )
        .await;
        assert!(status == 400 || status == 422, "{body}: {status}");
    }
    // Bad settings are refused even when nothing would be searched (Bob reads no member).
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/collections/{shared}/search"),
        Some(json!({"query": "x", "top_k": 0})),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "top_k"), "{problem}");
    // Another organisation sees nothing of it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/collections/{shared}")),
        (
            Method::GET,
            format!("/api/v1/collections/{shared}/documents"),
        ),
        (Method::DELETE, format!("/api/v1/collections/{shared}")),
    ] {
        let (status, _) = send(&app, &foreign, method, &path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = send(
        &app,
        &foreign,
        Method::POST,
        &format!("/api/v1/collections/{shared}/search"),
        Some(json!({"query": "llamas"})),
    )
    .await;
    assert_eq!(status, 404);
    let job = secret_job(&app, &teacher, &shared).await;
    let (status, _) = send(
        &app,
        &foreign,
        Method::GET,
        &format!("/api/v1/jobs/{job}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &foreign,
        Method::GET,
        &format!("/api/v1/jobs/{job}/events"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, got) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/jobs/{job}"),
        None,
    )
    .await;
    assert_eq!(
        (status, got["state"].as_str()),
        (200, Some("done")),
        "{got}"
    );
    // Uploading into a collection one may not write stores nothing.
    let (status, _) = upload(
        &app,
        &bob,
        "x.txt",
        b"sneaky",
        &[("collection_id", &shared)],
    )
    .await;
    assert_eq!(status, 403);
    let (status, problem) =
        upload(&app, &bob, "x.txt", b"sneaky", &[("collection_id", "nope")]).await;
    assert_eq!((status, field_of(&problem)), (422, "collection_id"));
    let (_, list) = send(&app, &bob, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 1, "{list}");
}

async fn secret_job(app: &TestApp, token: &str, collection: &str) -> String {
    let (_, members) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/collections/{collection}/documents"),
        None,
    )
    .await;
    members["items"][0]["job_id"].as_str().unwrap().to_owned()
}

async fn a_job_left_by_a_crashed_replica_is_taken_over(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let id = collection(&app, &teacher, json!({"name": "Crash", "embedding_model": "all-minilm", "chunking": {"size": 100, "overlap": 10}})).await;
    let long = "Llamas hum softly when they are curious. ".repeat(30);
    upload(
        &app,
        &teacher,
        "hum.txt",
        long.as_bytes(),
        &[("collection_id", &id)],
    )
    .await;
    upload(
        &app,
        &teacher,
        "rust.md",
        RUST.as_bytes(),
        &[("collection_id", &id)],
    )
    .await;
    settle(&app, &teacher, &id).await;
    let (_, members) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}/documents"),
        None,
    )
    .await;
    let (hum, rust) = (
        members["items"][0]["job_id"].as_str().unwrap().to_owned(),
        members["items"][1]["job_id"].as_str().unwrap().to_owned(),
    );
    let total = members["items"][0]["total"].as_i64().unwrap();
    assert!(total > 5, "{members}");

    // A replica died half-way through the first job (its lease ran out) and after its third
    // attempt at the second.
    let (h, r) = (hum.clone(), rust.clone());
    app.database()
        .run(move |conn| {
            use diesel::prelude::*;
            use owp_db::schema::{chunk_vectors as v, jobs as j};
            let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(5);
            let document: String = j::table.find(&h).select(j::document_id).first(conn)?;
            diesel::delete(v::table.filter(v::document_id.eq(&document))).execute(conn)?;
            diesel::update(j::table.find(&h))
                .set((
                    j::state.eq("running"),
                    j::done.eq(0_i64),
                    j::lease_owner.eq("crashed"),
                    j::lease_expires_at.eq(past),
                    j::attempts.eq(1_i64),
                ))
                .execute(conn)?;
            diesel::update(j::table.find(&r))
                .set((
                    j::state.eq("running"),
                    j::lease_owner.eq("crashed"),
                    j::lease_expires_at.eq(past),
                    j::attempts.eq(3_i64),
                ))
                .execute(conn)
                .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap();
    let (_, indexing) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(indexing["state"], "indexing", "{indexing}");
    let (event, job) = follow(&app, &teacher, &hum).await;
    assert_eq!(event, "done", "{job}");
    assert_eq!(
        (job["attempts"].as_i64(), job["done"].as_i64()),
        (Some(2), Some(total)),
        "{job}"
    );
    let (event, job) = follow(&app, &teacher, &rust).await;
    assert_eq!(event, "failed", "{job}");
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("interrupted 3 times"),
        "{job}"
    );
    let found = search(
        &app,
        &teacher,
        &id,
        json!({"query": "llamas hum", "mode": "vector"}),
    )
    .await;
    assert_eq!(titles(&found)[0], "hum.txt");
    let (_, after) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/collections/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (
            after["state"].as_str(),
            after["indexed"].as_i64(),
            after["failed"].as_i64()
        ),
        (Some("ready"), Some(1), Some(1)),
        "{after}"
    );
}
