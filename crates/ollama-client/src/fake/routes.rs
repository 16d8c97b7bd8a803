//! Request dispatch of the fake and its non-generating endpoints.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use super::content::{count_tokens, digest, embedding, truncate};
use super::{
    FakeModel, Mode, ModelKind, RecordedRequest, Shared, State, full_name, generation, lock,
};

/// Body type of every fake answer: whole or streamed, failing only to cut a stream.
pub(crate) type FakeBody = UnsyncBoxBody<Bytes, io::Error>;

/// Version the fake reports.
const VERSION: &str = "0.12.6";

/// Serves one request according to the scripted state.
pub(crate) async fn handle(request: Request<Incoming>, shared: Shared) -> Response<FakeBody> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let bytes = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let mode = {
        let mut state = lock(&shared);
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            body: body.clone(),
        });
        state.mode.clone()
    };
    let disconnect_after = match mode {
        Mode::Fail { status } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return error(status, "fake ollama: scripted failure");
        }
        Mode::SlowFirstByte { delay } => {
            tokio::time::sleep(delay).await;
            None
        }
        Mode::DisconnectAfter { chunks } => Some(chunks),
        Mode::Normal | Mode::Down => None,
    };
    if method == Method::POST && body.is_null() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid request body: expected a JSON object",
        );
    }
    let answer = match (&method, path.as_str()) {
        (&Method::GET | &Method::HEAD, "/") => Ok(text(StatusCode::OK, "Ollama is running")),
        (&Method::GET, "/api/version") => Ok(json_response(
            StatusCode::OK,
            &json!({ "version": VERSION }),
        )),
        (&Method::GET, "/api/tags") => Ok(tags(&lock(&shared))),
        (&Method::GET, "/api/ps") => Ok(running(&lock(&shared))),
        (&Method::POST, "/api/show") => show(&body, &lock(&shared)),
        (&Method::DELETE, "/api/delete") => delete(&body, &mut lock(&shared)),
        (&Method::POST, "/api/embed") => embed(&body, &mut lock(&shared)),
        (&Method::POST, "/api/embeddings") => legacy_embeddings(&body, &mut lock(&shared)),
        (&Method::POST, "/api/chat") => generation::chat(&body, &shared, disconnect_after).await,
        (&Method::POST, "/api/generate") => {
            generation::generate(&body, &shared, disconnect_after).await
        }
        (&Method::POST, "/api/pull") => generation::pull(&body, &shared, disconnect_after),
        (_, "/" | "/api/version" | "/api/tags" | "/api/ps" | "/api/show" | "/api/delete")
        | (_, "/api/embed" | "/api/embeddings" | "/api/chat" | "/api/generate" | "/api/pull") => {
            Ok(text(
                StatusCode::METHOD_NOT_ALLOWED,
                "405 method not allowed",
            ))
        }
        _ => Ok(text(StatusCode::NOT_FOUND, "404 page not found")),
    };
    answer.unwrap_or_else(Refusal::into_response)
}

/// An Ollama error answer not rendered yet, so handlers can use `?` on small `Result`s.
pub(crate) struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    /// A refusal with Ollama's `{"error": message}` body.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// The HTTP answer.
    pub(crate) fn into_response(self) -> Response<FakeBody> {
        error(self.status, &self.message)
    }
}

/// What a handler answers: a response, or Ollama's error.
pub(crate) type Answer = Result<Response<FakeBody>, Refusal>;

/// The model a request names (`model`, or the legacy `name`), with its tag completed.
pub(crate) fn requested_model(body: &Value) -> Result<String, Refusal> {
    body.get("model")
        .or_else(|| body.get("name"))
        .and_then(Value::as_str)
        .filter(|name| !name.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Refusal::new(StatusCode::BAD_REQUEST, "model is required"))
}

/// The installed model called `name`, or Ollama's 404.
pub(crate) fn find_model(state: &State, name: &str) -> Result<FakeModel, Refusal> {
    let wanted = full_name(name);
    state
        .models
        .iter()
        .find(|model| model.name == wanted)
        .cloned()
        .ok_or_else(|| {
            Refusal::new(
                StatusCode::NOT_FOUND,
                format!("model \"{name}\" not found, try pulling it first"),
            )
        })
}

/// Marks a model as loaded, for `/api/ps`.
pub(crate) fn mark_running(state: &mut State, model: &FakeModel) {
    if !state.running.contains(&model.name) {
        state.running.push(model.name.clone());
    }
}

/// Current time in Ollama's format.
pub(crate) fn now() -> String {
    wall_clock().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// The fake's one clock reading.
#[expect(
    clippy::disallowed_methods,
    reason = "test support standing in for Ollama, which stamps its answers with its own clock"
)]
fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// A whole JSON answer.
pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response<FakeBody> {
    let mut bytes = value.to_string().into_bytes();
    bytes.push(b'\n');
    with_type(
        status,
        "application/json; charset=utf-8",
        Bytes::from(bytes),
    )
}

