//! Chat turns grounded in knowledge: `POST /api/v1/chat {knowledge: [...]}` and agents with
//! `knowledge`. Each id is a RAG system (its collections and retrieval settings) or a collection
//! (searched hybrid, 5 chunks) the caller sees; the last user message is the question; the
//! sources reach the model as a system message and stay in the reply's metadata.

use owp_chat::OllamaClient;
use owp_chat::openai::{self, AGENT_PREFIX, CompletionRequest};
use owp_chat::stream::TurnRelay;
use owp_chat::turn::{Grounding, TurnInput, WholeReply, reply_streamed, reply_whole};
use owp_chat::{ChatChunk, ChatStream};
use owp_db::Database;
use owp_db::ids::{AgentId, CollectionId, RagSystemId};
use owp_db::time::Clock;
use owp_rbac::Principal;
use owp_vectors::{Indexes, SearchMode};
use owp_workshop::agents::AgentRef;
use serde_json::json;

use crate::retrieval::{Citation, Source, cite_stored_sources, context_of, retrieve};
use crate::{RagError, systems};

/// Chunks a grounded chat turn uses at most.
pub const CHAT_TOP_K: usize = 5;

/// How the sources are put to the model in a chat turn.
const CHAT_INSTRUCTION: &str = "Use the numbered sources below when they help to answer, and \
cite them with their numbers in square brackets, like [1]. If they do not contain the answer, \
say that there is no relevant context in the knowledge base.\n\nSources:\n";

