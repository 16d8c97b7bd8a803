//! Workshop content a model call uses: stored tools offered by id, checked with the workshop's
//! visibility rule and the caller's grants before anything reaches Ollama, and the client's
//! answers to the calls the model made.

use owp_db::Database;
use owp_db::ids::ToolId;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use owp_rbac::Principal;
use owp_workshop::tools;

use crate::ChatError;
use crate::conversations::{self, Message, NewMessage};

/// The stored tools `ids` as Ollama tool definitions, each checked by the workshop's
/// visibility rule and the caller's grants (422 for an unknown or invisible id, 403 for one
/// not granted).
pub(crate) async fn stored_tools(
    db: &Database,
    principal: &Principal,
    ids: &[String],
) -> Result<Vec<ToolInfo>, ChatError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = ids
        .iter()
        .map(|raw| {
            raw.parse::<ToolId>()
                .map_err(|_| ChatError::invalid("tool_ids", format!("no such tool {raw}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let principal = principal.clone();
    let tools = db
        .run(move |conn| Ok::<_, ChatError>(tools::usable_tools(conn, &principal, &ids)?))
        .await?;
    tools
        .iter()
        .enumerate()
        .map(|(i, tool)| crate::openai::tool_of(&tool.definition(), &format!("tool_ids[{i}]")))
        .collect()
}

/// Each `tool` message naming a call must name one the conversation's model made.
pub(crate) fn check_answers(history: &[Message], new: &[NewMessage]) -> Result<(), ChatError> {
    let made = |id: &str| {
        history
            .iter()
            .flat_map(conversations::tool_calls_in)
            .any(|call| call["id"] == id)
    };
    for (i, message) in new.iter().enumerate() {
        if let Some(id) = &message.tool_call_id
            && !made(id)
        {
            return Err(ChatError::invalid(
                format!("messages[{i}].tool_call_id"),
                format!("{id:?} answers no tool call of this conversation"),
            ));
        }
    }
    Ok(())
}
