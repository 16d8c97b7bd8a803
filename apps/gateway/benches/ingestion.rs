//! `make bench` (ingestion): wall time to upload 100 documents into a collection and have them
//! chunked, embedded (the fake Ollama) and indexed by the job workers, on SQLite and PostgreSQL.
//! Prints figures; asserts nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use owp_testkit::{Backend, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

const DOCUMENTS: usize = 100;
/// About 8 KB of text per document: 8 chunks of the default 1000 characters.
const SENTENCES: usize = 120;
const UPLOADERS: usize = 4;

fn document(i: usize) -> String {
    (0..SENTENCES)
        .map(|s| {
            format!(
                "Document {i} sentence {s} talks about llamas, wool and weather {}. ",
                (i * 31 + s) % 97
            )
        })
        .collect()
}

async fn bench(backend: Backend) {
    let app = Arc::new(
        TestApp::builder(backend)
            .workers(2)
            .env("LOG_FORMAT", "json")
            .env("RATE_LIMIT_PER_MINUTE", "1000000")
            .spawn()
            .await,
    );
    let admin = Arc::new(app.admin_token().await);
    let made: Value = app
        .send_as(
            &admin,
            Method::POST,
            "/api/v1/collections",
            Some(json!({"name": "bench", "embedding_model": "all-minilm"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let collection = Arc::new(made["id"].as_str().unwrap().to_owned());
    let started = Instant::now();
    let tasks: Vec<_> = (0..UPLOADERS)
        .map(|u| {
            let (app, admin, collection) = (app.clone(), admin.clone(), collection.clone());
            tokio::spawn(async move {
                for i in (u..DOCUMENTS).step_by(UPLOADERS) {
                    let res = app
                        .upload_as(
                            &admin,
                            "/api/v1/documents",
                            &format!("doc{i}.txt"),
                            document(i).into_bytes(),
                            &[("collection_id", &collection)],
                        )
                        .await;
                    assert_eq!(res.status(), 201);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let uploaded = started.elapsed();
    let state = loop {
        let state: Value = app
            .get_as(&admin, &format!("/api/v1/collections/{collection}"))
            .await
            .json()
            .await
            .unwrap();
        if state["indexed"].as_u64().unwrap_or(0) + state["failed"].as_u64().unwrap_or(0)
            >= DOCUMENTS as u64
        {
            break state;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "{state}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let total = started.elapsed();
    let chunks = app
        .ollama()
        .requests()
        .iter()
        .filter(|r| r.path == "/api/embed")
        .count();
    println!(
        "{backend:?}: {DOCUMENTS} documents ({} KB each, {} embed calls) uploaded in {:.2} s, \
         indexed (indexed {}, failed {}) after {:.2} s in all",
        document(0).len() / 1024,
        chunks,
        uploaded.as_secs_f64(),
        state["indexed"],
        state["failed"],
        total.as_secs_f64(),
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("ingestion (EMBED_BATCH_SIZE 16, JOB_WORKERS 2, fake Ollama):");
        bench(Backend::Sqlite).await;
        bench(Backend::Postgres).await;
    });
}
