//! Batch embeddings: dimensions, order and determinism.

use owp_ollama_client::OllamaError;
use owp_ollama_client::fake::FakeModel;
use owp_ollama_client::ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;

use crate::support::setup;

fn norm(vector: &[f32]) -> f32 {
    vector.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[tokio::test]
async fn batch_gives_one_unit_vector_per_input_with_the_model_dimension() {
    let (fake, client) = setup().await;
    let inputs = vec![
        "Why is the sky blue?",
        "Why is the grass green?",
        "Why is the sky blue?",
    ];
    let request = GenerateEmbeddingsRequest::new("all-minilm".into(), inputs.into());
    let response = client.embed(&request).await.unwrap();
    assert_eq!(response.embeddings.len(), 3);
    assert!(response.embeddings.iter().all(|v| v.len() == 384));
    assert!(
        response
            .embeddings
            .iter()
            .all(|v| (norm(v) - 1.0).abs() < 1e-3)
    );
    assert_eq!(response.embeddings[0], response.embeddings[2]);
    assert_ne!(response.embeddings[0], response.embeddings[1]);
    assert_eq!(
        fake.requests()[0].body["input"][1],
        "Why is the grass green?"
    );
}

#[tokio::test]
async fn embeddings_are_deterministic_across_calls_and_per_model() {
    let (fake, client) = setup().await;
    fake.add_model(FakeModel::embedding("nomic-embed-text", 768));
    let request = || GenerateEmbeddingsRequest::new("all-minilm".into(), "llamas".into());
    let first = client.embed(&request()).await.unwrap().embeddings;
    let second = client.embed(&request()).await.unwrap().embeddings;
    assert_eq!(first, second);
    let other = GenerateEmbeddingsRequest::new("nomic-embed-text".into(), "llamas".into());
    let other = client.embed(&other).await.unwrap().embeddings;
    assert_eq!(other[0].len(), 768);
}

#[tokio::test]
async fn dimensions_truncate_the_vectors() {
    let (_fake, client) = setup().await;
    let request = GenerateEmbeddingsRequest::new("llama3.2".into(), "text".into()).dimensions(16);
    let response = client.embed(&request).await.unwrap();
    assert_eq!(response.embeddings[0].len(), 16);
    assert!((norm(&response.embeddings[0]) - 1.0).abs() < 1e-3);
}

#[tokio::test]
async fn unknown_embedding_model_is_model_not_found() {
    let (_fake, client) = setup().await;
    let request = GenerateEmbeddingsRequest::new("bge-m3".into(), "text".into());
    let err = client.embed(&request).await.unwrap_err();
    assert!(
        matches!(err, OllamaError::ModelNotFound { ref model } if model == "bge-m3"),
        "{err:?}"
    );
}
