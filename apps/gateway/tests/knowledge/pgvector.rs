//! Collections with `"backend": "pgvector"` on the PostgreSQL with pgvector: the life cycle of
//! `collections.rs` (create, upload into it, jobs, vector / lexical / hybrid search, remove and
//! re-add a member, delete a document, re-index to a model of another dimension, delete) with
//! the vectors in `pgvector_chunks`, and the same answers as a builtin collection of the same
//! documents.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use owp_ollama_client::fake::FakeModel;
use owp_testkit::{Backend, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::collections::{collection, follow, search, settle, titles};
use crate::{send, upload};

const LLAMAS: &str = "# Llamas\n\n## Food\n\nLlamas eat grass and hay in the mountains.\n\n\
## Wool\n\nLlama wool is shorn once a year and spun into yarn.\n";
const RUST: &str = "# Rust\n\nThe borrow checker enforces ownership rules at compile time.\n";
const WEATHER: &str = "Rain and thunderstorms are expected over the coast tomorrow.\n";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows of `table` (`pgvector_chunks` or `chunk_vectors`) for the collection's generations.
async fn vectors_of(app: &TestApp, table: &'static str, collection: &str) -> i64 {
    let collection = collection.to_owned();
    app.database()
        .run(move |conn| {
            diesel::sql_query(format!(
                "SELECT count(*) AS n FROM {table} v JOIN collection_generations g \
                 ON g.id = v.generation_id WHERE g.collection_id = $1"
            ))
            .bind::<Text, _>(collection)
            .get_result::<Count>(conn)
            .map(|c| c.n)
            .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = send(app, token, Method::GET, path, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// `(text, score)` of each result, for comparing two collections' answers (the chunks are the
/// same rows: both collections use the same chunking of the same documents).
fn ranking(found: &Value) -> Vec<(String, f64)> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["text"].as_str().unwrap().to_owned(),
                r["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pgvector_collection_lives_its_whole_life_like_a_builtin_one() {
    let app = TestApp::builder(Backend::Postgres).pgvector().spawn().await;
    app.ollama()
        .add_model(FakeModel::embedding("nomic-embed-text:latest", 768));
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let chunking = json!({"size": 200, "overlap": 20});
    let pg = collection(&app, &teacher, json!({"name": "Farm", "embedding_model": "all-minilm", "backend": "pgvector", "chunking": chunking})).await;
    let builtin = collection(
        &app,
        &teacher,
        json!({"name": "Farm (builtin)", "embedding_model": "all-minilm", "chunking": chunking}),
    )
    .await;
    let made = get(&app, &teacher, &format!("/api/v1/collections/{pg}")).await;
    assert_eq!(made["backend"], "pgvector");

    // Uploaded into the pgvector collection, then added to the builtin one as members.
    let mut documents = Vec::new();
    for (name, text) in [
        ("llamas.md", LLAMAS),
        ("rust.md", RUST),
        ("weather.txt", WEATHER),
    ] {
        let (status, doc) = upload(
            &app,
            &teacher,
            name,
            text.as_bytes(),
            &[("collection_id", &pg), ("visibility", "org")],
        )
        .await;
        assert_eq!(status, 201, "{doc}");
        let id = doc["id"].as_str().unwrap().to_owned();
        let (status, added) = send(
            &app,
            &teacher,
            Method::POST,
            &format!("/api/v1/collections/{builtin}/documents/{id}"),
            None,
        )
        .await;
        assert_eq!(status, 202, "{added}");
        documents.push(id);
    }
    settle(&app, &teacher, &pg).await;
    settle(&app, &teacher, &builtin).await;
    let ready = get(&app, &teacher, &format!("/api/v1/collections/{pg}")).await;
    assert_eq!(ready["state"], "ready", "{ready}");
    assert_eq!(ready["indexed"], 3);
    assert_eq!(ready["dimensions"], 384);
    let stored = vectors_of(&app, "pgvector_chunks", &pg).await;
    assert!(stored >= 3, "{stored}");
    assert_eq!(vectors_of(&app, "chunk_vectors", &pg).await, 0);
    assert_eq!(vectors_of(&app, "pgvector_chunks", &builtin).await, 0);

    // Each mode finds the expected document first, and both backends answer alike.
    for (query, mode, expected) in [
        ("what do llamas eat", "vector", "llamas.md"),
        ("borrow checker", "lexical", "rust.md"),
        ("thunderstorms coast", "hybrid", "weather.txt"),
        ("llama wool yarn", "hybrid", "llamas.md"),
    ] {
        let body = json!({"query": query, "mode": mode, "top_k": 5});
        let found = search(&app, &teacher, &pg, body.clone()).await;
        assert_eq!(titles(&found)[0], expected, "{mode} {query}: {found}");
        let reference = search(&app, &teacher, &builtin, body).await;
        let (ours, theirs) = (ranking(&found), ranking(&reference));
        assert_eq!(ours.len(), theirs.len(), "{found} {reference}");
        for ((text, score), (ref_text, ref_score)) in ours.iter().zip(&theirs) {
            assert_eq!(text, ref_text, "{mode} {query}");
            assert!((score - ref_score).abs() < 1e-5, "{mode} {query}");
        }
    }
    let best = &search(
        &app,
        &teacher,
        &pg,
        json!({"query": "what do llamas eat", "mode": "vector"}),
    )
    .await["results"][0];
    assert_eq!(best["position"]["heading_path"][0], "Llamas", "{best}");
    assert!(best["vector_score"].as_f64().unwrap() > 0.0, "{best}");

    // A member removed leaves the answers; added back, it is indexed again.
    let llamas = &documents[0];
    let member = format!("/api/v1/collections/{pg}/documents/{llamas}");
    let (status, _) = send(&app, &teacher, Method::DELETE, &member, None).await;
    assert_eq!(status, 204);
    let vector_query = json!({"query": "what do llamas eat", "mode": "vector"});
    let found = search(&app, &teacher, &pg, vector_query.clone()).await;
    assert!(!titles(&found).contains(&"llamas.md".to_owned()), "{found}");
    assert!(vectors_of(&app, "pgvector_chunks", &pg).await < stored);
    let (status, added) = send(&app, &teacher, Method::POST, &member, None).await;
    assert_eq!(status, 202, "{added}");
    let (event, job) = follow(&app, &teacher, added["job_ids"][0].as_str().unwrap()).await;
    assert_eq!(event, "done", "{job}");
    let found = search(&app, &teacher, &pg, vector_query.clone()).await;
    assert_eq!(titles(&found)[0], "llamas.md", "{found}");
    assert_eq!(vectors_of(&app, "pgvector_chunks", &pg).await, stored);

    // A deleted document leaves every collection (its vectors go by cascade).
    let weather = &documents[2];
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/documents/{weather}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let storm = json!({"query": "thunderstorms coast", "mode": "hybrid"});
    for id in [&pg, &builtin] {
        let found = search(&app, &teacher, id, storm.clone()).await;
        assert!(
            !titles(&found).contains(&"weather.txt".to_owned()),
            "{found}"
        );
    }
    let left = vectors_of(&app, "pgvector_chunks", &pg).await;
    assert!(left < stored, "{left} of {stored}");

    // Re-indexed with a model of another dimension: a second generation (768) beside the first
    // (384) in the same table, switched to when complete.
    let (status, changed) = send(
        &app,
        &teacher,
        Method::PATCH,
        &format!("/api/v1/collections/{pg}"),
        Some(json!({"embedding_model": "nomic-embed-text"})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    let jobs: Vec<String> = {
        let pg = pg.clone();
        app.database()
            .run(move |conn| {
                use owp_db::schema::{collection_generations as g, jobs as j};
                j::table
                    .inner_join(g::table)
                    .filter(j::collection_id.eq(&pg))
                    .filter(g::number.eq(2_i64))
                    .select(j::id)
                    .load(conn)
                    .map_err(owp_db::StoreError::from)
            })
            .await
            .unwrap()
    };
    assert_eq!(jobs.len(), 2);
    for job in &jobs {
        let (event, state) = follow(&app, &teacher, job).await;
        assert_eq!(event, "done", "{state}");
    }
    let rebuilt = get(&app, &teacher, &format!("/api/v1/collections/{pg}")).await;
    assert_eq!(rebuilt["generation"], 2, "{rebuilt}");
    assert_eq!(rebuilt["dimensions"], 768);
    assert_eq!(rebuilt["backend"], "pgvector");
    let found = search(&app, &teacher, &pg, vector_query.clone()).await;
    assert_eq!(found["generation"], 2);
    assert_eq!(titles(&found)[0], "llamas.md", "{found}");
    let found = search(
        &app,
        &teacher,
        &pg,
        json!({"query": "borrow checker ownership", "mode": "hybrid"}),
    )
    .await;
    assert_eq!(titles(&found)[0], "rust.md", "{found}");

    // Deleting the collection takes every generation's vectors.
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{pg}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let all = app
        .database()
        .run(|conn| {
            diesel::sql_query("SELECT count(*) AS n FROM pgvector_chunks")
                .get_result::<Count>(conn)
                .map(|c| c.n)
                .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(all, 0);
}
