//! `POST /api/v1/chat`: a chat turn in a stored conversation, streamed to the SPA as
//! Server-Sent Events (`start`, `delta`…, then `done` or `error`), or answered whole.

use std::time::Instant;

use actix_web::{HttpResponse, post, web};
use owp_db::ids::ConversationId;
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use owp_ollama_client::ollama_rs::models::ModelOptions;
use owp_workshop::conversations::{self, Message, NewMessage, ReplyOutcome};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::chat_stream::{ReplyLog, relay, tool_calls_of, usage_of};
use super::conversations::MessageView;
use super::grants::check_grants;
use crate::http::auth::Auth;
use crate::http::metering::{ensure_budget, spend_of};
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// A message of the turn.
#[derive(Deserialize, ToSchema)]
pub struct TurnMessage {
    /// `system`, `user`, `assistant` or `tool`.
    role: String,
    /// The text.
    content: String,
}

fn stream_by_default() -> bool {
    true
}

/// A chat turn.
#[derive(Deserialize, ToSchema)]
pub struct ChatRequest {
    /// Model name.
    model: String,
    /// The new messages of this turn (usually one user message); a named conversation's
    /// stored messages are sent to the model before them.
    messages: Vec<TurnMessage>,
    /// Continue this conversation (yours); without it a new one is started.
    conversation_id: Option<String>,
    /// Ollama model options (`temperature`, `num_predict`, …).
    #[schema(value_type = Option<Object>)]
    options: Option<Value>,
    /// Tools in Ollama's function format; only tools granted to you.
    #[schema(value_type = Option<Vec<Object>>)]
    tools: Option<Vec<Value>>,
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
}

/// Tools and options parsed from JSON, with the field named when one does not parse.
pub(crate) fn parse_tools(tools: Option<&[Value]>) -> Result<Vec<ToolInfo>, ApiError> {
    tools
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, t)| super::openai_request::tool_of(t, &format!("tools[{i}]")))
        .collect()
}

fn parse_options(options: Option<Value>) -> Result<Option<ModelOptions>, ApiError> {
    options
        .map(|o| {
            serde_json::from_value::<ModelOptions>(o)
                .map_err(|e| ApiError::invalid_field("options", e.to_string()))
        })
        .transpose()
}

fn to_chat_message(role: &str, content: &str) -> Result<ChatMessage, ApiError> {
    serde_json::from_value(json!({"role": role, "content": content}))
        .map_err(|e| ApiError::invalid_field("messages", e.to_string()))
}

/// The request Ollama gets: the stored history, then the turn's new messages.
fn ollama_request(
    model: &str,
    history: &[Message],
    new: &[NewMessage],
    options: Option<ModelOptions>,
    tools: Vec<ToolInfo>,
) -> Result<ChatMessageRequest, ApiError> {
    let said = history
        .iter()
        .map(|m| (m.role.as_str(), m.content.as_str()));
    let adding = new.iter().map(|m| (m.role.as_str(), m.content.as_str()));
    let messages = said
        .chain(adding)
        .map(|(role, content)| to_chat_message(role, content))
        .collect::<Result<Vec<_>, _>>()?;
    let mut request = ChatMessageRequest::new(model.to_owned(), messages);
    if let Some(options) = options {
        request = request.options(options);
    }
    if !tools.is_empty() {
        request = request.tools(tools);
    }
    Ok(request)
}

/// Chat with a model in a stored conversation.
#[utoipa::path(
    tag = "chat",
    request_body = ChatRequest,
    responses(
        (status = 200, body = ChatAnswer, description = "with `stream: false`; otherwise `text/event-stream`: `start` {conversation_id, message_id}, `delta` {content, tool_calls?}, then `done` {usage, timings, done_reason} or `error` {status, detail}"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "model or tool not granted"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "unknown conversation or model"),
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
    let started = Instant::now();
    let body = body.into_inner();
    let tools = parse_tools(body.tools.as_deref())?;
    let model = check_grants(
        &auth.0,
        &body.model,
        tools.iter().map(|t| t.function.name.as_str()),
    )?;
    let new: Vec<NewMessage> = body
        .messages
        .into_iter()
        .map(|m| NewMessage {
            role: m.role,
            content: m.content,
        })
        .collect();
    conversations::check_messages(&new)?;
    let conversation = body
        .conversation_id
        .as_deref()
        .map(|raw| {
            raw.parse::<ConversationId>()
                .map_err(|_| ApiError::NotFound("no such conversation".into()))
        })
        .transpose()?;
    let options = parse_options(body.options)?;
    ensure_budget(&state, &auth.0).await?;

    let caller = owp_workshop::caller_of(&auth.0);
    let history = match conversation {
        Some(id) => {
            state
                .db
                .run(move |conn| conversations::history(conn, caller.user_id, id))
                .await?
        }
        None => Vec::new(),
    };
    let request = ollama_request(&model, &history, &new, options, tools)?;

    let begin = {
        let model = model.clone();
        move |conn: &mut owp_db::AnyConnection| {
            conversations::begin_turn(
                conn,
                &caller,
                conversation,
                &model,
                &new,
                owp_db::time::now(),
            )
        }
    };
    if body.stream {
        let upstream = state.ollama_client.chat_stream(&request).await?;
        let turn = state.db.run(begin).await?;
        let log = ReplyLog::new(state.db.clone(), caller, turn, model, started);
        return Ok(HttpResponse::Ok()
            .content_type("text/event-stream")
            .insert_header(("cache-control", "no-cache"))
            .insert_header(("x-accel-buffering", "no"))
            .streaming(relay(upstream, log)));
    }

    let reply = state.ollama_client.chat(&request).await?;
    let turn = state.db.run(begin).await?;
    let outcome = ReplyOutcome {
        content: reply.message.content.clone(),
        spend: spend_of(&reply.stats),
        processing_time_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        metadata: json!({"done_reason": reply.done_reason, "tool_calls": tool_calls_of(&reply)}),
        complete: true,
    };
    let usage = usage_of(outcome.spend);
    let conversation_id = turn.conversation_id.to_string();
    let message = state
        .db
        .run(move |conn| {
            let at = owp_db::time::now();
            conversations::finish_reply(conn, &caller, &turn, &model, &outcome, at)?;
            conversations::get_message(conn, caller.user_id, turn.conversation_id, turn.reply_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ChatAnswer {
        conversation_id,
        message: message.into(),
        usage,
    }))
}
