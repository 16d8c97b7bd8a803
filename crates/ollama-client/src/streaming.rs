//! Streaming calls: typed NDJSON streams and the raw relay for pass-through proxies.

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use ollama_rs::generation::chat::request::ChatMessageRequest;
use ollama_rs::generation::completion::request::GenerationRequest;
use ollama_rs::models::pull::PullModelStatus;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use serde_json::json;

use crate::client::{OllamaClient, failure, transmit, with_stream};
use crate::error::{OllamaError, Result};
use crate::ndjson::decode;
use crate::types::{ChatChunk, GenerateChunk, RelayEndpoint};

/// Chat pieces as Ollama produces them; the last `Ok` item has `done: true`. A failure after the
/// answer started (dropped connection, error line, truncated stream) arrives as one `Err` item,
/// after which the stream ends.
pub type ChatStream = BoxStream<'static, Result<ChatChunk>>;

/// Completion pieces as Ollama produces them; same contract as [`ChatStream`].
pub type GenerateStream = BoxStream<'static, Result<GenerateChunk>>;

/// Pull progress lines; the last `Ok` item has status `success`; same error contract as
/// [`ChatStream`].
pub type PullStream = BoxStream<'static, Result<PullModelStatus>>;

/// Body bytes exactly as Ollama sends them, chunk by chunk.
pub type ByteStream = BoxStream<'static, Result<Bytes>>;

/// A successful upstream answer to relay verbatim: status, content type and unbuffered body.
pub struct RelayResponse {
    /// Ollama's status (2xx: failures are returned as [`OllamaError`] before any byte).
    pub status: u16,
    /// Ollama's `Content-Type`: `application/x-ndjson` when streaming, else `application/json`.
    pub content_type: Option<String>,
    /// The body, yielded as each network chunk arrives; a mid-stream failure is an `Err` item.
    pub body: ByteStream,
}

impl OllamaClient {
    /// Streams a chat reply (`POST /api/chat`, `stream: true`). Errors before the first byte
    /// (unreachable, unknown model, upstream status) are returned directly.
    pub async fn chat_stream(&self, request: &ChatMessageRequest) -> Result<ChatStream> {
        let body = with_stream(request, true)?;
        let http = self.request(Method::POST, "api/chat")?.json(&body);
        Ok(decode(self.send(http, Some(&request.model_name)).await?))
    }

    /// Streams a completion (`POST /api/generate`, `stream: true`).
    pub async fn generate_stream(&self, request: &GenerationRequest<'_>) -> Result<GenerateStream> {
        let body = with_stream(request, true)?;
        let http = self.request(Method::POST, "api/generate")?.json(&body);
        Ok(decode(self.send(http, Some(&request.model_name)).await?))
    }

    /// Pulls a model with progress (`POST /api/pull`, `stream: true`); a registry failure
    /// (e.g. unknown model) arrives as an [`OllamaError::Upstream`] item. The shared model list
    /// is forgotten when the pull starts and again when its stream ends, so it shows the model.
    pub async fn pull_stream(&self, model: &str) -> Result<PullStream> {
        let http = self
            .request(Method::POST, "api/pull")?
            .json(&json!({ "model": model, "stream": true }));
        self.models.invalidate();
        let progress: PullStream = decode(self.send(http, Some(model)).await?);
        let models = self.models.clone();
        let ended = futures_util::stream::once(async move {
            models.invalidate();
            None
        });
        Ok(progress
            .map(Some)
            .chain(ended)
            .filter_map(std::future::ready)
            .boxed())
    }

    /// Forwards a JSON request body to `/api/chat` or `/api/generate` unchanged and returns
    /// Ollama's body as an unbuffered byte stream, so a gateway can relay NDJSON as it arrives.
    /// The body is not parsed on the way in; a non-2xx answer is mapped like every other call
    /// (the model name is read from the body only then).
    pub async fn relay(&self, endpoint: RelayEndpoint, body: Bytes) -> Result<RelayResponse> {
        let http = self
            .request(Method::POST, endpoint.path())?
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.clone());
        let response = transmit(http).await?;
        if !response.status().is_success() {
            return Err(failure(response, model_of(&body).as_deref()).await);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(RelayResponse {
            status: response.status().as_u16(),
            content_type,
            body: response
                .bytes_stream()
                .map(|chunk| chunk.map_err(|err| OllamaError::from_reqwest(&err)))
                .boxed(),
        })
    }
}

/// The `model` field of a request body, if it has one.
fn model_of(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct ModelField {
        model: String,
    }
    serde_json::from_slice::<ModelField>(body)
        .ok()
        .map(|field| field.model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_is_read_from_relayed_bodies() {
        assert_eq!(
            model_of(br#"{"model":"llama3.2","messages":[]}"#).as_deref(),
            Some("llama3.2")
        );
        assert_eq!(model_of(b"not json"), None);
        assert_eq!(model_of(br#"{"messages":[]}"#), None);
    }
}
