//! Retrieval core of the Ollama Workshop Platform: stored embeddings, nearest-neighbour search,
//! lexical search and their fusion — what collections, ingestion jobs, the HTTP search routes
//! and RAG systems build on.
//!
//! - [`vector`]: the [`Distance`] a collection ranks by, the stored form of a vector
//!   (little-endian f32 blobs) and the scoring kernels; every score is "higher is better".
//! - [`VectorIndex`]: the trait a vector store implements (insert a batch for a generation,
//!   remove a document, search, score given chunks); [`BuiltinIndex`] keeps vectors in
//!   `chunk_vectors` and scans a cached in-process copy, checked against the generation's
//!   revision on every search so all replicas see every change. [`revision`] holds the
//!   bookkeeping every backend shares.
//! - [`lexical`]: keyword search in the database's own full-text index (SQLite FTS5 with BM25,
//!   PostgreSQL tsvector with `ts_rank_cd`), from sanitised user text.
//! - [`fusion`]: reciprocal rank fusion of rankings.
//! - [`search()`]: the entry point — vector, lexical or hybrid search over a collection's
//!   generation, answered with text, title and position of each chunk.
//!
//! Functions are synchronous and take `&mut owp_db::AnyConnection` (DESIGN §3): async callers
//! run them inside `owp_db::Database::run`. Collections, their members and ingestion jobs are
//! managed by the callers; this crate reads `document_chunks` and `documents` and writes only
//! `chunk_vectors` and `collection_generations.{revision, dimensions}`.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod builtin;
pub mod collections;
mod error;
pub mod fusion;
mod index;
mod indexes;
pub mod jobs;
pub mod lexical;
mod results;
pub mod retrieve;
pub mod revision;
mod search;
mod stopwords;
mod topk;
pub mod vector;

pub use builtin::{BuiltinIndex, CacheStats, DEFAULT_CACHE_BYTES};
pub use error::{OllamaFailure, VectorsError};
pub use index::{Hit, IndexBackend, IndexChange, NewVector, VectorIndex, VectorQuery};
pub use indexes::Indexes;
pub use results::Position;
pub use search::{
    MAX_TOP_K, SearchMode, SearchParams, SearchResult, SearchTarget, fusion_depth, search,
};
pub use vector::Distance;
