//! OpenAI's chat API over Ollama: the request and its translation ([`CompletionRequest`]), and
//! the call — grants → budget → Ollama → spend — whole or as a charged stream. Encoding the
//! answer as OpenAI's objects and chunks is the caller's.

mod request;
mod translate;

pub use request::CompletionRequest;
pub use translate::tool_of;

use chrono::NaiveDateTime;
use owp_db::Database;
use owp_db::time::Clock;
use owp_metering::{Meter, record_spend};
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::{ChatChunk, ChatStream, OllamaClient};
use owp_rbac::Principal;

use crate::pipeline::ensure_budget;
use crate::{ChatError, caller_of, check_grants, metered, spend_of};

/// The checked Ollama request: translated (422 naming a field Ollama cannot honour), model and
/// tools granted (the model sent is the canonical name), budget left at `at`.
async fn checked(
    db: &Database,
    principal: &Principal,
    body: &CompletionRequest,
    at: NaiveDateTime,
) -> Result<ChatMessageRequest, ChatError> {
    let mut request = body.to_ollama()?;
    request.model_name = check_grants(
        principal,
        &body.model,
        request.tools.iter().map(|t| t.function.name.as_str()),
    )?;
    ensure_budget(db, principal, at).await?;
    Ok(request)
}

/// A whole completion: Ollama's reply, already counted in the caller's usage.
pub async fn complete(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    body: &CompletionRequest,
    clock: Clock,
) -> Result<ChatChunk, ChatError> {
    let at = clock();
    let request = checked(db, principal, body, at).await?;
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
/// piece passes — or, dropped early, one token per piece relayed.
pub async fn complete_streamed(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    body: &CompletionRequest,
    clock: Clock,
) -> Result<ChatStream, ChatError> {
    let at = clock();
    let request = checked(db, principal, body, at).await?;
    let upstream = ollama.chat_stream(&request).await?;
    let meter = Meter::new(db.clone(), caller_of(principal), request.model_name, clock);
    Ok(metered(upstream, meter))
}
