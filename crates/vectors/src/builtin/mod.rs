//! [`BuiltinIndex`]: vectors stored in `chunk_vectors` (both databases), searched by an exact
//! scan in process over a cached copy of the generation.
//!
//! Why a cache: reading 100k × 384 floats (150 MB) from the database per query takes far
//! longer than scanning them, so each process keeps loaded generations as one contiguous
//! matrix. Every search first reads `collection_generations.revision` (one keyed read); a copy
//! at an older revision — another replica indexed or removed vectors — is loaded again. So a
//! change is visible to every replica's next search, with no messaging between replicas.
//!
//! Memory: the cache is bounded by the byte figure given to [`BuiltinIndex::new`]; a generation
//! takes about `rows × (4 × dimensions + 16)` bytes (100k chunks × 384 dims ≈ 155 MB;
//! 10k × 768 ≈ 31 MB). Least recently used generations are evicted beyond it; a generation
//! larger than the whole budget is loaded for each search and not kept (logged as a warning).
//! Searches still running on an evicted copy keep it alive until they finish, so the process
//! may briefly hold more. [`DEFAULT_CACHE_BYTES`] fits two such 100k × 384 generations.

mod cache;
mod matrix;
mod store;

use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};
use std::sync::Arc;

pub use cache::CacheStats;
use matrix::Matrix;

use crate::error::VectorsError;
use crate::index::{Hit, IndexBackend, IndexChange, NewVector, VectorIndex, VectorQuery};
use crate::revision;
use crate::vector::{self, Distance};

/// Default cache budget: 384 MiB, two generations of 100k chunks × 384 dimensions with room.
pub const DEFAULT_CACHE_BYTES: usize = 384 * 1024 * 1024;

/// Most scan threads a single search uses: beyond two, the scan is bound by memory bandwidth
/// on the small machines this runs on, and concurrent searches need the cores.
const MAX_SCAN_THREADS: usize = 2;

/// The in-process index: exact search, no extra service, the same on SQLite and PostgreSQL.
/// One per process, shared by every request (`Arc<BuiltinIndex>` or a `static`).
#[derive(Debug)]
pub struct BuiltinIndex {
    cache: cache::Cache,
    scan_threads: usize,
}

impl BuiltinIndex {
    /// An index whose cache keeps at most `cache_bytes` of loaded generations (see the module
    /// documentation for what a generation takes); scans of large generations use up to two
    /// threads when the machine has them.
    pub fn new(cache_bytes: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            cache: cache::Cache::new(cache_bytes),
            scan_threads: cores.clamp(1, MAX_SCAN_THREADS),
        }
    }

    /// The same index scanning on exactly `threads` threads (at least one), for benchmarks and
    /// for deployments that prefer throughput under many concurrent searches (1).
    pub fn with_scan_threads(mut self, threads: usize) -> Self {
        self.scan_threads = threads.max(1);
        self
    }

    /// What the cache holds (generations, bytes, loads, hits), for metrics.
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Drops a generation's in-memory copy (retired or deleted), freeing its memory now rather
    /// than when the budget evicts it.
    pub fn forget(&self, generation: GenerationId) {
        self.cache.forget(generation);
    }

    /// The generation's matrix at its current revision: one keyed read, and a load only when
    /// this process holds no copy at that revision.
    fn current(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
    ) -> Result<Arc<Matrix>, VectorsError> {
        let revision = revision::read(conn, generation)?;
        let max_rows = u32::MAX as usize;
        self.cache.get(generation, revision, &mut || {
            store::load(conn, generation, max_rows)
        })
    }

    /// Validates a query against the matrix and prepares it for the distance; `None` when the
    /// generation holds no vectors (nothing to find).
    fn prepare_query(
        matrix: &Matrix,
        vector: &[f32],
        distance: Distance,
    ) -> Result<Option<Vec<f32>>, VectorsError> {
        vector::validate("query_vector", vector)?;
        if matrix.rows() == 0 {
            return Ok(None);
        }
        if vector.len() != matrix.dimensions {
            return Err(VectorsError::DimensionMismatch {
                expected: matrix.dimensions,
                actual: vector.len(),
            });
        }
        vector::prepare("query_vector", vector, distance).map(Some)
    }
}

impl Default for BuiltinIndex {
    fn default() -> Self {
        Self::new(DEFAULT_CACHE_BYTES)
    }
}

impl VectorIndex for BuiltinIndex {
    fn backend(&self) -> IndexBackend {
        IndexBackend::Builtin
    }

    fn insert(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        distance: Distance,
        vectors: &[NewVector<'_>],
    ) -> Result<IndexChange, VectorsError> {
        store::insert(conn, generation, distance, vectors)
    }

    fn remove_document(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        document: DocumentId,
    ) -> Result<IndexChange, VectorsError> {
        store::remove_document(conn, generation, document)
    }

    fn search(
        &self,
        conn: &mut AnyConnection,
        query: &VectorQuery<'_>,
    ) -> Result<Vec<Hit>, VectorsError> {
        vector::validate("query_vector", query.vector)?;
        if query.k == 0 {
            return Ok(Vec::new());
        }
        let matrix = self.current(conn, query.generation)?;
        let Some(prepared) = Self::prepare_query(&matrix, query.vector, query.distance)? else {
            return Ok(Vec::new());
        };
        Ok(matrix.search(
            &prepared,
            query.k,
            query.distance,
            query.documents,
            self.scan_threads,
        ))
    }

    fn score(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        distance: Distance,
        vector: &[f32],
        chunks: &[(ChunkId, DocumentId)],
    ) -> Result<Vec<Hit>, VectorsError> {
        vector::validate("query_vector", vector)?;
        if chunks.is_empty() {
            return Ok(Vec::new());
        }
        let matrix = self.current(conn, generation)?;
        let Some(prepared) = Self::prepare_query(&matrix, vector, distance)? else {
            return Ok(Vec::new());
        };
        Ok(matrix.score(&prepared, distance, chunks))
    }
}
