//! Agents: a model with its system prompt (a text, or a prompt rendered with stored variable
//! values), tools and Ollama options, under the one visibility rule — what Open WebUI calls a
//! model preset. The chat pipeline uses one through [`prepare_use`] (visible, active, its
//! system prompt resolved for the caller) and offers them through [`list_usable`]; model and
//! tool grants stay the chat crate's to check.

mod links;
mod options;
mod rows;
mod store;
mod usage;

pub(crate) use links::forget_tool;
pub use options::AgentOptions;
pub use store::{create_agent, delete_agent, get_agent, list_agents, update_agent};
pub use usage::{list_usable, prepare_use};

use chrono::NaiveDateTime;
use owp_db::ids::{AgentId, OrganizationId, ProjectId, PromptId, ToolId, UserId};
use serde_json::Value;

use crate::prompts::Values;
use crate::visibility::{Ownership, Visibility};

/// Longest name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Longest system prompt text.
pub const MAX_SYSTEM_PROMPT_CHARS: usize = 100_000;
/// Most tools one agent offers the model.
pub const MAX_TOOLS: usize = 32;

/// An agent as its readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AgentId,
    /// The tenant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub organization_id: OrganizationId,
    /// Who created it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
    /// Who may see (and use) it.
    pub visibility: Visibility,
    /// Display name.
    pub name: String,
    /// `[a-z0-9-]{1,48}`, unique per organization; OpenAI clients call it `agent:<slug>`.
    pub slug: String,
    /// Free text.
    pub description: String,
    /// The model it calls (canonical name).
    pub model: String,
    /// The system prompt as text (never together with `prompt_id`).
    pub system_prompt: Option<String>,
    /// A prompt rendered as the system prompt when the agent is used.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub prompt_id: Option<PromptId>,
    /// Values for the prompt's variables.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Value>))]
    pub prompt_variables: Values,
    /// Tools offered to the model.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub tool_ids: Vec<ToolId>,
    /// Ollama options of every call.
    pub options: AgentOptions,
    /// RAG system ids (empty until RAG systems exist).
    pub knowledge: Vec<String>,
    /// Whether it may be used.
    pub active: bool,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl Agent {
    /// The columns the visibility rule reads.
    pub fn ownership(&self) -> Ownership {
        Ownership {
            organization_id: self.organization_id,
            owner_id: self.owner_id,
            visibility: self.visibility,
            project_id: self.project_id,
        }
    }
}

/// An agent to create.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    /// Display name.
    pub name: String,
    /// `[a-z0-9-]{1,48}`, unique per organization.
    pub slug: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The model it calls.
    pub model: String,
    /// The system prompt as text; not with `prompt_id`.
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// A prompt you can read, rendered as the system prompt; not with `system_prompt`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default)]
    pub prompt_id: Option<PromptId>,
    /// Values for the prompt's declared variables.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Value>))]
    #[serde(default)]
    pub prompt_variables: Values,
    /// Tools you can see.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    #[serde(default)]
    pub tool_ids: Vec<ToolId>,
    /// Ollama options (a fault is 422 naming `options.<field>`).
    #[cfg_attr(feature = "openapi", schema(value_type = AgentOptions))]
    #[serde(default)]
    pub options: Value,
    /// RAG system ids: only an empty list until RAG systems exist.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    #[serde(default)]
    pub knowledge: Vec<Value>,
    /// Default `private`.
    #[serde(default = "private")]
    pub visibility: Visibility,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default)]
    pub project_id: Option<ProjectId>,
    /// Default `true`.
    #[serde(default = "active")]
    pub active: bool,
}

fn private() -> Visibility {
    Visibility::Private
}

fn active() -> bool {
    true
}

/// Changes to an agent; absent fields stay. Setting `system_prompt` clears `prompt_id` and the
/// other way round (both in one change is 422); `options` replaces the whole object.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentChange {
    /// New name.
    pub name: Option<String>,
    /// New slug.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New model.
    pub model: Option<String>,
    /// New system prompt text (`null`: none).
    #[serde(default, deserialize_with = "crate::patch::present")]
    pub system_prompt: Option<Option<String>>,
    /// New prompt (`null`: none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, deserialize_with = "crate::patch::present")]
    pub prompt_id: Option<Option<PromptId>>,
    /// New values for the prompt's variables.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, Value>>))]
    pub prompt_variables: Option<Values>,
    /// New tools.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub tool_ids: Option<Vec<ToolId>>,
    /// New options (the whole object).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AgentOptions>))]
    pub options: Option<Value>,
    /// New RAG system ids (only an empty list for now).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub knowledge: Option<Vec<Value>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New project (`null`: none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, deserialize_with = "crate::patch::present")]
    pub project_id: Option<Option<ProjectId>>,
    /// Switch it on or off.
    pub active: Option<bool>,
}

/// Filters of the agent list.
#[derive(Debug, Clone, Default)]
pub struct AgentFilter {
    /// Text in the name, slug or description (case-insensitive).
    pub q: Option<String>,
    /// Only this project's agents.
    pub project_id: Option<ProjectId>,
    /// Only active (or only inactive) agents.
    pub active: Option<bool>,
}

/// How the chat pipeline names the agent a caller asked for: by id (`agent_id`) or by slug
/// (`model: "agent:<slug>"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentRef<'a> {
    /// `POST /api/v1/chat {agent_id}`.
    Id(AgentId),
    /// `agent:<slug>` on the OpenAI surface.
    Slug(&'a str),
}

/// An agent ready for one model call: its system prompt resolved for the caller at that time.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentUse {
    /// The agent.
    pub id: AgentId,
    /// Its slug.
    pub slug: String,
    /// Its display name.
    pub name: String,
    /// The model to call (grants are the caller's to check).
    pub model: String,
    /// The system message, if any.
    pub system_prompt: Option<String>,
    /// Tools to offer (grants and visibility are the caller's to check).
    pub tool_ids: Vec<ToolId>,
    /// Options to merge into Ollama's `options`.
    pub options: AgentOptions,
    /// RAG system or collection ids its turns are grounded in (the RAG crate's to use).
    pub knowledge: Vec<String>,
}

/// An agent as a model list shows it (`GET /v1/models` lists `agent:<slug>`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgentSummary {
    /// The agent.
    pub id: AgentId,
    /// Its slug.
    pub slug: String,
    /// Its display name.
    pub name: String,
    /// The model it calls.
    pub model: String,
    /// UTC.
    pub created_at: NaiveDateTime,
}
