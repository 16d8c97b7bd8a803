//! Generations and the ingestion job queue: a new embedding model rebuilds into a new
//! generation (a new dimension is fine); two replicas run each job once; a job left by a
//! crashed replica is taken over.

use owp_ollama_client::fake::FakeModel;
use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::collections::{LLAMAS, RUST, collection, follow, search, settle, titles};
use crate::{send, upload};

on_both_backends!(
    a_new_embedding_model_rebuilds_into_a_new_dimension,
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
