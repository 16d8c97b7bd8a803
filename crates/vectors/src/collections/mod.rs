//! Collections — the seeds' "vector DBs": documents indexed for retrieval with one embedding
//! model, distance, backend and chunking, under the one visibility rule
//! (`owp_rbac::visibility`). Every change is one transaction with its audit event.
//!
//! The index lives in generations (`collection_generations`). A new collection starts with an
//! empty active generation; adding a document queues an ingestion job per generation being
//! served or built. Changing the embedding model or the chunking starts a new generation that
//! is built in the background while queries keep using the active one, and becomes active
//! (atomically, one update) when all its jobs are done — a new dimension is fine, since each
//! generation learns its own.

mod chunk;
mod intake;
mod members;
mod rows;
mod store;

pub use chunk::{CollectionChunk, get_chunk};
pub use intake::upload_into_collection;
pub use members::{add_document, list_members, remove_document};
pub(crate) use rows::{active_generation as active_generation_of, chunking_of, require_readable};
pub use store::{
    create_collection, delete_collection, get_collection, list_collections, update_collection,
};

use chrono::NaiveDateTime;
use owp_db::ids::{CollectionId, DocumentId, JobId, OrganizationId, ProjectId, UserId};
use owp_rbac::visibility::{Ownership, Visibility};

pub use owp_documents::{ChunkSpec, ChunkStrategy};

use crate::{Distance, IndexBackend};

/// Longest name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Whether a collection answers from everything it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CollectionState {
    /// Every member document is indexed (or failed, see `failed`).
    Ready,
    /// Some member documents are still being indexed: answers come from the rest.
    Indexing,
}

/// A generation being built in the background after a change of model or chunking.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rebuild {
    /// Its number (the active one's plus one or more).
    pub generation: i64,
    /// The model it embeds with.
    pub embedding_model: String,
    /// Its chunking.
    pub chunking: ChunkSpec,
    /// Documents indexed into it so far.
    pub indexed: i64,
    /// Documents it will hold.
    pub documents: i64,
}

/// A collection as its readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Collection {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: CollectionId,
    /// The tenant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub organization_id: OrganizationId,
    /// Who created it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
    /// Who may see (and search) it.
    pub visibility: Visibility,
    /// Display name, unique per organisation.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The model queries and the active generation embed with (canonical name).
    pub embedding_model: String,
    /// `cosine`, `dot` or `l2` (fixed at creation).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub distance: Distance,
    /// `builtin` or `pgvector` (fixed at creation).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub backend: IndexBackend,
    /// How documents are cut (the active generation's).
    pub chunking: ChunkSpec,
    /// Vector length, learned from the first embedding (null until then).
    pub dimensions: Option<i64>,
    /// The active generation's number.
    pub generation: i64,
    /// `ready`, or `indexing` while member documents are still being indexed.
    pub state: CollectionState,
    /// Member documents.
    pub documents: i64,
    /// Member documents indexed in the active generation.
    pub indexed: i64,
    /// Member documents whose indexing failed (see their jobs).
    pub failed: i64,
    /// A generation being built after a change of model or chunking.
    pub rebuild: Option<Rebuild>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl Collection {
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

/// A new collection.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCollection {
    /// Display name, unique per organisation.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The embedding model (you must be granted it).
    pub embedding_model: String,
    /// `cosine` (default), `dot` or `l2`.
    #[serde(default = "default_distance")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub distance: Distance,
    /// `builtin` (default) or `pgvector` (PostgreSQL with the `vector` extension).
    #[serde(default = "default_backend")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub backend: IndexBackend,
    /// Default: characters, 1000, 100.
    #[serde(default)]
    pub chunking: ChunkSpec,
    /// `private` (default), `project` or `org`.
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// The project, for `project` visibility.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
}

fn default_distance() -> Distance {
    Distance::Cosine
}

fn default_backend() -> IndexBackend {
    IndexBackend::Builtin
}

fn default_visibility() -> Visibility {
    Visibility::Private
}

/// A change to a collection; absent fields stay. A new `embedding_model` or `chunking`
/// rebuilds the index in a new generation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CollectionChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New embedding model: re-indexes in the background.
    pub embedding_model: Option<String>,
    /// New chunking: re-indexes in the background.
    pub chunking: Option<ChunkSpec>,
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

/// Filters of the collection list.
#[derive(Debug, Clone, Default)]
pub struct CollectionFilter {
    /// Only this project's collections.
    pub project_id: Option<ProjectId>,
}

/// A member document with how far its indexing got in the active generation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionMember {
    /// The document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// Its title.
    pub title: String,
    /// Its job in the active generation.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub job_id: JobId,
    /// `queued`, `running`, `done` or `failed`.
    pub state: crate::jobs::JobState,
    /// Chunks indexed.
    pub done: i64,
    /// Chunks to index.
    pub total: i64,
    /// Why indexing failed.
    pub error: Option<String>,
    /// UTC.
    pub added_at: NaiveDateTime,
}
