//! The client handle and its single-answer calls.

use std::sync::Arc;

use ollama_rs::generation::chat::request::ChatMessageRequest;
use ollama_rs::generation::completion::request::GenerationRequest;
use ollama_rs::generation::embeddings::GenerateEmbeddingsResponse;
use ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;
use ollama_rs::models::ModelInfo;
use ollama_rs::models::pull::PullModelStatus;
use reqwest::{Method, RequestBuilder, Response, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::ClientConfig;
use crate::error::{OllamaError, Result};
use crate::model_cache::{ModelListCache, Peek};
use crate::types::{ChatChunk, GenerateChunk, ModelSummary, ModelsBody, RunningModel, VersionBody};

/// Async handle on one Ollama server. Cheap to clone (clones share the connection pool), so
/// build it once at start-up and hand clones to every task.
#[derive(Debug, Clone)]
pub struct OllamaClient {
    http: reqwest::Client,
    base_url: Url,
    ollama: ollama_rs::Ollama,
    pub(crate) models: Arc<ModelListCache>,
}

impl OllamaClient {
    /// Builds the HTTP client (connect and read timeouts from `config`) and the `ollama-rs`
    /// handle that shares it.
    pub fn new(config: &ClientConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.timeout)
            .user_agent(concat!("owp-ollama-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| {
                OllamaError::InvalidConfig(format!("cannot build the HTTP client: {err}"))
            })?;
        let ollama = ollama_rs::Ollama::builder()
            .url(config.base_url.clone())
            .reqwest_client(http.clone())
            .build();
        Ok(Self {
            http,
            base_url: config.base_url.clone(),
            ollama,
            models: Arc::new(ModelListCache::new(config.models_ttl)),
        })
    }

    /// Root URL this client talks to, for logs and readiness reports.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The `ollama-rs` client sharing this client's URL, timeouts and connection pool, for
    /// `ollama-rs` helpers this crate does not wrap (chat history, tool-calling coordinator).
    /// Its errors are `ollama-rs`'s own and do not follow [`OllamaError`]'s classification.
    pub fn ollama_rs(&self) -> &ollama_rs::Ollama {
        &self.ollama
    }

    /// Ollama's version (`GET /api/version`); doubles as a cheap reachability probe.
    pub async fn version(&self) -> Result<String> {
        let response = self
            .send(self.request(Method::GET, "api/version")?, None)
            .await?;
        Ok(read_json::<VersionBody>(response).await?.version)
    }

    /// Models installed in Ollama (`GET /api/tags`), from the short-lived shared copy when it
    /// is young enough (see `model_cache`: fresh, stale-while-refreshing, single flight).
    pub async fn list_models(&self) -> Result<Vec<ModelSummary>> {
        match self.models.peek() {
            Some(Peek::Fresh(models)) => return Ok(models),
            Some(Peek::Stale(models)) => {
                self.refresh_models_in_background();
                return Ok(models);
            }
            None => {}
        }
        let _flight = self.models.fetching.lock().await;
        if let Some(Peek::Fresh(models)) = self.models.peek() {
            return Ok(models);
        }
        let generation = self.models.generation();
        let models = self.fetch_models().await?;
        self.models.store(generation, &models);
        Ok(models)
    }

    /// Starts the one background refresh of a stale model list (a failed one keeps the copy
    /// until it is too old to serve).
    fn refresh_models_in_background(&self) {
        if !self.models.claim_refresh() {
            return;
        }
        let client = self.clone();
        tokio::spawn(async move {
            {
                let _flight = client.models.fetching.lock().await;
                let generation = client.models.generation();
                if let Ok(models) = client.fetch_models().await {
                    client.models.store(generation, &models);
                }
            }
            client.models.refresh_done();
        });
    }

    /// Asks Ollama for its model list, bypassing the copy.
    async fn fetch_models(&self) -> Result<Vec<ModelSummary>> {
        let response = self
            .send(self.request(Method::GET, "api/tags")?, None)
            .await?;
        Ok(read_json::<ModelsBody<ModelSummary>>(response)
            .await?
            .models)
    }

    /// Models currently loaded in memory (`GET /api/ps`).
    pub async fn list_running(&self) -> Result<Vec<RunningModel>> {
        let response = self
            .send(self.request(Method::GET, "api/ps")?, None)
            .await?;
        Ok(read_json::<ModelsBody<RunningModel>>(response)
            .await?
            .models)
    }

    /// Details of one model (`POST /api/show`): template, parameters, capabilities, model info.
    pub async fn show(&self, model: &str) -> Result<ModelInfo> {
        let request = self
            .request(Method::POST, "api/show")?
            .json(&json!({ "model": model }));
        read_json(self.send(request, Some(model)).await?).await
    }

    /// Ollama's own answer to `POST /api/show` for `body` (which names the model), every field
    /// kept: for pass-through proxies, where a typed answer would drop what it does not know.
    pub async fn show_raw(
        &self,
        model: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let request = self.request(Method::POST, "api/show")?.json(body);
        read_json(self.send(request, Some(model)).await?).await
    }

    /// Deletes an installed model (`DELETE /api/delete`); an unknown model is
    /// [`OllamaError::ModelNotFound`].
    pub async fn delete(&self, model: &str) -> Result<()> {
        let request = self
            .request(Method::DELETE, "api/delete")?
            .json(&json!({ "model": model }));
        let sent = self.send(request, Some(model)).await;
        self.models.invalidate();
        sent?;
        Ok(())
    }

    /// Pulls a model and waits for the end (`POST /api/pull`, `stream: false`). Ollama stays
    /// silent until the download finishes, so a large model can exceed the read timeout;
    /// prefer [`OllamaClient::pull_stream`], whose progress lines keep the connection alive.
    pub async fn pull(&self, model: &str) -> Result<PullModelStatus> {
        let request = self
            .request(Method::POST, "api/pull")?
            .json(&json!({ "model": model, "stream": false }));
        let pulled = read_json(self.send(request, Some(model)).await?).await;
        self.models.invalidate();
        pulled
    }

    /// One complete chat reply (`POST /api/chat`, `stream: false`), tool calls included.
    pub async fn chat(&self, request: &ChatMessageRequest) -> Result<ChatChunk> {
        let body = with_stream(request, false)?;
        let http = self.request(Method::POST, "api/chat")?.json(&body);
        read_json(self.send(http, Some(&request.model_name)).await?).await
    }

    /// One complete completion (`POST /api/generate`, `stream: false`).
    pub async fn generate(&self, request: &GenerationRequest<'_>) -> Result<GenerateChunk> {
        let body = with_stream(request, false)?;
        let http = self.request(Method::POST, "api/generate")?.json(&body);
        read_json(self.send(http, Some(&request.model_name)).await?).await
    }

    /// Embeddings of one text or a batch (`POST /api/embed`), one vector per input, in order.
    pub async fn embed(
        &self,
        request: &GenerateEmbeddingsRequest,
    ) -> Result<GenerateEmbeddingsResponse> {
        let http = self.request(Method::POST, "api/embed")?.json(request);
        read_json(self.send(http, Some(&request.model_name)).await?).await
    }

    /// A request builder for `path` below the base URL.
    pub(crate) fn request(&self, method: Method, path: &str) -> Result<RequestBuilder> {
        let url = self.base_url.join(path).map_err(|err| {
            OllamaError::InvalidRequest(format!("cannot join {path:?} to the base URL: {err}"))
        })?;
        Ok(self.http.request(method, url))
    }

    /// Sends a request; a non-2xx answer becomes the matching error (`model` is what the request
    /// asked for, so a 404 about it is [`OllamaError::ModelNotFound`]).
    pub(crate) async fn send(
        &self,
        request: RequestBuilder,
        model: Option<&str>,
    ) -> Result<Response> {
        let response = transmit(request).await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(failure(response, model).await)
        }
    }
}

