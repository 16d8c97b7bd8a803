//! Prompts: named templates with a slash command, typed variables and tags, under the one
//! visibility rule. Every change of `content` or `variables` is a new version (n + 1, with an
//! optional message); an update names the version it was based on and a stale one is refused
//! (409) without writing anything. [`template`] is the pure renderer.

#[cfg(test)]
mod render_tests;
mod rows;
mod store;
pub mod template;
pub mod variables;
mod versions;

pub(crate) use rows::load;
pub use store::{create_prompt, delete_prompt, get_prompt, list_prompts, update_prompt};
pub(crate) use versions::render_as;
pub use versions::{get_version, list_versions, render_prompt, restore_version};

use chrono::NaiveDateTime;
use owp_db::ids::{OrganizationId, ProjectId, PromptId, UserId};
use serde_json::{Map, Value};

use crate::visibility::{Ownership, Visibility};
use variables::Variable;

/// Longest name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest template.
pub const MAX_CONTENT_CHARS: usize = 100_000;
/// Most tags on one prompt.
pub const MAX_TAGS: usize = 20;

/// A prompt as its readers see it (the current version's content and variables).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prompt {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: PromptId,
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
    /// Display name.
    pub name: String,
    /// Slash command (`[a-z0-9-]{1,48}`, unique per organization).
    pub command: String,
    /// The template.
    pub content: String,
    /// Declared variables.
    pub variables: Vec<Variable>,
    /// Lower-case tags.
    pub tags: Vec<String>,
    /// The current version (1, 2, …).
    pub version: i64,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl Prompt {
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

/// A prompt to create (version 1).
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPrompt {
    /// Display name.
    pub name: String,
    /// Slash command.
    pub command: String,
    /// The template.
    pub content: String,
    /// Declared variables.
    #[serde(default)]
    pub variables: Vec<Variable>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default `private`.
    #[serde(default = "private")]
    pub visibility: Visibility,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default)]
    pub project_id: Option<ProjectId>,
    /// Message of version 1.
    #[serde(default)]
    pub message: Option<String>,
}

fn private() -> Visibility {
    Visibility::Private
}

/// Changes to a prompt; absent fields stay. `base_version` (or the `If-Match` header) is the
/// version the change was based on.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PromptChange {
    /// The version this change was based on (required, here or as `If-Match`).
    pub base_version: Option<i64>,
    /// New name.
    pub name: Option<String>,
    /// New command.
    pub command: Option<String>,
    /// New template (a new version).
    pub content: Option<String>,
    /// New variables (a new version).
    pub variables: Option<Vec<Variable>>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New project (`null`: none).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default, deserialize_with = "crate::patch::present")]
    pub project_id: Option<Option<ProjectId>>,
    /// Message of the new version.
    pub message: Option<String>,
}

/// One version of a prompt.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromptVersion {
    /// 1, 2, …
    pub version: i64,
    /// The template.
    pub content: String,
    /// Declared variables.
    pub variables: Vec<Variable>,
    /// What changed.
    pub message: Option<String>,
    /// Who wrote it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub author_id: Option<UserId>,
    /// UTC.
    pub created_at: NaiveDateTime,
}

/// Filters of the prompt list.
#[derive(Debug, Clone, Default)]
pub struct PromptFilter {
    /// Text in the name, command or a tag (case-insensitive).
    pub q: Option<String>,
    /// Only prompts with this tag.
    pub tag: Option<String>,
    /// Only this project's prompts.
    pub project_id: Option<ProjectId>,
}

/// A rendered prompt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rendered {
    /// The text.
    pub text: String,
    /// The version rendered.
    pub version: i64,
}

/// Values of variables for a rendering, by name.
pub type Values = Map<String, Value>;
