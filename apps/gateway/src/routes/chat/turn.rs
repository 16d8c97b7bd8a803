//! `POST /api/v1/chat`: a chat turn in a stored conversation, streamed to the SPA as
//! Server-Sent Events (`start`, `delta`…, then `done` or `error`), or answered whole.

use actix_web::{HttpResponse, post, web};
use owp_chat::conversations::NewMessage;
use owp_chat::turn::{self, TurnInput};
use owp_rag::{Citation, knowledge};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::chat::stream::{relay_with_citations, usage_of};
use crate::routes::conversations::MessageView;
use crate::state::AppState;

/// A message of the turn.
#[derive(Deserialize, ToSchema)]
pub struct TurnMessage {
    /// `system`, `user`, `assistant` or `tool`.
    role: String,
    /// The text.
    content: String,
    /// For a `tool` message: the id of the tool call it answers (from the `tool_call` event).
    tool_call_id: Option<String>,
}

fn stream_by_default() -> bool {
    true
}

/// A chat turn.
#[derive(Deserialize, ToSchema)]
pub struct ChatRequest {
    /// Model name; may be left out with `agent_id` (the agent names its model).
    #[serde(default)]
    model: String,
    /// Chat with this agent (`/api/v1/agents`): its model, system prompt, tools and options.
    agent_id: Option<String>,
    /// The new messages of this turn (usually one user message); a named conversation's
    /// stored messages are sent to the model before them.
    messages: Vec<TurnMessage>,
    /// Continue this conversation (yours); without it a new one is started.
    conversation_id: Option<String>,
    /// The project a new conversation belongs to (one you see).
    project_id: Option<String>,
    /// Ollama model options (`temperature`, `num_predict`, …).
    #[schema(value_type = Option<Object>)]
    options: Option<Value>,
    /// Tools in Ollama's function format; only tools granted to you.
    #[schema(value_type = Option<Vec<Object>>)]
    tools: Option<Vec<Value>>,
    /// Stored tools (`/api/v1/tools` ids) offered to the model; each must be visible to you
    /// and granted.
    #[serde(default)]
    tool_ids: Vec<String>,
    /// Ground the turn in knowledge: RAG system or collection ids you see. The last user
    /// message is searched for; the numbered sources reach the model and come back as
    /// `citations` (an agent's `knowledge` is used when this is empty).
    #[serde(default)]
    knowledge: Vec<String>,
    /// Stream as Server-Sent Events (default) or answer once.
    #[serde(default = "stream_by_default")]
    stream: bool,
}

/// A whole (non-streamed) turn's answer.
#[derive(Serialize, ToSchema)]
pub struct ChatAnswer {
    /// The conversation the turn was stored in.
    conversation_id: String,
    /// The stored reply.
    message: MessageView,
    /// Tokens Ollama counted.
    #[schema(value_type = Object)]
    usage: Value,
    /// With `knowledge`: the numbered sources the model was given, `cited` where the reply
    /// names them with `[n]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    citations: Option<Vec<Citation>>,
}

/// Chat with a model in a stored conversation.
#[utoipa::path(
    tag = "chat",
    request_body = ChatRequest,
    responses(
        (status = 200, body = ChatAnswer, description = "with `stream: false`; otherwise `text/event-stream`: `start` {conversation_id, message_id}, `delta` {content}, `tool_call` {id, name, arguments} (answer it with a `tool` message naming `tool_call_id` in the next turn), then `done` {usage, timings, done_reason} or `error` {status, detail}"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "model or tool not granted"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "unknown conversation, model or agent"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the agent is switched off, or its prompt is no longer available"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a field is malformed: unknown role, unknown or invisible tool id, an answer to a tool call never made"),
        (status = 429, body = Problem, content_type = "application/problem+json", description = "a token budget is used up"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "Ollama is unreachable"),
    ),
    security(("bearer" = []))
)]
#[post("/chat")]
pub async fn chat(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<ChatRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = TurnInput {
        model: body.model,
        agent_id: body.agent_id,
        messages: body
            .messages
            .into_iter()
            .map(|m| NewMessage {
                role: m.role,
                content: m.content,
                tool_call_id: m.tool_call_id,
            })
            .collect(),
        conversation_id: body.conversation_id,
        project_id: body.project_id,
        options: body.options,
        tools: body.tools,
        tool_ids: body.tool_ids,
        grounding: None,
    };
    let (db, ollama, clock) = (&state.db, &state.ollama_client, owp_db::time::now);
    let indexes = &state.indexes;
    // Knowledge (given, or an agent's) goes through the RAG crate, which grounds the turn and
    // then runs the same chat operation; a plain turn goes straight to it.
    let grounded = !body.knowledge.is_empty() || input.agent_id.is_some();
    if body.stream {
        let (turn, citations) = if grounded {
            knowledge::chat_streamed(db, ollama, indexes, &auth.0, input, body.knowledge, clock)
                .await?
        } else {
            (
                turn::reply_streamed(db, ollama, &auth.0, input, clock).await?,
                None,
            )
        };
        return Ok(HttpResponse::Ok()
            .content_type("text/event-stream")
            .insert_header(("cache-control", "no-cache"))
            .insert_header(("x-accel-buffering", "no"))
            .streaming(relay_with_citations(turn, citations)));
    }
    let (reply, citations) = if grounded {
        knowledge::chat_whole(db, ollama, indexes, &auth.0, input, body.knowledge, clock).await?
    } else {
        (
            turn::reply_whole(db, ollama, &auth.0, input, clock).await?,
            None,
        )
    };
    Ok(HttpResponse::Ok().json(ChatAnswer {
        conversation_id: reply.conversation_id.to_string(),
        message: reply.message.into(),
        usage: usage_of(reply.spend),
        citations,
    }))
}
