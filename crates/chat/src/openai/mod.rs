//! OpenAI's chat API over Ollama: the request and its translation ([`CompletionRequest`]), and
//! the call — agent → grants → budget → Ollama → spend — whole or as a charged stream. Encoding the
//! answer as OpenAI's objects and chunks is the caller's.

mod request;
mod translate;

pub use request::CompletionRequest;
pub use translate::tool_of;

use chrono::NaiveDateTime;
use owp_db::Database;
use owp_db::time::Clock;
use owp_metering::{Meter, record_spend};
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::{ChatChunk, ChatStream, OllamaClient};
use owp_rbac::Principal;
use owp_workshop::agents::AgentUse;

use crate::content::{AgentName, agent_for, merged_options, stored_tools, tool_ids_with};
use crate::pipeline::ensure_budget;
use crate::{ChatError, caller_of, check_grants, metered, spend_of};

/// How OpenAI clients name an agent as a model: `agent:<slug>`.
pub const AGENT_PREFIX: &str = "agent:";

/// The checked Ollama request: translated (422 naming a field Ollama cannot honour), an agent
/// (`agent:<slug>`) resolved, model and tools granted (the model sent is the canonical name),
/// budget left at `at`.
async fn checked(
    db: &Database,
    principal: &Principal,
    body: &CompletionRequest,
    grounding: Option<&str>,
    at: NaiveDateTime,
) -> Result<ChatMessageRequest, ChatError> {
    let mut request = body.to_ollama()?;
    if let Some(grounding) = grounding {
        request
            .messages
            .insert(0, ChatMessage::system(grounding.to_owned()));
    }
    let agent = match body.model.strip_prefix(AGENT_PREFIX) {
        Some(slug) => Some(agent_for(db, principal, AgentName::Slug(slug.to_owned()), at).await?),
        None => None,
    };
    let model = agent
        .as_ref()
        .map_or(body.model.as_str(), |a| a.model.as_str());
    request.model_name = check_grants(
        principal,
        model,
        request.tools.iter().map(|t| t.function.name.as_str()),
    )?;
    if let Some(agent) = agent {
        with_agent(db, principal, &mut request, agent, !body.tools_off()).await?;
    }
    ensure_budget(db, principal, at).await?;
    Ok(request)
}

/// What an agent adds to a request: its system prompt first, its tools (checked like any
/// stored tool) unless tools are off, its options under the request's own.
async fn with_agent(
    db: &Database,
    principal: &Principal,
    request: &mut ChatMessageRequest,
    agent: AgentUse,
    tools_on: bool,
) -> Result<(), ChatError> {
    if let Some(system) = agent.system_prompt.clone() {
        request.messages.insert(0, ChatMessage::system(system));
    }
    if tools_on {
        let ids = tool_ids_with(Some(&agent), &[]);
        request
            .tools
            .extend(stored_tools(db, principal, &ids).await?);
    }
    let asked = request
        .options
        .take()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| ChatError::invalid("options", e.to_string()))?;
    request.options = merged_options(Some(&agent.options), asked)?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ChatError::invalid("options", e.to_string()))?;
    Ok(())
}

/// A whole completion: Ollama's reply, already counted in the caller's usage. `grounding` is a
/// system message of retrieved sources (from `owp-rag`), read after an agent's system prompt.
pub async fn complete(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    body: &CompletionRequest,
    grounding: Option<&str>,
    clock: Clock,
) -> Result<ChatChunk, ChatError> {
    let at = clock();
    let request = checked(db, principal, body, grounding, at).await?;
    let reply = ollama.chat(&request).await?;
    let ended = clock();
    record_spend(
        db,
        caller_of(principal),
        request.model_name,
        spend_of(&reply.stats),
        ended,
    )
    .await;
    Ok(reply)
}

/// A streamed completion: Ollama's pieces as they arrive, charged to the caller when the final
/// piece passes — or, dropped early, one token per piece relayed. `grounding` as in
/// [`complete`].
pub async fn complete_streamed(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    body: &CompletionRequest,
    grounding: Option<&str>,
    clock: Clock,
) -> Result<ChatStream, ChatError> {
    let at = clock();
    let request = checked(db, principal, body, grounding, at).await?;
    let upstream = ollama.chat_stream(&request).await?;
    let meter = Meter::new(db.clone(), caller_of(principal), request.model_name, clock);
    Ok(metered(upstream, meter))
}
