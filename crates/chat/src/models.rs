//! The installed models a caller may use.

use owp_ollama_client::{ModelSummary, OllamaClient};
use owp_rbac::Principal;

use crate::ChatError;

/// The installed models `principal` may use (grants applied), in Ollama's order.
pub async fn usable_models(
    ollama: &OllamaClient,
    principal: &Principal,
) -> Result<Vec<ModelSummary>, ChatError> {
    let models = ollama.list_models().await?;
    Ok(models
        .into_iter()
        .filter(|m| principal.can_use_model(&m.name))
        .collect())
}
