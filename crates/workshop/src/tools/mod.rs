//! Tools: function definitions for function calling (a name, a description and a JSON Schema
//! of the arguments), under the one visibility rule. Their ids are what per-user tool grants
//! (`allowed_tool_ids`) name; deleting a tool removes it from every grant in the same
//! transaction. [`usable_tools`] is how a model call (chat, agents) looks tools up for a
//! principal: visible and granted, or refused.

pub mod schema;
mod store;

pub use store::{create_tool, delete_tool, get_tool, list_tools, update_tool, usable_tools};
pub(crate) use store::{load, remove_row};

use chrono::NaiveDateTime;
use owp_db::ids::{OrganizationId, ProjectId, ToolId, UserId};
use serde_json::{Value, json};

use crate::visibility::{Ownership, Visibility};

/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// A tool as its readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tool {
    /// Id (what grants name).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ToolId,
    /// The tenant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub organization_id: OrganizationId,
    /// Who created it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Function name (`[A-Za-z0-9_-]{1,64}`, unique per organization).
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// JSON Schema of the arguments.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub parameters: Value,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl Tool {
    /// The columns the visibility rule reads.
    pub fn ownership(&self) -> Ownership {
        Ownership {
            organization_id: self.organization_id,
            owner_id: self.owner_id,
            visibility: self.visibility,
            project_id: self.project_id,
        }
    }

    /// The definition as Ollama and OpenAI take it in `tools`.
    pub fn definition(&self) -> Value {
        json!({
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            }
        })
    }
}

/// A tool to create.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTool {
    /// Function name.
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: String,
    /// JSON Schema of the arguments (`{"type": "object", "properties": {…}}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub parameters: Value,
    /// Default `private`.
    #[serde(default = "private")]
    pub visibility: Visibility,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default)]
    pub project_id: Option<ProjectId>,
}

fn private() -> Visibility {
    Visibility::Private
}

/// Changes to a tool; absent fields stay, `project_id: null` detaches it from its project.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ToolChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New parameters schema.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub parameters: Option<Value>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New project (`null`: none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, deserialize_with = "crate::patch::present")]
    pub project_id: Option<Option<ProjectId>>,
}

/// Filters of the tool list.
#[derive(Debug, Clone, Default)]
pub struct ToolFilter {
    /// Text found in the name or description (case-insensitive).
    pub q: Option<String>,
    /// Only this project's tools.
    pub project_id: Option<ProjectId>,
}
