//! Workshop content a model call uses: agents (model, system prompt, tools, options), stored
//! tools offered by id — each checked with the workshop's visibility rule and the caller's grants
//! before anything reaches Ollama — and the client's answers to the calls the model made.

use chrono::NaiveDateTime;
use owp_db::Database;
use owp_db::ids::{AgentId, ToolId};
use owp_db::model_name::canonical_or_same;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use owp_rbac::Principal;
use owp_workshop::agents::{self, AgentOptions, AgentRef, AgentUse};
use owp_workshop::tools;
use serde_json::Value;

use crate::ChatError;
use crate::conversations::{self, Message, NewMessage};

/// How a call names its agent.
pub(crate) enum AgentName {
    /// `agent_id` of the native chat.
    Id(AgentId),
    /// `model: "agent:<slug>"` of the OpenAI-compatible API.
    Slug(String),
}

/// The agent a call names, ready for a call by `principal` at `at`: visible to them and active
/// (the workshop's rules), its system prompt rendered. Its model and tools are checked by the
/// caller like any other.
pub(crate) async fn agent_for(
    db: &Database,
    principal: &Principal,
    name: AgentName,
    at: NaiveDateTime,
) -> Result<AgentUse, ChatError> {
    let principal = principal.clone();
    db.run(move |conn| {
        let agent = match &name {
            AgentName::Id(id) => AgentRef::Id(*id),
            AgentName::Slug(slug) => AgentRef::Slug(slug),
        };
        Ok::<_, ChatError>(agents::prepare_use(conn, &principal, agent, at)?)
    })
    .await
}

/// The model of a call with `agent`: the agent's. A `model` the client also named must be the
/// same (422 otherwise), so nobody is surprised by which model answered.
pub(crate) fn agent_model(agent: &AgentUse, asked: &str) -> Result<String, ChatError> {
    if !asked.trim().is_empty() && canonical_or_same(asked) != canonical_or_same(&agent.model) {
        return Err(ChatError::invalid(
            "model",
            format!(
                "agent {:?} uses model {:?}; leave model out or name that one",
                agent.slug, agent.model
            ),
        ));
    }
    Ok(agent.model.clone())
}

/// The tool ids of a call: the agent's first, then the client's (each once).
pub(crate) fn tool_ids_with(agent: Option<&AgentUse>, asked: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = agent
        .map(|a| a.tool_ids.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    for id in asked {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// Ollama options: the agent's, overridden key by key by the client's (an object, else 422).
pub(crate) fn merged_options(
    agent: Option<&AgentOptions>,
    asked: Option<Value>,
) -> Result<Option<Value>, ChatError> {
    let mut merged = agent.map(AgentOptions::to_json).unwrap_or_default();
    match asked {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => merged.extend(map),
        Some(_) => return Err(ChatError::invalid("options", "must be an object")),
    }
    merged.retain(|_, v| !v.is_null());
    Ok((!merged.is_empty()).then_some(Value::Object(merged)))
}

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

#[cfg(test)]
mod tests {
    use owp_db::ids::AgentId;
    use serde_json::json;

    use super::*;

    fn agent(options: Value) -> AgentUse {
        AgentUse {
            id: AgentId::new(),
            slug: "guide".into(),
            name: "Guide".into(),
            model: "llama3.2:latest".into(),
            system_prompt: None,
            tool_ids: vec![ToolId::new(), ToolId::new()],
            options: AgentOptions::from_json(&options).unwrap(),
            knowledge: Vec::new(),
        }
    }

    #[test]
    fn the_agents_model_answers_and_another_is_refused() {
        let guide = agent(json!({}));
        assert_eq!(agent_model(&guide, "").unwrap(), "llama3.2:latest");
        assert_eq!(agent_model(&guide, "llama3.2").unwrap(), "llama3.2:latest");
        let Err(ChatError::Invalid(field, _)) = agent_model(&guide, "qwen2.5") else {
            panic!("another model must be refused");
        };
        assert_eq!(field, "model");
    }

    #[test]
    fn tool_ids_are_the_agents_then_the_callers_each_once() {
        let guide = agent(json!({}));
        let first = guide.tool_ids[0].to_string();
        let extra = ToolId::new().to_string();
        let ids = tool_ids_with(Some(&guide), &[first.clone(), extra.clone()]);
        assert_eq!(ids.len(), 3);
        assert_eq!(
            (ids[0].as_str(), ids[2].as_str()),
            (first.as_str(), extra.as_str())
        );
        assert_eq!(
            tool_ids_with(None, std::slice::from_ref(&extra)),
            vec![extra]
        );
    }

    #[test]
    fn the_callers_options_override_the_agents_key_by_key() {
        let guide = agent(json!({"temperature": 0.2, "seed": 7}));
        let merged = merged_options(
            Some(&guide.options),
            Some(json!({"temperature": 0.9, "top_k": null})),
        )
        .unwrap()
        .unwrap();
        assert_eq!(merged, json!({"temperature": 0.9, "seed": 7}));
        assert_eq!(merged_options(None, None).unwrap(), None);
        assert_eq!(merged_options(None, Some(json!({}))).unwrap(), None);
        let Err(ChatError::Invalid(field, _)) =
            merged_options(Some(&guide.options), Some(json!([1])))
        else {
            panic!("options that are no object must be refused");
        };
        assert_eq!(field, "options");
    }
}
