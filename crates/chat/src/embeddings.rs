//! Embeddings: grants → budget → Ollama → usage, the same for the native, OpenAI-compatible and
//! Ollama-compatible routes.

use owp_db::Database;
use owp_db::time::Clock;
use owp_metering::{Spend, record_spend};
use owp_ollama_client::OllamaClient;
use owp_rbac::Principal;

pub use owp_ollama_client::ollama_rs::generation::embeddings::request::{
    EmbeddingsInput, GenerateEmbeddingsRequest,
};

use crate::pipeline::ensure_budget;
use crate::{ChatError, caller_of, check_grants};

/// Most texts one embeddings call may carry.
pub const MAX_INPUTS: usize = 256;

/// The texts, checked: 1 to [`MAX_INPUTS`] of them.
pub fn check_texts(texts: Vec<String>) -> Result<Vec<String>, ChatError> {
    if texts.is_empty() || texts.len() > MAX_INPUTS {
        return Err(ChatError::invalid(
            "input",
            format!("give 1 to {MAX_INPUTS} texts"),
        ));
    }
    Ok(texts)
}

/// The request embedding `texts` with `model`, shortened to `dimensions` when given.
pub fn request_for(
    model: String,
    texts: Vec<String>,
    dimensions: Option<u32>,
) -> GenerateEmbeddingsRequest {
    let mut request = GenerateEmbeddingsRequest::new(model, texts.into());
    request.dimensions = dimensions;
    request
}

/// The request embedding one text (Ollama's legacy `prompt`).
pub fn single_request(model: String, prompt: String) -> GenerateEmbeddingsRequest {
    GenerateEmbeddingsRequest::new(model, EmbeddingsInput::Single(prompt))
}

/// The model a request names, as sent.
pub fn model_of(request: &GenerateEmbeddingsRequest) -> &str {
    &request.model_name
}

/// Checks `principal` may use the request's model and has budget left at `at` before anything
/// reaches Ollama, then embeds (the model sent is the checked canonical name) and counts the
/// call in the caller's usage. One vector per input, in order.
pub async fn embed(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    mut request: GenerateEmbeddingsRequest,
    clock: Clock,
) -> Result<Vec<Vec<f32>>, ChatError> {
    let at = clock();
    request.model_name = check_grants(principal, &request.model_name, [])?;
    ensure_budget(db, principal, at).await?;
    let vectors = ollama.embed(&request).await?.embeddings;
    let ended = clock();
    record_spend(
        db,
        caller_of(principal),
        request.model_name,
        Spend::default(),
        ended,
    )
    .await;
    Ok(vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_256_texts_are_embedded() {
        assert!(check_texts(Vec::new()).is_err());
        assert!(check_texts(vec![String::new(); MAX_INPUTS + 1]).is_err());
        assert_eq!(check_texts(vec!["a".into()]).unwrap(), ["a"]);
    }

    #[test]
    fn dimensions_reach_the_request() {
        let request = request_for("m".into(), vec!["a".into()], Some(8));
        assert_eq!(request.dimensions, Some(8));
        assert_eq!(model_of(&request), "m");
    }
}
