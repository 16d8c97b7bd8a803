//! Models the caller may use, and embeddings.

use actix_web::{get, post, web};
use owp_chat::check_grants;
use owp_chat::embeddings::{self as embedding, GenerateEmbeddingsRequest};
use owp_db::model_name::canonical_or_same;
use owp_ollama_client::ModelSummary;
use owp_rbac::Principal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// An installed model.
#[derive(Serialize, ToSchema)]
pub struct ModelView {
    /// Name with tag, e.g. `llama3.2:latest`.
    pub name: String,
    /// Size on disk in bytes.
    pub size: u64,
    /// Architecture family.
    pub family: String,
    /// e.g. `3.2B`.
    pub parameter_size: String,
    /// e.g. `Q4_K_M`.
    pub quantization_level: String,
    /// Last change (RFC 3339).
    pub modified_at: String,
}

impl From<ModelSummary> for ModelView {
    fn from(m: ModelSummary) -> Self {
        Self {
            name: m.name,
            size: m.size,
            family: m.details.family,
            parameter_size: m.details.parameter_size,
            quantization_level: m.details.quantization_level,
            modified_at: m.modified_at,
        }
    }
}

/// Models the caller may use.
#[derive(Serialize, ToSchema)]
pub struct ModelList {
    /// The models.
    items: Vec<ModelView>,
    /// How many.
    total: i64,
}

/// The installed models this caller may use (grants applied).
pub(crate) async fn usable_models(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<ModelSummary>, ApiError> {
    Ok(owp_chat::models::usable_models(&state.ollama_client, principal).await?)
}

/// Installed models the caller may use.
#[utoipa::path(
    tag = "models",
    responses((status = 200, body = ModelList), (status = 503, body = Problem, content_type = "application/problem+json", description = "Ollama is unreachable")),
    security(("bearer" = []))
)]
#[get("/models")]
pub async fn list_models(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<ModelList>, ApiError> {
    let models = usable_models(&state, &auth.0).await?;
    Ok(web::Json(ModelList {
        total: i64::try_from(models.len()).unwrap_or(i64::MAX),
        items: models.into_iter().map(ModelView::from).collect(),
    }))
}

/// One installed model in detail.
#[derive(Serialize, ToSchema)]
pub struct ModelDetail {
    /// The model as listed.
    #[serde(flatten)]
    model: ModelView,
    /// What it can do (`completion`, `tools`, `embedding`, …).
    capabilities: Vec<String>,
    /// Its parameters file.
    parameters: String,
    /// Its prompt template.
    template: String,
    /// Architecture facts Ollama reports (context length, embedding length, …).
    #[schema(value_type = Object)]
    model_info: serde_json::Map<String, serde_json::Value>,
}

/// One installed model the caller may use.
#[utoipa::path(
    tag = "models",
    params(("name" = String, Path, description = "model name with tag")),
    responses((status = 200, body = ModelDetail), (status = 403, body = Problem, content_type = "application/problem+json", description = "model not allowed"), (status = 404, body = Problem, content_type = "application/problem+json", description = "model not installed")),
    security(("bearer" = []))
)]
#[get("/models/{name}")]
pub async fn get_model(
    state: web::Data<AppState>,
    auth: Auth,
    name: web::Path<String>,
) -> Result<web::Json<ModelDetail>, ApiError> {
    let name = check_grants(&auth.0, &name.into_inner(), [])?;
    let info = state.ollama_client.show(&name).await?;
    let listed = state
        .ollama_client
        .list_models()
        .await?
        .into_iter()
        .find(|m| canonical_or_same(&m.name) == name)
        .ok_or_else(|| ApiError::NotFound(format!("model {name:?} is not installed in Ollama")))?;
    Ok(web::Json(ModelDetail {
        model: listed.into(),
        capabilities: info.capabilities,
        parameters: info.parameters,
        template: info.template,
        model_info: info.model_info,
    }))
}

/// One text or a batch.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EmbeddingInput {
    /// One text.
    One(String),
    /// Several texts, embedded in order.
    Many(Vec<String>),
}

impl EmbeddingInput {
    /// The texts, checked: 1..=256 of them.
    pub(crate) fn into_texts(self) -> Result<Vec<String>, ApiError> {
        let texts = match self {
            EmbeddingInput::One(text) => vec![text],
            EmbeddingInput::Many(texts) => texts,
        };
        Ok(embedding::check_texts(texts)?)
    }
}

/// An embeddings request.
#[derive(Deserialize, ToSchema)]
pub struct EmbeddingsRequest {
    /// Model name.
    model: String,
    /// Text or texts.
    input: EmbeddingInput,
}

/// Vectors, one per input, in order.
#[derive(Serialize, ToSchema)]
pub struct EmbeddingsResponse {
    /// The model used.
    model: String,
    /// Vector length.
    dims: usize,
    /// The vectors.
    embeddings: Vec<Vec<f32>>,
}

/// Checks the caller may use `model` and has budget left before anything reaches Ollama,
/// then embeds and counts the call (`owp_chat::embeddings::embed`).
pub(crate) async fn embed(
    state: &AppState,
    principal: &Principal,
    request: GenerateEmbeddingsRequest,
) -> Result<Vec<Vec<f32>>, ApiError> {
    let (db, ollama, clock) = (&state.db, &state.ollama_client, owp_db::time::now);
    Ok(embedding::embed(db, ollama, principal, request, clock).await?)
}

/// Embed one text or a batch.
#[utoipa::path(
    tag = "models",
    request_body = EmbeddingsRequest,
    responses(
        (status = 200, body = EmbeddingsResponse),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "model not allowed"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "model not installed"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "Ollama is unreachable"),
    ),
    security(("bearer" = []))
)]
#[post("/embeddings")]
pub async fn embeddings(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<EmbeddingsRequest>,
) -> Result<web::Json<EmbeddingsResponse>, ApiError> {
    let body = body.into_inner();
    let texts = body.input.into_texts()?;
    let request = embedding::request_for(body.model.clone(), texts, None);
    let embeddings = embed(&state, &auth.0, request).await?;
    Ok(web::Json(EmbeddingsResponse {
        dims: embeddings.first().map_or(0, Vec::len),
        model: body.model,
        embeddings,
    }))
}
