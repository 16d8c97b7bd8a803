//! Version, model listing, show, running models and delete.

use owp_ollama_client::OllamaError;
use owp_ollama_client::fake::{DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL, FakeModel};

use crate::support::{ask, setup};

#[tokio::test]
async fn version_is_read_from_api_version() {
    let (fake, client) = setup().await;
    let version = client.version().await.unwrap();
    assert_eq!(version.split('.').count(), 3, "{version}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/api/version")
    );
}

#[tokio::test]
async fn list_models_returns_installed_models_with_details() {
    let (fake, client) = setup().await;
    fake.add_model(FakeModel::embedding("nomic-embed-text", 768));
    let models = client.list_models().await.unwrap();
    let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            DEFAULT_CHAT_MODEL,
            DEFAULT_EMBEDDING_MODEL,
            "nomic-embed-text:latest"
        ]
    );
    let llama = &models[0];
    assert_eq!(llama.details.family, "llama3.2");
    assert_eq!(llama.details.format, "gguf");
    assert_eq!(llama.digest.len(), 64);
    assert!(llama.size > 0);
}

#[tokio::test]
async fn show_reports_capabilities_and_model_info() {
    let (_fake, client) = setup().await;
    let info = client.show("all-minilm").await.unwrap();
    assert_eq!(info.capabilities, ["embedding"]);
    assert_eq!(info.model_info["all-minilm.embedding_length"], 384);
    assert!(info.modelfile.contains("FROM all-minilm:latest"));
    let chat = client.show(DEFAULT_CHAT_MODEL).await.unwrap();
    assert!(chat.capabilities.iter().any(|c| c == "tools"));
}

#[tokio::test]
async fn show_of_unknown_model_is_model_not_found() {
    let (_fake, client) = setup().await;
    let err = client.show("mistral:7b").await.unwrap_err();
    assert!(
        matches!(err, OllamaError::ModelNotFound { ref model } if model == "mistral:7b"),
        "{err:?}"
    );
}

#[tokio::test]
async fn running_models_are_those_used_since_start() {
    let (_fake, client) = setup().await;
    assert!(client.list_running().await.unwrap().is_empty());
    client.chat(&ask("llama3.2", "hello")).await.unwrap();
    let running = client.list_running().await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].name, DEFAULT_CHAT_MODEL);
    assert!(!running[0].expires_at.is_empty());
    assert_eq!(running[0].size_vram, running[0].size);
}

#[tokio::test]
async fn delete_removes_the_model_and_a_second_delete_is_model_not_found() {
    let (fake, client) = setup().await;
    client.delete(DEFAULT_CHAT_MODEL).await.unwrap();
    assert_eq!(fake.model_names(), [DEFAULT_EMBEDDING_MODEL]);
    let names: Vec<String> = client
        .list_models()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, [DEFAULT_EMBEDDING_MODEL]);
    let err = client.delete(DEFAULT_CHAT_MODEL).await.unwrap_err();
    assert!(
        matches!(err, OllamaError::ModelNotFound { ref model } if model == DEFAULT_CHAT_MODEL),
        "{err:?}"
    );
    let last = fake.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/api/delete")
    );
    assert_eq!(last.body["model"], DEFAULT_CHAT_MODEL);
}

#[tokio::test]
async fn ollama_rs_handle_shares_the_configured_server() {
    let (fake, client) = setup().await;
    let models = client.ollama_rs().list_local_models().await.unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(models[0].name, DEFAULT_CHAT_MODEL);
    assert_eq!(fake.requests()[0].path, "/api/tags");
}
