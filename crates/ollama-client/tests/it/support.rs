//! Shared set-up: a fresh fake and a client pointed at it, per test.

use std::time::Duration;

use owp_ollama_client::fake::FakeOllama;
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::{ClientConfig, OllamaClient};

/// A fake with default models and a client with default timeouts.
pub async fn setup() -> (FakeOllama, OllamaClient) {
    let fake = FakeOllama::start().await.unwrap();
    let client = client_for(&fake, ClientConfig::new(&fake.url()).unwrap().timeout);
    (fake, client)
}

/// A client for `fake` with the given read timeout.
pub fn client_for(fake: &FakeOllama, timeout: Duration) -> OllamaClient {
    let config = ClientConfig::new(&fake.url())
        .unwrap()
        .with_timeout(timeout);
    OllamaClient::new(&config).unwrap()
}

/// A one-message chat request.
pub fn ask(model: &str, text: &str) -> ChatMessageRequest {
    ChatMessageRequest::new(model.to_owned(), vec![ChatMessage::user(text.to_owned())])
}
