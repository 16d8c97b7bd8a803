//! OpenAI-compatible endpoints under `/v1`, for CI pipelines and existing SDKs.

use actix_web::{get, post, web};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use owp_db::model_name::canonical_or_same;
use owp_ollama_client::ModelSummary;

use crate::http::auth::Auth;
use crate::http::problem::ApiError;
use crate::routes::models::native::{EmbeddingInput, embed, usable_models};
use crate::state::AppState;
use owp_chat::check_grants;
use owp_chat::openai::AGENT_PREFIX;
use owp_workshop::agents::AgentSummary;

/// OpenAI's model object.
#[derive(Serialize, ToSchema)]
pub struct OpenAiModel {
    /// Model name.
    id: String,
    /// Always `model`.
    object: &'static str,
    /// Unix time of the model's last change (0 when unknown).
    created: i64,
    /// `ollama` for a model, `workshop` for an agent.
    owned_by: &'static str,
}

/// OpenAI's list object.
#[derive(Serialize, ToSchema)]
pub struct OpenAiModelList {
    /// Always `list`.
    object: &'static str,
    /// The models.
    data: Vec<OpenAiModel>,
}

/// Models the caller may use, OpenAI-style: installed models, then the agents they may call
/// (`agent:<slug>`, `owned_by: "workshop"`).
#[utoipa::path(tag = "openai", responses((status = 200, body = OpenAiModelList)), security(("bearer" = [])))]
#[get("/models")]
pub async fn models(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<OpenAiModelList>, ApiError> {
    let catalog = owp_chat::models::catalog(&state.db, &state.ollama_client, &auth.0).await?;
    let agents = catalog.agents.into_iter().map(OpenAiModel::from);
    let data = catalog
        .models
        .into_iter()
        .map(OpenAiModel::from)
        .chain(agents)
        .collect();
    Ok(web::Json(OpenAiModelList {
        object: "list",
        data,
    }))
}

/// One model the caller may use, OpenAI-style (the SDKs' `models.retrieve`); a model that is not
/// installed is 404, one outside the caller's grants 403.
#[utoipa::path(
    tag = "openai",
    params(("model" = String, Path, description = "model name, e.g. `llama3.2:latest`")),
    responses((status = 200, body = OpenAiModel)),
    security(("bearer" = []))
)]
#[get("/models/{model}")]
pub async fn model(
    state: web::Data<AppState>,
    auth: Auth,
    model: web::Path<String>,
) -> Result<web::Json<OpenAiModel>, ApiError> {
    if let Some(slug) = model.strip_prefix(AGENT_PREFIX) {
        let agent = owp_chat::models::usable_agent(&state.db, &auth.0, slug).await?;
        return Ok(web::Json(OpenAiModel::from(agent)));
    }
    let wanted = check_grants(&auth.0, &model, [])?;
    usable_models(&state, &auth.0)
        .await?
        .into_iter()
        .find(|m| canonical_or_same(&m.name) == wanted)
        .map(|m| web::Json(OpenAiModel::from(m)))
        .ok_or_else(|| ApiError::NotFound(format!("model {wanted:?} is not installed")))
}

impl From<AgentSummary> for OpenAiModel {
    fn from(a: AgentSummary) -> Self {
        OpenAiModel {
            id: format!("{AGENT_PREFIX}{}", a.slug),
            object: "model",
            created: a.created_at.and_utc().timestamp(),
            owned_by: "workshop",
        }
    }
}

impl From<ModelSummary> for OpenAiModel {
    fn from(m: ModelSummary) -> Self {
        OpenAiModel {
            created: chrono::DateTime::parse_from_rfc3339(&m.modified_at)
                .map_or(0, |t| t.timestamp()),
            id: m.name,
            object: "model",
            owned_by: "ollama",
        }
    }
}

/// OpenAI's embeddings request.
#[derive(Deserialize, ToSchema)]
pub struct OpenAiEmbeddingsRequest {
    /// Model name.
    model: String,
    /// A text or a list of texts (token arrays are refused: Ollama embeds text).
    #[schema(value_type = Object)]
    input: Value,
    /// `float` (default) or `base64` (little-endian f32, as OpenAI sends it; the official SDKs
    /// ask for it and decode it themselves).
    encoding_format: Option<String>,
    /// Shorten the vectors to this many components (Ollama truncates and re-normalises).
    dimensions: Option<u32>,
    /// Accepted and ignored (an end-user id for abuse monitoring).
    #[expect(dead_code, reason = "accepted so SDK calls that send it succeed")]
    user: Option<String>,
}

