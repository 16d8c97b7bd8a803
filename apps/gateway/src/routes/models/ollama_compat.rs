//! Ollama's own API under `/ollama/api/…`, so existing Ollama tools can point at the gateway
//! with an API key. Chat and generate bodies are relayed as rebuilt from what was checked, and
//! answers byte for byte (NDJSON as it arrives); every
//! call is checked against the caller's model and tool grants and token budgets before anything
//! reaches Ollama, and what Ollama counts is added to the caller's usage.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;
use owp_chat::check_grants;
use owp_chat::embeddings::{self, GenerateEmbeddingsRequest};
use owp_chat::ollama_relay::{self, RelayCall};
use owp_ollama_client::{ByteStream, RelayEndpoint};
use owp_rbac::Principal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::auth::Auth;
use crate::http::json_rules::fold_key;
use crate::http::problem::ApiError;
use crate::routes::models::native::embed;
use crate::state::AppState;

/// The fields of a relayed body the gateway must see, and the body that will be relayed:
/// rebuilt from what was parsed and checked, never the client's raw bytes.
struct Envelope {
    model: String,
    name: String,
    tools: Vec<Value>,
    object: serde_json::Map<String, Value>,
}

/// Keys the gateway decides on. Ollama's decoder would also take any spelling that folds to
/// one of them (`Model`, `MODEL`, `toolſ`), so only the exact spelling is accepted.
const CHECKED_KEYS: [&str; 3] = ["model", "name", "tools"];

/// Refuses a spelling of a checked key other than the exact one.
fn exact_keys(
    object: &serde_json::Map<String, Value>,
    checked: &[&str],
    place: &str,
) -> Result<(), ApiError> {
    for key in object.keys() {
        let folded = fold_key(key);
        if let Some(exact) = checked.iter().find(|c| **c == folded && **c != key) {
            return Err(ApiError::BadRequest(format!(
                "{place}: send `{exact}`, not `{key}` (Ollama reads both as the same field)"
            )));
        }
    }
    Ok(())
}

