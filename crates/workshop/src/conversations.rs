//! Conversations and their messages: private to the user who started them (another user's id
//! answers "not found", whoever asks), stored turn by turn while a reply streams in.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{ConversationId, MessageId, UserId};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::{conversations, messages};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use serde_json::Value;

use crate::{Caller, WorkshopError};
use owp_metering::Spend;
use owp_metering::usage::record_usage;

/// Longest title kept.
pub const MAX_TITLE_CHARS: usize = 200;
/// Length of a title derived from the first user message.
const DERIVED_TITLE_CHARS: usize = 60;
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
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC, bumped by every turn.
    pub updated_at: NaiveDateTime,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// One of [`ROLES`].
    pub role: String,
    /// The text.
    pub content: String,
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
struct ConversationRow {
    id: String,
    user_id: String,
    title: String,
    model: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
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
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = messages)]
struct MessageRow {
    id: String,
    role: String,
    content: String,
    model: Option<String>,
    tokens_used: Option<i64>,
    processing_time_ms: Option<i64>,
    metadata: String,
    incomplete: bool,
    created_at: NaiveDateTime,
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

fn checked_title(title: &str) -> Result<String, WorkshopError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(WorkshopError::Invalid(
            "title",
            format!("must be 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title.to_owned())
}

/// Checks the messages of a turn: at least one, known roles, and something to answer.
pub fn check_messages(new: &[NewMessage]) -> Result<(), WorkshopError> {
    if new.is_empty() {
        return Err(WorkshopError::Invalid(
            "messages",
            "must not be empty".into(),
        ));
    }
    if let Some(m) = new.iter().find(|m| !ROLES.contains(&m.role.as_str())) {
        return Err(WorkshopError::Invalid(
            "messages",
            format!("unknown role {:?}; use one of {}", m.role, ROLES.join(", ")),
        ));
    }
    Ok(())
}

/// Starts a conversation for `caller`.
pub fn create_conversation(
    conn: &mut AnyConnection,
    caller: &Caller,
    title: &str,
    model: Option<&str>,
    at: NaiveDateTime,
) -> Result<Conversation, WorkshopError> {
    let title = checked_title(title)?;
    let model = model.map(canonical_or_same);
    let id = ConversationId::new();
    diesel::insert_into(conversations::table)
        .values((
            conversations::id.eq(id.to_string()),
            conversations::organization_id.eq(caller.organization_id.to_string()),
            conversations::user_id.eq(caller.user_id.to_string()),
            conversations::title.eq(&title),
            conversations::model.eq(model.as_deref()),
            conversations::created_at.eq(at),
            conversations::updated_at.eq(at),
        ))
        .execute(conn)?;
    get_conversation(conn, caller.user_id, id)
}

/// The owner's conversations, most recently active first.
pub fn list_conversations(
    conn: &mut AnyConnection,
    user: UserId,
    page: Page,
) -> Result<Paged<Conversation>, WorkshopError> {
    let owned = conversations::user_id.eq(user.to_string());
    let total = conversations::table
        .filter(owned.clone())
        .count()
        .get_result(conn)?;
    let rows: Vec<ConversationRow> = conversations::table
        .filter(owned)
        .order((conversations::updated_at.desc(), conversations::id.desc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(ConversationRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Conversation::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One of the owner's conversations; anyone else's is `NotFound`.
pub fn get_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
) -> Result<Conversation, WorkshopError> {
    let row: ConversationRow = conversations::table
        .filter(conversations::id.eq(id.to_string()))
        .filter(conversations::user_id.eq(user.to_string()))
        .select(ConversationRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// Renames one of the owner's conversations.
pub fn rename_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
    title: &str,
    at: NaiveDateTime,
) -> Result<Conversation, WorkshopError> {
    let title = checked_title(title)?;
    let changed = diesel::update(
        conversations::table
            .filter(conversations::id.eq(id.to_string()))
            .filter(conversations::user_id.eq(user.to_string())),
    )
    .set((
        conversations::title.eq(title),
        conversations::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound.into());
    }
    get_conversation(conn, user, id)
}

/// Deletes one of the owner's conversations with its messages.
pub fn delete_conversation(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
) -> Result<(), WorkshopError> {
    conn.transaction(|conn| {
        get_conversation(conn, user, id)?;
        diesel::delete(messages::table.filter(messages::conversation_id.eq(id.to_string())))
            .execute(conn)?;
        diesel::delete(conversations::table.filter(conversations::id.eq(id.to_string())))
            .execute(conn)?;
        Ok(())
    })
}

/// A page of the owner's conversation, oldest message first.
pub fn list_messages(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
    page: Page,
) -> Result<Paged<Message>, WorkshopError> {
    get_conversation(conn, user, id)?;
    let of = messages::conversation_id.eq(id.to_string());
    let total = messages::table
        .filter(of.clone())
        .count()
        .get_result(conn)?;
    let rows: Vec<MessageRow> = messages::table
        .filter(of)
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(MessageRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Message::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One message of the owner's conversation.
pub fn get_message(
    conn: &mut AnyConnection,
    user: UserId,
    conversation: ConversationId,
    id: MessageId,
) -> Result<Message, WorkshopError> {
    get_conversation(conn, user, conversation)?;
    let row: MessageRow = messages::table
        .filter(messages::id.eq(id.to_string()))
        .filter(messages::conversation_id.eq(conversation.to_string()))
        .select(MessageRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// Everything said so far that a model should see again: every message with content, oldest
/// first (a cut-off reply still counts: the user saw it).
pub fn history(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
) -> Result<Vec<Message>, WorkshopError> {
    get_conversation(conn, user, id)?;
    let rows: Vec<MessageRow> = messages::table
        .filter(messages::conversation_id.eq(id.to_string()))
        .filter(messages::content.ne(""))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(Message::try_from)
        .collect::<Result<_, _>>()?)
}

fn title_from(new: &[NewMessage]) -> String {
    let source = new
        .iter()
        .find(|m| m.role == "user")
        .map_or("New conversation", |m| m.content.trim());
    let title: String = source
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(DERIVED_TITLE_CHARS)
        .collect();
    if title.is_empty() {
        "New conversation".to_owned()
    } else {
        title
    }
}

/// Stores a turn's new messages and an empty, incomplete reply for `model`, in the named
/// conversation (the caller's own) or a new one titled after the first user message.
pub fn begin_turn(
    conn: &mut AnyConnection,
    caller: &Caller,
    conversation: Option<ConversationId>,
    model: &str,
    new: &[NewMessage],
    at: NaiveDateTime,
) -> Result<Turn, WorkshopError> {
    check_messages(new)?;
    let model = canonical_or_same(model);
    let model = model.as_str();
    conn.transaction(|conn| {
        let conversation_id = match conversation {
            Some(id) => {
                get_conversation(conn, caller.user_id, id)?;
                diesel::update(conversations::table.filter(conversations::id.eq(id.to_string())))
                    .set((
                        conversations::model.eq(model),
                        conversations::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                id
            }
            None => create_conversation(conn, caller, &title_from(new), Some(model), at)?.id,
        };
        // Later messages get later times, so the order survives equal clocks.
        let mut stamp = at;
        for message in new {
            insert_message(conn, conversation_id, message, None, stamp)?;
            stamp += chrono::TimeDelta::microseconds(1);
        }
        let reply = NewMessage {
            role: "assistant".into(),
            content: String::new(),
        };
        let reply_id = insert_message(conn, conversation_id, &reply, Some(model), stamp)?;
        Ok(Turn {
            conversation_id,
            reply_id,
        })
    })
}

fn insert_message(
    conn: &mut AnyConnection,
    conversation: ConversationId,
    message: &NewMessage,
    model: Option<&str>,
    at: NaiveDateTime,
) -> Result<MessageId, WorkshopError> {
    let id = MessageId::new();
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(id.to_string()),
            messages::conversation_id.eq(conversation.to_string()),
            messages::role.eq(&message.role),
            messages::content.eq(&message.content),
            messages::model.eq(model),
            messages::metadata.eq("{}"),
            messages::incomplete.eq(model.is_some()),
            messages::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Stores how a reply ended and, in the same transaction, what it cost the caller.
pub fn finish_reply(
    conn: &mut AnyConnection,
    caller: &Caller,
    turn: &Turn,
    model: &str,
    outcome: &ReplyOutcome,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    conn.transaction(|conn| {
        diesel::update(messages::table.filter(messages::id.eq(turn.reply_id.to_string())))
            .set((
                messages::content.eq(&outcome.content),
                messages::tokens_used.eq(outcome.spend.total()),
                messages::processing_time_ms.eq(outcome.processing_time_ms),
                messages::metadata.eq(outcome.metadata.to_string()),
                messages::incomplete.eq(!outcome.complete),
            ))
            .execute(conn)?;
        diesel::update(
            conversations::table.filter(conversations::id.eq(turn.conversation_id.to_string())),
        )
        .set(conversations::updated_at.eq(at))
        .execute(conn)?;
        Ok(record_usage(conn, caller, model, outcome.spend, at)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(role: &str, content: &str) -> NewMessage {
        NewMessage {
            role: role.into(),
            content: content.into(),
        }
    }

    #[test]
    fn titles_come_from_the_first_user_message() {
        let long = "word ".repeat(40);
        assert_eq!(
            title_from(&[
                said("system", "be brief"),
                said("user", "  why\nis the sky blue ")
            ]),
            "why is the sky blue"
        );
        assert_eq!(title_from(&[said("user", &long)]).chars().count(), 60);
        assert_eq!(title_from(&[said("system", "x")]), "New conversation");
    }

    #[test]
    fn turns_need_known_roles() {
        assert!(check_messages(&[]).is_err());
        assert!(check_messages(&[said("robot", "hi")]).is_err());
        assert!(check_messages(&[said("user", "hi")]).is_ok());
    }
}