/// Sends a request and maps transport failures; any status is returned as is.
pub(crate) async fn transmit(request: RequestBuilder) -> Result<Response> {
    request
        .send()
        .await
        .map_err(|err| OllamaError::from_reqwest(&err))
}

/// Turns a non-2xx answer into its error, reading Ollama's message from the body.
pub(crate) async fn failure(response: Response, model: Option<&str>) -> OllamaError {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default();
    OllamaError::from_status(status, &body, model)
}

/// Serialises an `ollama-rs` request with an explicit `stream` flag (its own types either pin
/// the flag privately or leave it out).
pub(crate) fn with_stream<T: Serialize>(request: &T, stream: bool) -> Result<Value> {
    let mut value = serde_json::to_value(request)
        .map_err(|err| OllamaError::InvalidRequest(format!("cannot encode the request: {err}")))?;
    let Value::Object(fields) = &mut value else {
        return Err(OllamaError::InvalidRequest(
            "the request did not encode to a JSON object".to_owned(),
        ));
    };
    fields.insert("stream".to_owned(), Value::Bool(stream));
    Ok(value)
}

/// Reads a whole JSON body into `T`.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T> {
    let bytes = response
        .bytes()
        .await
        .map_err(|err| OllamaError::from_reqwest(&err))?;
    serde_json::from_slice(&bytes).map_err(|err| OllamaError::Malformed(err.to_string()))
}

#[cfg(test)]
mod tests {
    use ollama_rs::generation::chat::ChatMessage;

    use super::*;

    #[test]
    fn stream_flag_overrides_ollama_rs_default() {
        let request = ChatMessageRequest::new("m".into(), vec![ChatMessage::user("hi".into())]);
        assert_eq!(with_stream(&request, true).unwrap()["stream"], json!(true));
        let request = GenerationRequest::new("m".into(), "hi");
        let value = with_stream(&request, false).unwrap();
        assert_eq!(value["stream"], json!(false));
        assert_eq!(value["prompt"], json!("hi"));
    }

    #[test]
    fn non_object_requests_are_refused() {
        let err = with_stream(&42, true).unwrap_err();
        assert!(matches!(err, OllamaError::InvalidRequest(_)));
    }

    #[test]
    fn paths_join_below_a_prefix() {
        let config = ClientConfig::new("http://proxy.example/ollama").unwrap();
        let client = OllamaClient::new(&config).unwrap();
        let request = client
            .request(Method::GET, "api/tags")
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            request.url().as_str(),
            "http://proxy.example/ollama/api/tags"
        );
        assert_eq!(client.ollama_rs().url_str(), "http://proxy.example/ollama/");
    }
}
