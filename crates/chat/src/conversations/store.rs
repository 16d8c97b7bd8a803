//! The owner's conversations and messages: start (in a project they see), list, read, rename,
//! delete.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{ConversationId, MessageId, ProjectId, UserId};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::{conversations, messages};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::Principal;
use owp_workshop::WorkshopError;

use super::{Conversation, ConversationRow, Message, MessageRow, checked_title};
use crate::{Caller, ChatError, caller_of};

/// Stores a new conversation of the caller's (`project` already checked).
pub(crate) fn create_conversation(
    conn: &mut AnyConnection,
    caller: &Caller,
    title: &str,
    model: Option<&str>,
    project: Option<ProjectId>,
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
            conversations::project_id.eq(project.map(|p| p.to_string())),
            conversations::created_at.eq(at),
            conversations::updated_at.eq(at),
        ))
        .execute(conn)?;
    get_conversation(conn, caller.user_id, id)
}

/// `project` (when given) is one the caller sees — a member's, or any of their organization's
/// for its admins; else 422 naming `project_id`.
pub fn check_project(
    conn: &mut AnyConnection,
    principal: &Principal,
    project: Option<ProjectId>,
) -> Result<(), ChatError> {
    let Some(project) = project else {
        return Ok(());
    };
    match owp_workshop::projects::get_project(conn, principal, project) {
        Ok(_) => Ok(()),
        Err(WorkshopError::NotFound) => Err(ChatError::invalid("project_id", "no such project")),
        Err(other) => Err(other.into()),
    }
}

/// Starts an empty conversation of the caller's, in `project` if given (one they see).
pub fn start_conversation(
    conn: &mut AnyConnection,
    principal: &Principal,
    title: &str,
    model: Option<&str>,
    project: Option<ProjectId>,
    at: NaiveDateTime,
) -> Result<Conversation, ChatError> {
    check_project(conn, principal, project)?;
    create_conversation(conn, &caller_of(principal), title, model, project, at)
}

/// The owner's conversations, most recently active first; only those of `project` if given.
pub fn list_conversations(
    conn: &mut AnyConnection,
    user: UserId,
    project: Option<ProjectId>,
    page: Page,
) -> Result<Paged<Conversation>, ChatError> {
    let owned = || {
        let mut query = conversations::table
            .filter(conversations::user_id.eq(user.to_string()))
            .into_boxed::<owp_db::AnyBackend>();
        if let Some(project) = project {
            query = query.filter(conversations::project_id.eq(project.to_string()));
        }
        query
    };
    let total = owned().count().get_result(conn)?;
    let rows: Vec<ConversationRow> = owned()
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
    owp_db::write_transaction(conn, |conn| {
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
