//! Conversations and their messages: private to the user who started them (another user's id
//! answers "not found", whoever asks), stored turn by turn while a reply streams in.
//!
//! [`store`] holds the owner's reads and writes, [`turns`] a turn's lifecycle: begin (the new
//! messages and an empty, incomplete reply), then finish (the reply and what it cost, in one
//! transaction).

mod store;
mod turns;

pub use store::{
    check_project, delete_conversation, get_conversation, get_message, list_conversations,
    list_messages, rename_conversation, start_conversation,
};
pub use turns::{begin_turn, finish_reply, history};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::StoreError;
use owp_db::ids::{AgentId, ConversationId, MessageId, ProjectId, UserId};
use owp_db::schema::{conversations, messages};
use owp_metering::Spend;
use serde_json::Value;

use crate::ChatError;

/// Longest title kept.
pub const MAX_TITLE_CHARS: usize = 200;
/// Length of a title derived from the first user message.
pub(crate) const DERIVED_TITLE_CHARS: usize = 60;
/// Message roles Ollama understands.
pub const ROLES: [&str; 4] = ["system", "user", "assistant", "tool"];

/// A conversation as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conversation {
    /// Id.
    pub id: ConversationId,
    /// Owner.
    pub user_id: UserId,
    /// Shown in lists.
    pub title: String,
    /// The model last used.
    pub model: Option<String>,
    /// The agent last chatted with (its id stays when the agent is deleted).
    pub agent_id: Option<AgentId>,
    /// The project it belongs to.
    pub project_id: Option<ProjectId>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC, bumped by every turn.
    pub updated_at: NaiveDateTime,
}

/// What a turn runs with, kept on its conversation: the model, and the agent if any.
#[derive(Debug, Clone, Copy)]
pub struct TurnOf<'a> {
    /// The model that answers.
    pub model: &'a str,
    /// The agent the caller chats with.
    pub agent: Option<AgentId>,
    /// The project a new conversation belongs to (already checked with [`check_project`]).
    pub project: Option<ProjectId>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Message {
    /// Id.
    pub id: MessageId,
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// The text.
    pub content: String,
    /// The model that wrote an assistant message.
    pub model: Option<String>,
    /// Tokens Ollama counted for the reply (prompt + completion).
    pub tokens_used: Option<i64>,
    /// Time from request to last token.
    pub processing_time_ms: Option<i64>,
    /// Tool calls, done reason, timings.
    pub metadata: Value,
    /// The reply is still streaming, or was cut off (client gone, Ollama failed).
    pub incomplete: bool,
    /// UTC.
    pub created_at: NaiveDateTime,
}

/// A message the caller adds to a conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// One of [`ROLES`].
    pub role: String,
    /// The text.
    pub content: String,
    /// For a `tool` message: the id of the tool call it answers (kept in the message's
    /// metadata, so the conversation shows which call each result belongs to).
    pub tool_call_id: Option<String>,
}

/// A turn in progress: where the reply goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The conversation (created if the request named none).
    pub conversation_id: ConversationId,
    /// The assistant reply's row, incomplete until [`finish_reply`].
    pub reply_id: MessageId,
}

/// How a reply ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyOutcome {
    /// What arrived.
    pub content: String,
    /// Ollama's counts (or, when cut off, the pieces relayed).
    pub spend: Spend,
    /// Time from request to the end.
    pub processing_time_ms: i64,
    /// Tool calls, done reason, timings, error.
    pub metadata: Value,
    /// False when the reply was cut off.
    pub complete: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub(crate) struct ConversationRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) title: String,
    pub(crate) model: Option<String>,
    pub(crate) agent_id: Option<String>,
    pub(crate) project_id: Option<String>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StoreError;
    fn try_from(row: ConversationRow) -> Result<Self, StoreError> {
        let bad = || StoreError::Internal("malformed conversation id".into());
        Ok(Self {
            id: row.id.parse().map_err(|_| bad())?,
            user_id: row.user_id.parse().map_err(|_| bad())?,
            title: row.title,
            model: row.model,
            agent_id: row
                .agent_id
                .map(|id| id.parse().map_err(|_| bad()))
                .transpose()?,
            project_id: row
                .project_id
                .map(|id| id.parse().map_err(|_| bad()))
                .transpose()?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = messages)]
pub(crate) struct MessageRow {
    pub(crate) id: String,
    pub(crate) role: String,
    pub(crate) content: String,
    pub(crate) model: Option<String>,
    pub(crate) tokens_used: Option<i64>,
    pub(crate) processing_time_ms: Option<i64>,
    pub(crate) metadata: String,
    pub(crate) incomplete: bool,
    pub(crate) created_at: NaiveDateTime,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row
                .id
                .parse()
                .map_err(|_| StoreError::Internal("malformed message id".into()))?,
            role: row.role,
            content: row.content,
            model: row.model,
            tokens_used: row.tokens_used,
            processing_time_ms: row.processing_time_ms,
            metadata: serde_json::from_str(&row.metadata)
                .map_err(|_| StoreError::Internal("malformed message metadata".into()))?,
            incomplete: row.incomplete,
            created_at: row.created_at,
        })
    }
}

pub(crate) fn checked_title(title: &str) -> Result<String, ChatError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(ChatError::invalid(
            "title",
            format!("must be 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title.to_owned())
}

/// Checks the messages of a turn: at least one, known roles, and something to answer.
pub fn check_messages(new: &[NewMessage]) -> Result<(), ChatError> {
    if new.is_empty() {
        return Err(ChatError::invalid("messages", "must not be empty"));
    }
    if let Some(m) = new.iter().find(|m| !ROLES.contains(&m.role.as_str())) {
        return Err(ChatError::invalid(
            "messages",
            format!("unknown role {:?}; use one of {}", m.role, ROLES.join(", ")),
        ));
    }
    if let Some(i) = new
        .iter()
        .position(|m| m.tool_call_id.is_some() && m.role != "tool")
    {
        return Err(ChatError::invalid(
            format!("messages[{i}].tool_call_id"),
            "only a tool message answers a tool call",
        ));
    }
    Ok(())
}

/// The tool calls stored with an assistant message (`[{id, function: {name, arguments}}]`);
/// empty for other messages.
pub fn tool_calls_in(message: &Message) -> &[Value] {
    message.metadata["tool_calls"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}
