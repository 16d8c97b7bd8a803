//! RAG systems: collections to retrieve from, the model that answers, the prompt template and
//! retrieval settings, under the one visibility rule; each change is one transaction with its
//! audit event.

mod rows;
mod store;

pub use store::{
    create_rag_system, delete_rag_system, get_rag_system, list_rag_systems, update_rag_system,
};

use chrono::NaiveDateTime;
use owp_db::ids::{CollectionId, OrganizationId, ProjectId, RagSystemId, UserId};
use owp_rbac::visibility::{Ownership, Visibility};
use owp_vectors::SearchMode;

/// Longest name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Longest prompt template.
pub const MAX_TEMPLATE_CHARS: usize = 20_000;
/// Most collections one RAG system searches.
pub const MAX_COLLECTIONS: usize = 10;
/// Most chunks retrieved per question.
pub const MAX_TOP_K: i64 = 50;
/// Longest list search text.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The template used when none is given: answer from the numbered sources, cite them, and say
/// so when they do not hold the answer.
pub const DEFAULT_TEMPLATE: &str = "Answer the question using only the numbered sources \
below. Cite the sources you use with their numbers in square brackets, like [1]. If the \
sources do not contain the answer, say that there is no relevant context in the knowledge \
base.\n\nSources:\n{{context}}\n\nQuestion: {{question}}";

/// A RAG system as its readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RagSystem {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: RagSystemId,
    /// The tenant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub organization_id: OrganizationId,
    /// Who created it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
    /// Who may see (and ask) it.
    pub visibility: Visibility,
    /// Display name, unique per organisation.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The collections it retrieves from.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub collection_ids: Vec<CollectionId>,
    /// The model that answers (canonical name).
    pub chat_model: String,
    /// The prompt, with `{{context}}` and `{{question}}`.
    pub prompt_template: String,
    /// Chunks retrieved per question.
    pub top_k: i64,
    /// Chunks scoring below this are not used (the scale of `mode`).
    pub min_score: Option<f64>,
    /// `vector`, `lexical` or `hybrid`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mode: SearchMode,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl RagSystem {
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

/// Which RAG systems a list shows (besides visibility).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RagSystemFilter {
    /// Text in the name (case-insensitive); blank means no filter.
    pub q: Option<String>,
    /// Only this project's RAG systems.
    pub project_id: Option<ProjectId>,
}

/// A new RAG system.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRagSystem {
    /// Display name, unique per organisation.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// 1 to 10 collections you can see.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub collection_ids: Vec<CollectionId>,
    /// The model that answers.
    pub chat_model: String,
    /// With `{{context}}` and `{{question}}`; a template citing numbered sources by default.
    pub prompt_template: Option<String>,
    /// 1..=50 (default 5).
    #[serde(default = "default_top_k")]
    pub top_k: i64,
    /// A floor on retrieval scores.
    pub min_score: Option<f64>,
    /// `vector`, `lexical` or `hybrid` (default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mode: SearchMode,
    /// `private` (default), `project` or `org`.
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// The project, for `project` visibility.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
}

fn default_top_k() -> i64 {
    5
}

fn default_visibility() -> Visibility {
    Visibility::Private
}

/// A change to a RAG system; absent fields stay (`min_score: null` removes the floor).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RagSystemChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New collections.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub collection_ids: Option<Vec<CollectionId>>,
    /// New model.
    pub chat_model: Option<String>,
    /// New template.
    pub prompt_template: Option<String>,
    /// New top_k.
    pub top_k: Option<i64>,
    /// New floor (`null` removes it).
    #[serde(default, deserialize_with = "some_or_null")]
    pub min_score: Option<Option<f64>>,
    /// New mode.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mode: Option<SearchMode>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New project (`null` takes it out of its project).
    #[serde(default, deserialize_with = "some_or_null")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<Option<ProjectId>>,
}

fn some_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}