/// Ollama's error answer: `{"error": message}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response<FakeBody> {
    json_response(status, &json!({ "error": message }))
}

/// A response with a content type and a body (whole or streamed).
pub(crate) fn with_body(
    status: StatusCode,
    content_type: &'static str,
    body: FakeBody,
) -> Response<FakeBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn with_type(status: StatusCode, content_type: &'static str, bytes: Bytes) -> Response<FakeBody> {
    let body = Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync();
    with_body(status, content_type, body)
}

fn text(status: StatusCode, message: &'static str) -> Response<FakeBody> {
    with_type(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(message.as_bytes()),
    )
}

fn details(model: &FakeModel) -> Value {
    let family = model.name.split([':', '/']).next().unwrap_or("llama");
    json!({
        "parent_model": "",
        "format": "gguf",
        "family": family,
        "families": [family],
        "parameter_size": if model.kind == ModelKind::Chat { "3.2B" } else { "23M" },
        "quantization_level": "Q4_K_M",
    })
}

fn summary(model: &FakeModel) -> Value {
    json!({
        "name": model.name,
        "model": model.name,
        "modified_at": "2025-01-01T00:00:00Z",
        "size": model.size,
        "digest": digest(&model.name),
        "details": details(model),
    })
}

fn tags(state: &State) -> Response<FakeBody> {
    let models: Vec<Value> = state.models.iter().map(summary).collect();
    json_response(StatusCode::OK, &json!({ "models": models }))
}

fn running(state: &State) -> Response<FakeBody> {
    let expires_at = (wall_clock() + Duration::from_secs(300)).to_rfc3339();
    let models: Vec<Value> = state
        .models
        .iter()
        .filter(|model| state.running.contains(&model.name))
        .map(|model| {
            let mut entry = summary(model);
            entry["expires_at"] = json!(expires_at);
            entry["size_vram"] = json!(model.size);
            entry
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "models": models }))
}

fn show(body: &Value, state: &State) -> Answer {
    let model = find_model(state, &requested_model(body)?)?;
    let family = details(&model)["family"].clone();
    let capabilities = match model.kind {
        ModelKind::Chat => json!(["completion", "tools"]),
        ModelKind::Embedding => json!(["embedding"]),
    };
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "license": "fake license",
            "modelfile": format!("# Modelfile generated by the fake\nFROM {}\n", model.name),
            "parameters": "temperature 0.7",
            "template": "{{ .Prompt }}",
            "details": details(&model),
            "model_info": {
                "general.architecture": family,
                format!("{}.embedding_length", family.as_str().unwrap_or("llama")): model.embedding_dim,
                format!("{}.context_length", family.as_str().unwrap_or("llama")): 8192,
            },
            "capabilities": capabilities,
            "modified_at": "2025-01-01T00:00:00Z",
        }),
    ))
}

fn delete(body: &Value, state: &mut State) -> Answer {
    let name = requested_model(body)?;
    let wanted = full_name(&name);
    if !state.models.iter().any(|model| model.name == wanted) {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            format!("model '{name}' not found"),
        ));
    }
    state.models.retain(|model| model.name != wanted);
    state.running.retain(|running| running != &wanted);
    Ok(with_type(
        StatusCode::OK,
        "application/json; charset=utf-8",
        Bytes::new(),
    ))
}

fn embed(body: &Value, state: &mut State) -> Answer {
    let model = find_model(state, &requested_model(body)?)?;
    let inputs: Vec<&str> = match body.get("input") {
        None => Vec::new(),
        Some(Value::String(text)) => vec![text.as_str()],
        Some(Value::Array(items)) => match items.iter().map(Value::as_str).collect::<Option<_>>() {
            Some(texts) => texts,
            None => return Err(invalid_input()),
        },
        Some(_) => return Err(invalid_input()),
    };
    let dim = match body.get("dimensions").and_then(Value::as_u64) {
        Some(wanted) if wanted > 0 && (wanted as usize) < model.embedding_dim => wanted as usize,
        _ => model.embedding_dim,
    };
    mark_running(state, &model);
    let vectors: Vec<Vec<f32>> = inputs
        .iter()
        .map(|text| truncate(embedding(&model.name, text, model.embedding_dim), dim))
        .collect();
    let tokens: u64 = inputs.iter().map(|text| count_tokens(text)).sum();
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "model": body["model"],
            "embeddings": vectors,
            "total_duration": 1_000_000 + tokens * 10_000,
            "load_duration": 1_000_000,
            "prompt_eval_count": tokens,
        }),
    ))
}

fn invalid_input() -> Refusal {
    Refusal::new(StatusCode::BAD_REQUEST, "invalid input type")
}

fn legacy_embeddings(body: &Value, state: &mut State) -> Answer {
    let model = find_model(state, &requested_model(body)?)?;
    mark_running(state, &model);
    let prompt = body.get("prompt").and_then(Value::as_str).unwrap_or("");
    let vector = embedding(&model.name, prompt, model.embedding_dim);
    Ok(json_response(
        StatusCode::OK,
        &json!({ "embedding": vector }),
    ))
}
