//! OpenAI-compatible endpoints under `/v1`, for CI pipelines and existing SDKs.

use actix_web::{get, post, web};
use owp_ollama_client::ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::models::{EmbeddingInput, embed, usable_models};
use crate::http::auth::Auth;
use crate::http::problem::ApiError;
use crate::state::AppState;

/// OpenAI's model object.
#[derive(Serialize, ToSchema)]
pub struct OpenAiModel {
    /// Model name.
    id: String,
    /// Always `model`.
    object: &'static str,
    /// Unix time of the model's last change (0 when unknown).
    created: i64,
    /// Always `ollama`.
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

/// Models the caller may use, OpenAI-style.
#[utoipa::path(tag = "openai", responses((status = 200, body = OpenAiModelList)), security(("bearer" = [])))]
#[get("/models")]
pub async fn models(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<OpenAiModelList>, ApiError> {
    let data = usable_models(&state, &auth.0)
        .await?
        .into_iter()
        .map(|m| OpenAiModel {
            created: chrono::DateTime::parse_from_rfc3339(&m.modified_at)
                .map_or(0, |t| t.timestamp()),
            id: m.name,
            object: "model",
            owned_by: "ollama",
        })
        .collect();
    Ok(web::Json(OpenAiModelList {
        object: "list",
        data,
    }))
}

/// OpenAI's embeddings request.
#[derive(Deserialize, ToSchema)]
pub struct OpenAiEmbeddingsRequest {
    /// Model name.
    model: String,
    /// Text or texts.
    input: EmbeddingInput,
    /// Only `float` is supported.
    encoding_format: Option<String>,
}

/// One vector.
#[derive(Serialize, ToSchema)]
pub struct OpenAiEmbedding {
    /// Always `embedding`.
    object: &'static str,
    /// Position of its input.
    index: usize,
    /// The vector.
    embedding: Vec<f32>,
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

/// Embeddings, OpenAI-style.
#[utoipa::path(tag = "openai", request_body = OpenAiEmbeddingsRequest, responses((status = 200, body = OpenAiEmbeddings)), security(("bearer" = [])))]
#[post("/embeddings")]
pub async fn embeddings(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<OpenAiEmbeddingsRequest>,
) -> Result<web::Json<OpenAiEmbeddings>, ApiError> {
    let body = body.into_inner();
    if body
        .encoding_format
        .as_deref()
        .is_some_and(|f| f != "float")
    {
        return Err(ApiError::invalid_field(
            "encoding_format",
            "only \"float\" is supported",
        ));
    }
    let texts = body.input.into_texts()?;
    let tokens = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let request = GenerateEmbeddingsRequest::new(body.model.clone(), texts.into());
    let vectors = embed(&state, &auth.0, request).await?;
    Ok(web::Json(OpenAiEmbeddings {
        object: "list",
        data: vectors
            .into_iter()
            .enumerate()
            .map(|(index, embedding)| OpenAiEmbedding {
                object: "embedding",
                index,
                embedding,
            })
            .collect(),
        model: body.model,
        usage: OpenAiUsage {
            prompt_tokens: tokens,
            total_tokens: tokens,
        },
    }))
}
