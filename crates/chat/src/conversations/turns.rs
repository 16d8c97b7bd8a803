//! A turn's lifecycle: the history a model sees again, then begin (the turn's messages and an
//! empty, incomplete reply) and finish (the reply and what it cost, in one transaction).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{ConversationId, MessageId, UserId};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::{conversations, messages};
use owp_metering::usage::record_usage;

use super::{
    DERIVED_TITLE_CHARS, Message, MessageRow, NewMessage, ReplyOutcome, Turn, TurnOf,
    check_messages, get_conversation, store::create_conversation, tool_calls_in,
};
use crate::{Caller, ChatError};

/// Everything said so far that a model should see again: every message with content, oldest
/// first (a cut-off reply still counts: the user saw it).
pub fn history(
    conn: &mut AnyConnection,
    user: UserId,
    id: ConversationId,
) -> Result<Vec<Message>, ChatError> {
    get_conversation(conn, user, id)?;
    let rows: Vec<MessageRow> = messages::table
        .filter(messages::conversation_id.eq(id.to_string()))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)?;
    let mut said = Vec::with_capacity(rows.len());
    for row in rows {
        let message = Message::try_from(row)?;
        // An empty reply says nothing, unless it is the model calling tools.
        if !message.content.is_empty() || !tool_calls_in(&message).is_empty() {
            said.push(message);
        }
    }
    Ok(said)
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

/// Stores a turn's new messages and an empty, incomplete reply for `with.model`, in the named
/// conversation (the caller's own) or a new one titled after the first user message; the
/// conversation keeps the model and agent of its latest turn.
pub fn begin_turn(
    conn: &mut AnyConnection,
    caller: &Caller,
    conversation: Option<ConversationId>,
    with: TurnOf<'_>,
    new: &[NewMessage],
    at: NaiveDateTime,
) -> Result<Turn, ChatError> {
    check_messages(new)?;
    let model = canonical_or_same(with.model);
    let model = model.as_str();
    let agent = with.agent.map(|id| id.to_string());
    owp_db::write_transaction(conn, |conn| {
        let conversation_id = match conversation {
            Some(id) => {
                let stored = get_conversation(conn, caller.user_id, id)?;
                if with.project.is_some() && with.project != stored.project_id {
                    return Err(ChatError::invalid(
                        "project_id",
                        "a conversation keeps the project it was started in",
                    ));
                }
                diesel::update(conversations::table.filter(conversations::id.eq(id.to_string())))
                    .set((
                        conversations::model.eq(model),
                        conversations::agent_id.eq(&agent),
                        conversations::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                id
            }
            None => {
                let title = title_from(new);
                let id =
                    create_conversation(conn, caller, &title, Some(model), with.project, at)?.id;
                diesel::update(conversations::table.filter(conversations::id.eq(id.to_string())))
                    .set(conversations::agent_id.eq(&agent))
                    .execute(conn)?;
                id
            }
        };
        // Later messages get later times, so the order survives equal clocks.
        let mut stamp = at;
        for message in new {
            insert_message(conn, conversation_id, message, None, stamp)?;
            stamp += chrono::TimeDelta::microseconds(1);
        }
        let reply = NewMessage {
            role: "assistant".into(),
            ..NewMessage::default()
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
) -> Result<MessageId, ChatError> {
    let id = MessageId::new();
    let metadata = match &message.tool_call_id {
        Some(call) => serde_json::json!({ "tool_call_id": call }).to_string(),
        None => "{}".to_owned(),
    };
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(id.to_string()),
            messages::conversation_id.eq(conversation.to_string()),
            messages::role.eq(&message.role),
            messages::content.eq(&message.content),
            messages::model.eq(model),
            messages::metadata.eq(metadata),
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
) -> Result<(), ChatError> {
    owp_db::write_transaction(conn, |conn| {
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
            tool_call_id: None,
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
        let answer = |role: &str| NewMessage {
            tool_call_id: Some("call_1".into()),
            ..said(role, "42")
        };
        assert!(check_messages(&[answer("tool")]).is_ok());
        let Err(ChatError::Invalid(field, _)) = check_messages(&[answer("user")]) else {
            panic!("a user message cannot answer a tool call");
        };
        assert_eq!(field, "messages[0].tool_call_id");
    }
}
