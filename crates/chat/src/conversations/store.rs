//! The owner's conversations and messages: create, list, read, rename, delete.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{ConversationId, MessageId, UserId};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::{conversations, messages};
use owp_db::{AnyConnection, Page, Paged, StoreError};

use super::{Conversation, ConversationRow, Message, MessageRow, checked_title};
use crate::{Caller, ChatError};

/// Starts a conversation for `caller`.
pub fn create_conversation(
    conn: &mut AnyConnection,
    caller: &Caller,
    title: &str,
    model: Option<&str>,
    at: NaiveDateTime,
) -> Result<Conversation, ChatError> {
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
) -> Result<Paged<Conversation>, ChatError> {
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
) -> Result<Conversation, ChatError> {
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
) -> Result<Conversation, ChatError> {
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
) -> Result<(), ChatError> {
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
) -> Result<Paged<Message>, ChatError> {
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
) -> Result<Message, ChatError> {
    get_conversation(conn, user, conversation)?;
    let row: MessageRow = messages::table
        .filter(messages::id.eq(id.to_string()))
        .filter(messages::conversation_id.eq(conversation.to_string()))
        .select(MessageRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}
