//! The installed models a caller may use, and the agents they may call as models.

use owp_db::Database;
use owp_ollama_client::{ModelSummary, OllamaClient};
use owp_rbac::Principal;
use owp_workshop::agents::{self, AgentSummary};

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

/// Everything an OpenAI client may name as `model`.
pub struct Catalog {
    /// Installed models the caller may use.
    pub models: Vec<ModelSummary>,
    /// Agents the caller may call (`agent:<slug>`).
    pub agents: Vec<AgentSummary>,
}

/// The installed models and the agents `principal` may use, read together.
pub async fn catalog(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
) -> Result<Catalog, ChatError> {
    Ok(Catalog {
        models: usable_models(ollama, principal).await?,
        agents: usable_agents(db, principal).await?,
    })
}

/// The active agents `principal` sees whose model they may use — what OpenAI clients call as
/// `agent:<slug>` — by slug.
pub async fn usable_agents(
    db: &Database,
    principal: &Principal,
) -> Result<Vec<AgentSummary>, ChatError> {
    let caller = principal.clone();
    let visible = db
        .run(move |conn| Ok::<_, ChatError>(agents::list_usable(conn, &caller)?))
        .await?;
    Ok(visible
        .into_iter()
        .filter(|a| principal.can_use_model(&a.model))
        .collect())
}

/// The agent `slug` if `principal` may call it (visible, active, its model granted); else
/// `NotFound` — what `GET /v1/models/agent:<slug>` answers.
pub async fn usable_agent(
    db: &Database,
    principal: &Principal,
    slug: &str,
) -> Result<AgentSummary, ChatError> {
    usable_agents(db, principal)
        .await?
        .into_iter()
        .find(|a| a.slug == slug)
        .ok_or_else(|| ChatError::NotFound(format!("no agent {slug:?} that you may use")))
}