/// The sources of `ids` (RAG systems or collections) the caller sees; an id that is neither
/// is 422 naming `knowledge[i]`.
async fn sources_of(
    db: &Database,
    principal: &Principal,
    ids: &[String],
) -> Result<Vec<Source>, RagError> {
    let mut sources = Vec::new();
    for (i, raw) in ids.iter().enumerate() {
        let unknown = || {
            RagError::invalid(
                format!("knowledge[{i}]"),
                "no such RAG system or collection",
            )
        };
        let id: RagSystemId = raw.trim().parse().map_err(|_| unknown())?;
        let caller = principal.clone();
        let system = db
            .run(move |conn| systems::get_rag_system(conn, &caller, id))
            .await;
        match system {
            Ok(system) => {
                let top_k = usize::try_from(system.top_k).unwrap_or(CHAT_TOP_K);
                sources.extend(system.collection_ids.iter().map(|c| Source {
                    collection_id: *c,
                    top_k,
                    mode: system.mode,
                    min_score: system.min_score.map(|s| s as f32),
                }));
                continue;
            }
            Err(RagError::NotFound) => {}
            Err(other) => return Err(other),
        }
        let caller = principal.clone();
        let collection = db
            .run(move |conn| {
                owp_vectors::collections::get_collection(conn, &caller, CollectionId(id.0))
            })
            .await;
        match collection {
            Ok(collection) => sources.push(Source {
                collection_id: collection.id,
                top_k: CHAT_TOP_K,
                mode: SearchMode::Hybrid,
                min_score: None,
            }),
            Err(owp_vectors::VectorsError::NotFound) => return Err(unknown()),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(sources)
}

/// The knowledge of a turn: the ids given, else its agent's.
async fn knowledge_of(
    db: &Database,
    principal: &Principal,
    input: &TurnInput,
    knowledge: Vec<String>,
) -> Result<Vec<String>, RagError> {
    if !knowledge.is_empty() {
        return Ok(knowledge);
    }
    let Some(raw) = input.agent_id.as_deref() else {
        return Ok(Vec::new());
    };
    let Ok(id) = raw.parse::<AgentId>() else {
        return Ok(Vec::new());
    };
    let caller = principal.clone();
    let agent = db
        .run(move |conn| owp_workshop::agents::get_agent(conn, &caller, id))
        .await;
    Ok(agent.map(|a| a.knowledge).unwrap_or_default())
}

/// `input` grounded in `knowledge` (or its agent's): retrieval on the last user message, the
/// numbered sources as a system message, and the sources in the reply's metadata. Without
/// knowledge the input is unchanged and there are no citations (`None`).
async fn ground(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    mut input: TurnInput,
    knowledge: Vec<String>,
) -> Result<(TurnInput, Option<Vec<Citation>>), RagError> {
    let knowledge = knowledge_of(db, principal, &input, knowledge).await?;
    if knowledge.is_empty() {
        return Ok((input, None));
    }
    let sources = sources_of(db, principal, &knowledge).await?;
    let question = input
        .messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(|m| m.content.clone())
        .unwrap_or_default();
    let citations = if question.trim().is_empty() {
        Vec::new()
    } else {
        retrieve(
            db, ollama, indexes, principal, &sources, &question, CHAT_TOP_K,
        )
        .await?
    };
    let mut metadata = serde_json::Map::new();
    metadata.insert("sources".into(), json!(citations));
    input.grounding = Some(Grounding {
        system: format!("{CHAT_INSTRUCTION}{}", context_of(&citations)),
        metadata,
        answered: Some(cite_stored_sources),
    });
    Ok((input, Some(citations)))
}

/// A chat turn grounded in `knowledge` (or its agent's), answered whole, with the sources the
/// reply cites marked; `None` when the turn had no knowledge.
pub async fn chat_whole(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    input: TurnInput,
    knowledge: Vec<String>,
    clock: Clock,
) -> Result<(WholeReply, Option<Vec<Citation>>), RagError> {
    let (input, citations) = ground(db, ollama, indexes, principal, input, knowledge).await?;
    let reply = reply_whole(db, ollama, principal, input, clock).await?;
    let citations = citations.map(|c| crate::retrieval::mark_cited(c, &reply.message.content));
    Ok((reply, citations))
}

/// A chat turn grounded in `knowledge` (or its agent's), relayed as it streams, with its
/// sources (`None` when the turn had no knowledge).
pub async fn chat_streamed(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    input: TurnInput,
    knowledge: Vec<String>,
    clock: Clock,
) -> Result<(TurnRelay, Option<Vec<Citation>>), RagError> {
    let (input, citations) = ground(db, ollama, indexes, principal, input, knowledge).await?;
    let relay = reply_streamed(db, ollama, principal, input, clock).await?;
    Ok((relay, citations))
}

/// The grounding of an OpenAI-compatible completion: an agent (`agent:<slug>`) with knowledge
/// grounds the last user message; anything else (a plain model, an agent without knowledge or
/// one the caller cannot use — the chat pipeline then answers why) has none.
async fn openai_grounding(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    body: &CompletionRequest,
    clock: Clock,
) -> Result<Option<(String, Vec<Citation>)>, RagError> {
    let Some(slug) = body.model.strip_prefix(AGENT_PREFIX).map(str::to_owned) else {
        return Ok(None);
    };
    let (caller, at) = (principal.clone(), clock());
    let agent = db
        .run(move |conn| {
            owp_workshop::agents::prepare_use(conn, &caller, AgentRef::Slug(&slug), at)
        })
        .await;
    let Ok(agent) = agent else {
        return Ok(None);
    };
    if agent.knowledge.is_empty() {
        return Ok(None);
    }
    let sources = sources_of(db, principal, &agent.knowledge).await?;
    let question = body.last_user_text().unwrap_or_default();
    let citations = if question.trim().is_empty() {
        Vec::new()
    } else {
        retrieve(
            db, ollama, indexes, principal, &sources, &question, CHAT_TOP_K,
        )
        .await?
    };
    Ok(Some((
        format!("{CHAT_INSTRUCTION}{}", context_of(&citations)),
        citations,
    )))
}

/// An OpenAI-compatible completion, grounded when it names an agent with knowledge: the reply
/// and its sources (`None` without grounding), marked where the reply cites them.
pub async fn openai_complete(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    body: &CompletionRequest,
    clock: Clock,
) -> Result<(ChatChunk, Option<Vec<Citation>>), RagError> {
    let grounding = openai_grounding(db, ollama, indexes, principal, body, clock).await?;
    let system = grounding.as_ref().map(|(system, _)| system.as_str());
    let reply = openai::complete(db, ollama, principal, body, system, clock).await?;
    let citations = grounding
        .map(|(_, citations)| crate::retrieval::mark_cited(citations, &reply.message.content));
    Ok((reply, citations))
}

/// An OpenAI-compatible streamed completion, grounded like [`openai_complete`]; the sources
/// come back unmarked (mark them against the text relayed).
pub async fn openai_complete_streamed(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    body: &CompletionRequest,
    clock: Clock,
) -> Result<(ChatStream, Option<Vec<Citation>>), RagError> {
    let grounding = openai_grounding(db, ollama, indexes, principal, body, clock).await?;
    let system = grounding.as_ref().map(|(system, _)| system.as_str());
    let stream = openai::complete_streamed(db, ollama, principal, body, system, clock).await?;
    Ok((stream, grounding.map(|(_, citations)| citations)))
}
