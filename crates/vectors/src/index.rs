//! The [`VectorIndex`] trait: what retrieval needs from a store of embeddings, so the builtin
//! in-process index ([`crate::BuiltinIndex`]) and a pgvector one are interchangeable behind
//! `collections.backend`.
//!
//! Contract every implementation keeps (the tests of this crate check the builtin one):
//! - Vectors belong to a generation (`collection_generations`); a generation learns its
//!   dimension from its first vector (`collection_generations.dimensions`) and refuses others.
//! - Every change of a generation's vectors ([`VectorIndex::insert`],
//!   [`VectorIndex::remove_document`]) bumps `collection_generations.revision` in the SAME
//!   transaction (use [`crate::revision::bump`]), so in-process copies on any replica notice.
//!   Vectors also disappear without the index by FK cascade (a chunk, document or generation
//!   deleted); the code deleting them bumps the revision (or deletes the generation itself).
//! - Scores are "higher is better" on the scale of [`Distance`] (see [`crate::vector`]).
//! - All methods are synchronous and take the caller's connection (DESIGN §3); async callers
//!   run them inside `owp_db::Database::run`.

use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};
use std::fmt;
use std::str::FromStr;

use crate::error::VectorsError;
use crate::vector::Distance;

/// One vector to index: the chunk it embeds and that chunk's document (kept beside the vector
/// so filters and removals by document need no join).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewVector<'a> {
    /// The chunk (`document_chunks.id`).
    pub chunk_id: ChunkId,
    /// The chunk's document.
    pub document_id: DocumentId,
    /// The embedding as the model returned it (normalised by the index for cosine).
    pub vector: &'a [f32],
}

/// A nearest-neighbour query on one generation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorQuery<'a> {
    /// The generation to search (usually the collection's active one).
    pub generation: GenerationId,
    /// The query embedding, from the same model as the generation's vectors.
    pub vector: &'a [f32],
    /// How many hits at most.
    pub k: usize,
    /// The collection's distance.
    pub distance: Distance,
    /// Only chunks of these documents (the collection's members the caller may use);
    /// `None` searches the whole generation.
    pub documents: Option<&'a [DocumentId]>,
}

/// A chunk found by a vector query, with its score (higher is better, see [`Distance`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// Similarity on the distance's scale.
    pub score: f32,
}

/// What a write did: rows touched and the generation's revision after it, for job progress and
/// for tests that wait for a replica to see a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexChange {
    /// Vectors written or removed.
    pub rows: usize,
    /// `collection_generations.revision` after the change.
    pub revision: i64,
}

/// A store of embeddings that answers nearest-neighbour queries. Implementations are shared by
/// every request of a process (`Send + Sync`, used as `&dyn VectorIndex`).
pub trait VectorIndex: Send + Sync {
    /// Which backend this is, as stored in `collections.backend`.
    fn backend(&self) -> IndexBackend;

    /// Indexes a batch of vectors in one transaction and bumps the revision once. A vector for
    /// a chunk the generation already holds replaces it, so a retried ingestion job is harmless.
    /// All vectors must have the generation's dimension (the first batch sets it).
    fn insert(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        distance: Distance,
        vectors: &[NewVector<'_>],
    ) -> Result<IndexChange, VectorsError>;

    /// Removes a document's vectors from a generation (it left the collection, or is being
    /// re-indexed) and bumps the revision, in one transaction.
    fn remove_document(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        document: DocumentId,
    ) -> Result<IndexChange, VectorsError>;

    /// The `k` best chunks for a query vector, best first. An empty generation has no hits; a
    /// query of another dimension is [`VectorsError::DimensionMismatch`].
    fn search(
        &self,
        conn: &mut AnyConnection,
        query: &VectorQuery<'_>,
    ) -> Result<Vec<Hit>, VectorsError>;

    /// The score of the query against given chunks (those of the generation; others are left
    /// out), so hybrid search can apply a similarity floor to chunks only lexical search found.
    fn score(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        distance: Distance,
        vector: &[f32],
        chunks: &[(ChunkId, DocumentId)],
    ) -> Result<Vec<Hit>, VectorsError>;
}

/// Where a collection's vectors live (`collections.backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexBackend {
    /// `chunk_vectors` blobs scanned in process ([`crate::BuiltinIndex`]); both databases.
    Builtin,
    /// PostgreSQL with the `vector` extension.
    Pgvector,
}

impl IndexBackend {
    /// The stored spelling: `builtin` or `pgvector`.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexBackend::Builtin => "builtin",
            IndexBackend::Pgvector => "pgvector",
        }
    }
}

impl fmt::Display for IndexBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IndexBackend {
    type Err = VectorsError;

    /// Parses the stored spelling exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "builtin" => Ok(IndexBackend::Builtin),
            "pgvector" => Ok(IndexBackend::Pgvector),
            _ => Err(VectorsError::invalid(
                "backend",
                "must be builtin or pgvector",
            )),
        }
    }
}
