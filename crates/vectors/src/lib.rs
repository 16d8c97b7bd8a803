//! Retrieval core of the Ollama Workshop Platform: stored embeddings, nearest-neighbour search,
//! lexical search and their fusion — what collections, ingestion jobs, the HTTP search routes
//! and RAG systems build on.
//!
//! - [`vector`]: the [`Distance`] a collection ranks by, the stored form of a vector
//!   (little-endian f32 blobs) and the scoring kernels; every score is "higher is better".
//! - [`VectorIndex`]: the trait a vector store implements (insert a batch for a generation,
//!   remove a document, search, score given chunks); [`BuiltinIndex`] keeps vectors in
//!   `chunk_vectors` and scans a cached in-process copy, checked against the generation's
//!   revision on every search so all replicas see every change. [`PgvectorIndex`] keeps them
//!   in PostgreSQL's `vector` extension and searches one HNSW index per generation.
//!   [`revision`] holds the bookkeeping every backend shares.
//! - [`lexical`]: keyword search in the database's own full-text index (SQLite FTS5 with BM25,
//!   PostgreSQL tsvector with `ts_rank_cd`), from sanitised user text.
//! - [`fusion`]: reciprocal rank fusion of rankings.
//! - [`Rerank`]: an optional second ordering of a search's results by a model the caller
//!   names (embeddings of the query and each result, cosine similarity).
//! - [`search()`]: the entry point — vector, lexical or hybrid search over a collection's
//!   generation, answered with text, title and position of each chunk.
//!
//! How the layers above use it:
//! - One index per backend per process, shared: `Arc<BuiltinIndex>` built once with the cache
//!   budget ([`DEFAULT_CACHE_BYTES`] or configured), handed to handlers and jobs as
//!   `&dyn VectorIndex` (picked by the collection's [`IndexBackend`]).
//! - An ingestion job embeds a document's chunks and calls [`VectorIndex::insert`] per batch
//!   with the collection's [`Distance`] (each batch is one transaction and bumps the revision;
//!   a retried batch replaces its vectors). Re-indexing or removing a document from a
//!   collection calls [`VectorIndex::remove_document`]. Deleting chunks or documents by other
//!   means must call [`revision::bump`] for every generation that held them.
//! - A search route resolves the collection and its active generation, lists the member
//!   documents the caller may use, embeds the question with the generation's model (vector
//!   and hybrid modes), and calls [`search()`] with a [`SearchTarget`] and [`SearchParams`].
//!   [`VectorsError`] maps to HTTP as its variants say (422, 404, 500).
//! - A retired generation's copy is dropped with [`BuiltinIndex::forget`]; otherwise the cache
//!   evicts it when the budget needs room.
//!
//! Functions are synchronous and take `&mut owp_db::AnyConnection` (DESIGN §3): async callers
//! run them inside `owp_db::Database::run`. Collections, their members and ingestion jobs are
//! managed by the callers; this crate reads `document_chunks` and `documents` and writes only
//! `chunk_vectors` (or `pgvector_chunks`, which the pgvector index creates itself) and
//! `collection_generations.{revision, dimensions}`.

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
mod pgvector;
mod rerank;
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
pub use pgvector::PgvectorIndex;
pub use rerank::Rerank;
pub use results::Position;
pub use search::{
    MAX_TOP_K, SearchMode, SearchParams, SearchResult, SearchTarget, fusion_depth, search,
};
pub use vector::Distance;
