//! The shared model list: concurrent callers cause one upstream call, clones share the copy,
//! a delete or pull through the client shows at once, and a zero TTL asks every time.

use std::time::Duration;

use futures_util::future::join_all;
use owp_ollama_client::fake::{DEFAULT_EMBEDDING_MODEL, FakeModel};
use owp_ollama_client::{ClientConfig, OllamaClient};

use crate::support::setup;

/// How many `GET /api/tags` the fake has answered.
fn tag_calls(fake: &owp_ollama_client::fake::FakeOllama) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path == "/api/tags")
        .count()
}

#[tokio::test]
async fn concurrent_callers_share_one_upstream_call() {
    let (fake, client) = setup().await;
    let clones: Vec<OllamaClient> = (0..32).map(|_| client.clone()).collect();
    let lists = join_all(clones.iter().map(OllamaClient::list_models)).await;
    assert!(lists.iter().all(|l| l.as_ref().unwrap().len() == 2));
    assert_eq!(tag_calls(&fake), 1, "single flight");
    client.list_models().await.unwrap();
    assert_eq!(tag_calls(&fake), 1, "served from the fresh copy");
}

#[tokio::test]
async fn deleting_or_pulling_through_the_client_shows_at_once() {
    let (fake, client) = setup().await;
    assert_eq!(client.list_models().await.unwrap().len(), 2);
    fake.add_model(FakeModel::embedding("nomic-embed-text", 768));
    assert_eq!(
        client.list_models().await.unwrap().len(),
        2,
        "a change behind the client's back waits for the copy to age"
    );
    client.delete(DEFAULT_EMBEDDING_MODEL).await.unwrap();
    let names: Vec<String> = client
        .list_models()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(
        !names.iter().any(|n| n == DEFAULT_EMBEDDING_MODEL),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "nomic-embed-text:latest"),
        "{names:?}"
    );
    client.pull("qwen2.5").await.unwrap();
    let listed = client.list_models().await.unwrap();
    assert!(
        listed.iter().any(|m| m.name == "qwen2.5:latest"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_zero_ttl_asks_ollama_every_time() {
    let (fake, _) = setup().await;
    let config = ClientConfig::new(&fake.url())
        .unwrap()
        .with_models_ttl(Duration::ZERO);
    let client = OllamaClient::new(&config).unwrap();
    client.list_models().await.unwrap();
    client.list_models().await.unwrap();
    assert_eq!(tag_calls(&fake), 2);
}
