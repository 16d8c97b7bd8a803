//! A chat turn in a stored conversation (the native chat API): grants → budget → history →
//! Ollama → the turn stored, answered whole ([`reply_whole`]) or relayed as it streams
//! ([`reply_streamed`], bookkeeping in [`crate::stream`]).

use std::time::Instant;

use chrono::NaiveDateTime;
use owp_db::Database;
use owp_db::ids::{AgentId, ConversationId, ProjectId};
use owp_db::time::Clock;
use owp_ollama_client::OllamaClient;
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use owp_ollama_client::ollama_rs::models::ModelOptions;
use owp_rbac::Principal;
use serde_json::{Value, json};

use crate::content::{
    AgentName, agent_for, agent_model, check_answers, merged_options, stored_tools, tool_ids_with,
};
use crate::conversations::{self, Message, NewMessage, ReplyOutcome};
pub use crate::grounding::Grounding;
use crate::grounding::with_grounding;
use crate::pipeline::ensure_budget;
use crate::stream::{ReplyLog, TurnRelay, elapsed_ms};
use crate::{Caller, ChatError, Spend, ToolCall, caller_of, check_grants, spend_of, tool_calls_of};

/// What a turn asks for, as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct TurnInput {
    /// Model name (may be left empty with an agent, which names its own).
    pub model: String,
    /// Chat with this agent (an `/api/v1/agents` id the caller sees): its model, system prompt,
    /// tools and options; the conversation remembers it.
    pub agent_id: Option<String>,
    /// The new messages of this turn (usually one user message).
    pub messages: Vec<NewMessage>,
    /// Continue this conversation (the caller's); without it a new one is started.
    pub conversation_id: Option<String>,
    /// The project a new conversation belongs to (one the caller sees).
    pub project_id: Option<String>,
    /// Ollama model options (`temperature`, `num_predict`, …).
    pub options: Option<Value>,
    /// Tools in Ollama's function format.
    pub tools: Option<Vec<Value>>,
    /// Stored tools (workshop ids) offered to the model: each must be visible to the caller
    /// and granted.
    pub tool_ids: Vec<String>,
    /// Retrieved knowledge for this turn (set by `owp-rag`, never by clients directly).
    pub grounding: Option<Grounding>,
}

/// A turn answered whole.
#[derive(Debug, Clone)]
pub struct WholeReply {
    /// The conversation the turn was stored in.
    pub conversation_id: ConversationId,
    /// The stored reply.
    pub message: Message,
    /// Tokens Ollama counted.
    pub spend: Spend,
}

/// Tools parsed from JSON, with the field named when one does not parse.
pub fn parse_tools(tools: Option<&[Value]>) -> Result<Vec<ToolInfo>, ChatError> {
    tools
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, t)| crate::openai::tool_of(t, &format!("tools[{i}]")))
        .collect()
}

fn parse_options(options: Option<Value>) -> Result<Option<ModelOptions>, ChatError> {
    options
        .map(|o| {
            serde_json::from_value::<ModelOptions>(o)
                .map_err(|e| ChatError::invalid("options", e.to_string()))
        })
        .transpose()
}

/// A message as Ollama reads it; `tool_calls` are the calls an assistant message made (stored
/// with their ids, which Ollama ignores).
fn to_chat_message(
    role: &str,
    content: &str,
    tool_calls: &[Value],
) -> Result<ChatMessage, ChatError> {
    serde_json::from_value(json!({"role": role, "content": content, "tool_calls": tool_calls}))
        .map_err(|e| ChatError::invalid("messages", e.to_string()))
}