impl Envelope {
    fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
            return Err(ApiError::BadRequest("the body is not a JSON object".into()));
        };
        exact_keys(&object, &CHECKED_KEYS, "the body")?;
        let text = |key: &str| -> Result<String, ApiError> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(ApiError::invalid_field(key, "must be a string")),
            }
        };
        let (model, name) = (text("model")?, text("name")?);
        let tools = match object.get("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(tools)) => tools.clone(),
            Some(_) => return Err(ApiError::invalid_field("tools", "must be a list")),
        };
        for (i, tool) in tools.iter().enumerate() {
            if let Value::Object(tool) = tool {
                exact_keys(tool, &["function"], &format!("tools[{i}]"))?;
                if let Some(Value::Object(function)) = tool.get("function") {
                    exact_keys(function, &["name"], &format!("tools[{i}].function"))?;
                }
            }
        }
        if model.trim().is_empty() && name.trim().is_empty() {
            return Err(ApiError::invalid_field("model", "is required"));
        }
        Ok(Self {
            model,
            name,
            tools,
            object,
        })
    }

    /// The body to relay: what was parsed, with `model` set to the checked canonical name.
    fn rebuilt_for(self, model: &str) -> Value {
        ollama_relay::rebuilt(self.object, model)
    }

    /// The names of the tools offered.
    fn tool_names(&self) -> Vec<String> {
        self.tools
            .iter()
            .map(|tool| {
                tool["function"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    /// `model`, or the older `name`.
    fn model(&self) -> &str {
        if self.model.is_empty() {
            &self.name
        } else {
            &self.model
        }
    }
}

/// Refuses a model or tool the caller is not granted; the model's canonical name otherwise.
fn check(principal: &Principal, envelope: &Envelope) -> Result<String, ApiError> {
    let tools = envelope.tool_names();
    Ok(check_grants(
        principal,
        envelope.model(),
        tools.iter().map(String::as_str),
    )?)
}

/// Ollama's version.
#[utoipa::path(tag = "ollama", responses((status = 200, description = "`{version}`")), security(("bearer" = [])))]
#[get("/api/version")]
pub async fn version(state: web::Data<AppState>, _auth: Auth) -> Result<HttpResponse, ApiError> {
    let version = state.ollama_client.version().await?;
    Ok(HttpResponse::Ok().json(json!({ "version": version })))
}

/// Installed models the caller may use, in Ollama's shape.
#[utoipa::path(tag = "ollama", responses((status = 200, description = "`{models: [...]}`")), security(("bearer" = [])))]
#[get("/api/tags")]
pub async fn tags(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let models = crate::routes::models::native::usable_models(&state, &auth.0).await?;
    Ok(HttpResponse::Ok().json(json!({ "models": models })))
}

/// Facts about a model the caller may use.
#[utoipa::path(tag = "ollama", request_body = Object, responses((status = 200, description = "Ollama's show answer")), security(("bearer" = [])))]
#[post("/api/show")]
pub async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let envelope = Envelope::parse(&body)?;
    let model = check(&auth.0, &envelope)?;
    let body = envelope.rebuilt_for(&model);
    let info = state.ollama_client.show_raw(&model, &body).await?;
    Ok(HttpResponse::Ok().json(info))
}

/// Ends a relayed body that breaks off with an `{"error": …}` line, as Ollama itself reports a
/// failure inside a stream, instead of cutting the connection silently.
fn ending_in_an_error_line(
    body: ByteStream,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some(body), |body| async move {
        let mut body = body?;
        match body.next().await? {
            Ok(bytes) => Some((Ok(bytes), Some(body))),
            Err(err) => {
                let line = json!({ "error": ApiError::from(err).to_string() });
                Some((Ok(Bytes::from(format!("\n{line}\n"))), None))
            }
        }
    })
}

async fn relay(
    state: web::Data<AppState>,
    auth: Auth,
    endpoint: RelayEndpoint,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let envelope = Envelope::parse(&body)?;
    let call = RelayCall {
        endpoint,
        model: envelope.model().to_owned(),
        tools: envelope.tool_names(),
        body: envelope.object,
    };
    let (db, ollama, clock) = (&state.db, &state.ollama_client, owp_db::time::now);
    let answer = ollama_relay::relay(db, ollama, &auth.0, call, clock).await?;
    let content_type = answer
        .content_type
        .unwrap_or_else(|| "application/json".to_owned());
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("x-accel-buffering", "no"))
        .streaming(ending_in_an_error_line(answer.body)))
}

/// Ollama's chat, relayed as it streams.
#[utoipa::path(tag = "ollama", request_body = Object, responses((status = 200, description = "Ollama's NDJSON (or one object with `stream: false`)")), security(("bearer" = [])))]
#[post("/api/chat")]
pub async fn chat(
    state: web::Data<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    relay(state, auth, RelayEndpoint::Chat, body).await
}

/// Ollama's completion, relayed as it streams.
#[utoipa::path(tag = "ollama", request_body = Object, responses((status = 200, description = "Ollama's NDJSON (or one object with `stream: false`)")), security(("bearer" = [])))]
#[post("/api/generate")]
pub async fn generate(
    state: web::Data<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    relay(state, auth, RelayEndpoint::Generate, body).await
}

/// Ollama's batch embeddings (`input`: a text or a list).
#[utoipa::path(tag = "ollama", request_body = Object, responses((status = 200, description = "`{model, embeddings}`")), security(("bearer" = [])))]
#[post("/api/embed")]
pub async fn embed_batch(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<GenerateEmbeddingsRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let model = embeddings::model_of(&request).to_owned();
    let embeddings = embed(&state, &auth.0, request).await?;
    Ok(HttpResponse::Ok().json(json!({ "model": model, "embeddings": embeddings })))
}

/// Ollama's legacy single embedding (`prompt`).
#[derive(Deserialize)]
pub struct LegacyEmbedding {
    model: String,
    prompt: String,
}

/// Ollama's legacy embeddings endpoint.
#[utoipa::path(tag = "ollama", request_body = Object, responses((status = 200, description = "`{embedding}`")), security(("bearer" = [])))]
#[post("/api/embeddings")]
pub async fn embed_legacy(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<LegacyEmbedding>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = embeddings::single_request(body.model, body.prompt);
    let mut vectors = embed(&state, &auth.0, request).await?;
    let embedding = vectors.pop().unwrap_or_default();
    Ok(HttpResponse::Ok().json(json!({ "embedding": embedding })))
}