/// The texts of `input`: a string or a non-empty list of strings.
fn texts_of(input: Value) -> Result<Vec<String>, ApiError> {
    let token_arrays = || {
        ApiError::invalid_field(
            "input",
            "token arrays are not supported: send text (a string or a list of strings)",
        )
    };
    let one_or_many = match input {
        Value::String(text) => EmbeddingInput::One(text),
        Value::Array(items) if items.iter().all(Value::is_string) => EmbeddingInput::Many(
            items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        Value::Array(items) if items.iter().any(|v| v.is_number() || v.is_array()) => {
            return Err(token_arrays());
        }
        _ => {
            return Err(ApiError::invalid_field(
                "input",
                "must be a string or a list of strings",
            ));
        }
    };
    one_or_many.into_texts()
}

/// A vector as OpenAI sends it: numbers, or base64 of little-endian f32.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum EncodedEmbedding {
    /// `encoding_format: float`.
    Float(Vec<f32>),
    /// `encoding_format: base64`.
    Base64(String),
}

/// One vector.
#[derive(Serialize, ToSchema)]
pub struct OpenAiEmbedding {
    /// Always `embedding`.
    object: &'static str,
    /// Position of its input.
    index: usize,
    /// The vector.
    embedding: EncodedEmbedding,
}

/// Token counts (Ollama does not report them for embeddings; estimated from whitespace words).
#[derive(Serialize, ToSchema)]
pub struct OpenAiUsage {
    /// Input tokens.
    prompt_tokens: usize,
    /// Same as `prompt_tokens`.
    total_tokens: usize,
}

/// OpenAI's embeddings answer.
#[derive(Serialize, ToSchema)]
pub struct OpenAiEmbeddings {
    /// Always `list`.
    object: &'static str,
    /// One per input, in order.
    data: Vec<OpenAiEmbedding>,
    /// The model used.
    model: String,
    /// Token counts.
    usage: OpenAiUsage,
}

/// Base64 of the vector's little-endian f32 bytes.
fn base64_of(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Embeddings, OpenAI-style.
#[utoipa::path(tag = "openai", request_body = OpenAiEmbeddingsRequest, responses((status = 200, body = OpenAiEmbeddings)), security(("bearer" = [])))]
#[post("/embeddings")]
pub async fn embeddings(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<OpenAiEmbeddingsRequest>,
) -> Result<web::Json<OpenAiEmbeddings>, ApiError> {
    let body = body.into_inner();
    let base64 = match body.encoding_format.as_deref() {
        None | Some("float") => false,
        Some("base64") => true,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "encoding_format",
                "must be \"float\" or \"base64\"",
            ));
        }
    };
    if body.dimensions == Some(0) {
        return Err(ApiError::invalid_field("dimensions", "must be at least 1"));
    }
    let texts = texts_of(body.input)?;
    let tokens = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let request = owp_chat::embeddings::request_for(body.model.clone(), texts, body.dimensions);
    let vectors = embed(&state, &auth.0, request).await?;
    Ok(web::Json(OpenAiEmbeddings {
        object: "list",
        data: vectors
            .into_iter()
            .enumerate()
            .map(|(index, vector)| OpenAiEmbedding {
                object: "embedding",
                index,
                embedding: if base64 {
                    EncodedEmbedding::Base64(base64_of(&vector))
                } else {
                    EncodedEmbedding::Float(vector)
                },
            })
            .collect(),
        model: body.model,
        usage: OpenAiUsage {
            prompt_tokens: tokens,
            total_tokens: tokens,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_little_endian_f32() {
        assert_eq!(base64_of(&[1.0, -2.5]), "AACAPwAAIMA=");
    }

    #[test]
    fn inputs_are_text_only() {
        assert_eq!(texts_of(serde_json::json!("a")).unwrap(), ["a"]);
        assert_eq!(texts_of(serde_json::json!(["a", "b"])).unwrap(), ["a", "b"]);
        for tokens in [serde_json::json!([1, 2]), serde_json::json!([[1, 2]])] {
            let Err(ApiError::Validation { detail, .. }) = texts_of(tokens) else {
                panic!("token arrays must be refused");
            };
            assert!(detail.contains("token arrays"));
        }
        assert!(texts_of(serde_json::json!(7)).is_err());
        assert!(texts_of(serde_json::json!([])).is_err());
    }
}