/// The request Ollama gets: the agent's system prompt (never stored: an edited agent speaks
/// with its new prompt in old conversations too), the stored history, then the turn's new
/// messages.
fn ollama_request(
    model: &str,
    system: &[&str],
    history: &[Message],
    new: &[NewMessage],
    options: Option<ModelOptions>,
    tools: Vec<ToolInfo>,
) -> Result<ChatMessageRequest, ChatError> {
    let system = system.iter().map(|text| ("system", *text, &[][..]));
    let said = history.iter().map(|m| {
        (
            m.role.as_str(),
            m.content.as_str(),
            conversations::tool_calls_in(m),
        )
    });
    let adding = new
        .iter()
        .map(|m| (m.role.as_str(), m.content.as_str(), &[][..]));
    let messages = system
        .into_iter()
        .chain(said)
        .chain(adding)
        .map(|(role, content, calls)| to_chat_message(role, content, calls))
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

/// A turn checked and ready to send.
struct Prepared {
    caller: Caller,
    model: String,
    agent: Option<AgentId>,
    project: Option<ProjectId>,
    conversation: Option<ConversationId>,
    new: Vec<NewMessage>,
    request: ChatMessageRequest,
    started: Instant,
    grounding: Grounding,
}

impl Prepared {
    async fn begin(
        &self,
        db: &Database,
        at: NaiveDateTime,
    ) -> Result<conversations::Turn, ChatError> {
        let (caller, conversation) = (self.caller, self.conversation);
        let (agent, project) = (self.agent, self.project);
        let (model, new) = (self.model.clone(), self.new.clone());
        db.run(move |conn| {
            let with = conversations::TurnOf {
                model: &model,
                agent,
                project,
            };
            conversations::begin_turn(conn, &caller, conversation, with, &new, at)
        })
        .await
    }
}

/// Checks in the order the API promises (tools parse, agent, grants, stored tools, messages,
/// conversation id, project, options, budget), then reads the named conversation's history and checks
/// that tool answers name its calls.
async fn prepare(
    db: &Database,
    principal: &Principal,
    input: TurnInput,
    at: NaiveDateTime,
) -> Result<Prepared, ChatError> {
    let started = Instant::now();
    let mut tools = parse_tools(input.tools.as_deref())?;
    let agent = match input.agent_id.as_deref() {
        Some(raw) => {
            let id = raw
                .parse::<AgentId>()
                .map_err(|_| ChatError::NotFound("no such agent".into()))?;
            Some(agent_for(db, principal, AgentName::Id(id), at).await?)
        }
        None => None,
    };
    let asked = match &agent {
        Some(agent) => agent_model(agent, &input.model)?,
        None => input.model.clone(),
    };
    let model = check_grants(
        principal,
        &asked,
        tools.iter().map(|t| t.function.name.as_str()),
    )?;
    let tool_ids = tool_ids_with(agent.as_ref(), &input.tool_ids);
    tools.extend(stored_tools(db, principal, &tool_ids).await?);
    conversations::check_messages(&input.messages)?;
    let conversation = input
        .conversation_id
        .as_deref()
        .map(|raw| {
            raw.parse::<ConversationId>()
                .map_err(|_| ChatError::NotFound("no such conversation".into()))
        })
        .transpose()?;
    let project = match input.project_id.as_deref() {
        Some(raw) => {
            let id = raw
                .parse::<ProjectId>()
                .map_err(|_| ChatError::invalid("project_id", "no such project"))?;
            let principal = principal.clone();
            db.run(move |conn| conversations::check_project(conn, &principal, Some(id)))
                .await?;
            Some(id)
        }
        None => None,
    };
    let options = parse_options(merged_options(
        agent.as_ref().map(|a| &a.options),
        input.options,
    )?)?;
    ensure_budget(db, principal, at).await?;
    let caller = caller_of(principal);
    let history = match conversation {
        Some(id) => {
            db.run(move |conn| conversations::history(conn, caller.user_id, id))
                .await?
        }
        None => Vec::new(),
    };
    check_answers(&history, &input.messages)?;
    let system: Vec<&str> = agent
        .as_ref()
        .and_then(|a| a.system_prompt.as_deref())
        .into_iter()
        .chain(input.grounding.as_ref().map(|g| g.system.as_str()))
        .collect();
    let request = ollama_request(&model, &system, &history, &input.messages, options, tools)?;
    Ok(Prepared {
        caller,
        model,
        agent: agent.map(|a| a.id),
        project,
        conversation,
        new: input.messages,
        request,
        started,
        grounding: input.grounding.unwrap_or_default(),
    })
}

/// A turn answered whole: Ollama's reply stored with what it cost.
pub async fn reply_whole(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    input: TurnInput,
    clock: Clock,
) -> Result<WholeReply, ChatError> {
    let at = clock();
    let prepared = prepare(db, principal, input, at).await?;
    let reply = ollama.chat(&prepared.request).await?;
    let ended = clock();
    let turn = prepared.begin(db, ended).await?;
    let outcome = ReplyOutcome {
        content: reply.message.content.clone(),
        spend: spend_of(&reply.stats),
        processing_time_ms: elapsed_ms(prepared.started),
        metadata: with_grounding(
            json!({
                "done_reason": reply.done_reason,
                "tool_calls": tool_calls_of(&reply).iter().map(ToolCall::stored).collect::<Vec<_>>(),
            }),
            &prepared.grounding,
            &reply.message.content,
        ),
        complete: true,
    };
    let spend = outcome.spend;
    let (caller, model) = (prepared.caller, prepared.model);
    let conversation_id = turn.conversation_id;
    let message = db
        .run(move |conn| {
            let at = clock();
            conversations::finish_reply(conn, &caller, &turn, &model, &outcome, at)?;
            conversations::get_message(conn, caller.user_id, turn.conversation_id, turn.reply_id)
        })
        .await?;
    Ok(WholeReply {
        conversation_id,
        message,
        spend,
    })
}

/// A turn relayed as it streams: Ollama has accepted the request and the turn is stored (an
/// empty, incomplete reply); pull the relay's events to pass the reply on.
pub async fn reply_streamed(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    input: TurnInput,
    clock: Clock,
) -> Result<TurnRelay, ChatError> {
    let at = clock();
    let prepared = prepare(db, principal, input, at).await?;
    let upstream = ollama.chat_stream(&prepared.request).await?;
    let turn = prepared.begin(db, clock()).await?;
    let log = ReplyLog::new(
        db.clone(),
        prepared.caller,
        turn,
        prepared.model,
        prepared.started,
        clock,
        prepared.grounding,
    );
    Ok(TurnRelay::new(upstream, log))
}

#[cfg(test)]
mod tests;
