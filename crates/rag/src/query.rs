//! Asking a RAG system: the chat model's grant first, then retrieval from its collections, the
//! template rendered with the numbered sources, and one chat turn (stored as a conversation)
//! answered whole ([`ask_whole`]) or relayed as it streams ([`ask_streamed`]).

use owp_chat::OllamaClient;
use owp_chat::conversations::{Message, NewMessage};
use owp_chat::stream::TurnRelay;
use owp_chat::turn::{Grounding, TurnInput, reply_streamed, reply_whole};
use owp_chat::{Spend, check_grants};
use owp_db::Database;
use owp_db::ids::{ConversationId, RagSystemId};
use owp_db::time::Clock;
use owp_rbac::Principal;
use owp_vectors::Indexes;
use serde_json::json;

use crate::retrieval::{
    Citation, Source, cite_stored_sources, context_of, mark_cited, render, retrieve,
};
use crate::{RagError, systems};

/// Longest question, in characters.
pub const MAX_QUESTION_CHARS: usize = 4000;

/// A question to a RAG system.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// What to ask.
    pub question: String,
    /// Stream the answer as Server-Sent Events (default true).
    #[serde(default = "streamed")]
    pub stream: bool,
    /// Continue this conversation (yours); without it a new one is started.
    pub conversation_id: Option<String>,
}

fn streamed() -> bool {
    true
}

/// An answer given whole.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The conversation it was stored in.
    pub conversation_id: ConversationId,
    /// The stored reply.
    pub message: Message,
    /// Tokens Ollama counted.
    pub spend: Spend,
    /// The numbered sources, `cited` where the answer names them.
    pub citations: Vec<Citation>,
}

/// The turn to run and its sources.
struct Grounded {
    input: TurnInput,
    citations: Vec<Citation>,
}

async fn ground(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    id: RagSystemId,
    question: Question,
) -> Result<Grounded, RagError> {
    let text = question.question.trim().to_owned();
    if text.is_empty() || text.chars().count() > MAX_QUESTION_CHARS || text.contains('\0') {
        return Err(RagError::invalid(
            "question",
            format!("must be 1 to {MAX_QUESTION_CHARS} characters"),
        ));
    }
    let caller = principal.clone();
    let system = db
        .run(move |conn| systems::get_rag_system(conn, &caller, id))
        .await?;
    check_grants(principal, &system.chat_model, std::iter::empty())?;
    let top_k = usize::try_from(system.top_k).unwrap_or(1);
    let sources: Vec<Source> = system
        .collection_ids
        .iter()
        .map(|collection_id| Source {
            collection_id: *collection_id,
            top_k,
            mode: system.mode,
            min_score: system.min_score.map(|s| s as f32),
        })
        .collect();
    let citations = retrieve(db, ollama, indexes, principal, &sources, &text, top_k).await?;
    let prompt = render(&system.prompt_template, &context_of(&citations), &text);
    let mut metadata = serde_json::Map::new();
    metadata.insert("rag_system_id".into(), json!(system.id));
    metadata.insert("sources".into(), json!(citations));
    let input = TurnInput {
        model: system.chat_model,
        messages: vec![NewMessage {
            role: "user".into(),
            content: text,
            tool_call_id: None,
        }],
        conversation_id: question.conversation_id,
        grounding: Some(Grounding {
            system: prompt,
            metadata,
            answered: Some(cite_stored_sources),
        }),
        ..TurnInput::default()
    };
    Ok(Grounded { input, citations })
}

/// Asks RAG system `id` and answers whole, with the sources the answer cites marked.
pub async fn ask_whole(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    id: RagSystemId,
    question: Question,
    clock: Clock,
) -> Result<Answer, RagError> {
    let grounded = ground(db, ollama, indexes, principal, id, question).await?;
    let reply = reply_whole(db, ollama, principal, grounded.input, clock).await?;
    Ok(Answer {
        citations: mark_cited(grounded.citations, &reply.message.content),
        conversation_id: reply.conversation_id,
        message: reply.message,
        spend: reply.spend,
    })
}

/// Asks RAG system `id` with the answer relayed as it streams; the sources come back to be
/// sent after the answer (marked with [`mark_cited`] against the text relayed).
pub async fn ask_streamed(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    id: RagSystemId,
    question: Question,
    clock: Clock,
) -> Result<(TurnRelay, Vec<Citation>), RagError> {
    let grounded = ground(db, ollama, indexes, principal, id, question).await?;
    let relay = reply_streamed(db, ollama, principal, grounded.input, clock).await?;
    Ok((relay, grounded.citations))
}
