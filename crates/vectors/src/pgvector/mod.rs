//! [`PgvectorIndex`]: vectors in PostgreSQL's `vector` extension, searched by the database
//! through one partial HNSW index per generation — for collections larger than a process
//! should hold in memory, or deployments that want PostgreSQL to do the searching.
//!
//! Storage: `pgvector_chunks(generation_id, chunk_id, document_id, embedding vector)`, keyed by
//! (generation, chunk), with the same ON DELETE CASCADE foreign keys as `chunk_vectors`, so
//! deleting a document, a chunk or a generation removes its vectors exactly as for the builtin
//! index. The table is not in the migrations (most PostgreSQL servers have no `vector`): the
//! index creates it, idempotently, the first time it is used in a process
//! ([`PgvectorIndex::prepare`] does it eagerly, e.g. at start-up).
//!
//! Each generation gets `CREATE INDEX … USING hnsw ((embedding::vector(D)) <opclass>) WHERE
//! generation_id = '<id>'` when its first vectors arrive (the dimension D is learned then), and
//! every query ranks by that same expression under that same predicate, so the planner can use
//! it. Searches set `hnsw.ef_search` (and iterative scans on pgvector ≥ 0.8, so a document
//! allow-list still yields `k` rows) for their transaction only.
//!
//! Scores follow [`Distance`]'s scale like the builtin index: cosine vectors are stored at unit
//! length and scored 1 − `<=>`; dot is −`<#>` (pgvector's is the negative inner product); L2
//! is −`<->`. The contract of [`VectorIndex`] holds: the revision is bumped and the dimension
//! claimed in the writing transaction ([`crate::revision`]), a re-inserted chunk is replaced.

mod schema;
mod store;

use std::sync::OnceLock;

use diesel::{Connection, PgConnection};
use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};

use crate::error::VectorsError;
use crate::index::{Hit, IndexBackend, IndexChange, NewVector, VectorIndex, VectorQuery};
use crate::revision;
use crate::vector::{self, Distance};

use schema::Prepared;

/// The pgvector index. One per process, shared by every request (`Arc<PgvectorIndex>` in
/// [`crate::Indexes`]); it keeps only whether the database has been prepared.
#[derive(Debug, Default)]
pub struct PgvectorIndex {
    prepared: OnceLock<Prepared>,
}

impl PgvectorIndex {
    /// An index that prepares the database on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether this database can host the index: PostgreSQL with the `vector` extension
    /// installed on the server (`pg_available_extensions`; created or not). SQLite is `false`.
    pub fn available(conn: &mut AnyConnection) -> Result<bool, VectorsError> {
        match conn {
            AnyConnection::Pg(pg) => schema::available(pg),
            AnyConnection::Sqlite(_) => Ok(false),
        }
    }

    /// Creates the extension and the table (if missing) now rather than on first use, so a
    /// server that cannot — no extension, no permission to create it — is known at start-up.
    /// Needs the migrations applied (the table references collection generations).
    pub fn prepare(&self, conn: &mut AnyConnection) -> Result<(), VectorsError> {
        self.ensure(pg(conn)?).map(|_| ())
    }

    /// The plan PostgreSQL chooses for `query` (`EXPLAIN` of the very statement and settings
    /// [`VectorIndex::search`] uses), so operators and tests can check that the generation's
    /// HNSW index serves it. Empty when the generation holds no vectors yet.
    pub fn explain(
        &self,
        conn: &mut AnyConnection,
        query: &VectorQuery<'_>,
    ) -> Result<Vec<String>, VectorsError> {
        let prepared = self.ensure(pg(conn)?)?;
        let Some(vector) = prepared_query(conn, query.generation, query.vector, query.distance)?
        else {
            return Ok(Vec::new());
        };
        store::plan(
            pg(conn)?,
            prepared,
            query.generation,
            query.distance,
            &vector,
            query.k.max(1),
            query.documents,
        )
    }

    /// What [`schema::prepare`] found, preparing the database the first time.
    fn ensure(&self, conn: &mut PgConnection) -> Result<Prepared, VectorsError> {
        if let Some(prepared) = self.prepared.get() {
            return Ok(*prepared);
        }
        let prepared = schema::prepare(conn)?;
        Ok(*self.prepared.get_or_init(|| prepared))
    }
}

/// The PostgreSQL connection inside `conn`; SQLite cannot host pgvector.
fn pg(conn: &mut AnyConnection) -> Result<&mut PgConnection, VectorsError> {
    match conn {
        AnyConnection::Pg(pg) => Ok(pg),
        AnyConnection::Sqlite(_) => Err(schema::unavailable("this database is SQLite")),
    }
}

/// The generation's dimension (`None` before its first vector); a missing generation is
/// [`VectorsError::NotFound`].
fn dimensions(
    conn: &mut AnyConnection,
    generation: GenerationId,
) -> Result<Option<usize>, VectorsError> {
    use diesel::prelude::*;
    use owp_db::schema::collection_generations as g;
    let stored = g::table
        .find(generation.to_string())
        .select(g::dimensions)
        .first::<Option<i64>>(conn)
        .optional()?
        .ok_or(VectorsError::NotFound)?;
    Ok(stored.map(|d| usize::try_from(d).unwrap_or(0)))
}

/// Checks a query against the generation's dimension and prepares it; `None` when the
/// generation holds no vectors yet (nothing to find, whatever the query's length).
fn prepared_query(
    conn: &mut AnyConnection,
    generation: GenerationId,
    vector: &[f32],
    distance: Distance,
) -> Result<Option<Vec<f32>>, VectorsError> {
    let Some(expected) = dimensions(conn, generation)? else {
        return Ok(None);
    };
    if vector.len() != expected {
        return Err(VectorsError::DimensionMismatch {
            expected,
            actual: vector.len(),
        });
    }
    vector::prepare("query_vector", vector, distance).map(Some)
}

impl VectorIndex for PgvectorIndex {
    fn backend(&self) -> IndexBackend {
        IndexBackend::Pgvector
    }

    fn insert(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        distance: Distance,
        vectors: &[NewVector<'_>],
    ) -> Result<IndexChange, VectorsError> {
        let Some(first) = vectors.first() else {
            return Ok(IndexChange {
                rows: 0,
                revision: revision::read(conn, generation)?,
            });
        };
        let dims = first.vector.len();
        let rows = store::rows(vectors, distance, dims)?;
        self.ensure(pg(conn)?)?;
        conn.transaction(|conn| {
            let revision = revision::bump(conn, generation)?;
            revision::claim_dimensions(conn, generation, dims)?;
            let pg = pg(conn)?;
            schema::ensure_hnsw(pg, generation, dims, distance)?;
            store::upsert(pg, generation, &rows)?;
            Ok(IndexChange {
                rows: vectors.len(),
                revision,
            })
        })
    }

    fn remove_document(
        &self,
        conn: &mut AnyConnection,
        generation: GenerationId,
        document: DocumentId,
    ) -> Result<IndexChange, VectorsError> {
        self.ensure(pg(conn)?)?;
        conn.transaction(|conn| {
            let revision = revision::bump(conn, generation)?;
            let rows = store::delete_document(pg(conn)?, generation, document)?;
            Ok(IndexChange { rows, revision })
        })
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
        let prepared = self.ensure(pg(conn)?)?;
        let Some(vector) = prepared_query(conn, query.generation, query.vector, query.distance)?
        else {
            return Ok(Vec::new());
        };
        if query.documents.is_some_and(<[DocumentId]>::is_empty) {
            return Ok(Vec::new());
        }
        store::nearest(
            pg(conn)?,
            prepared,
            query.generation,
            query.distance,
            &vector,
            query.k,
            query.documents,
        )
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
        self.ensure(pg(conn)?)?;
        let Some(prepared) = prepared_query(conn, generation, vector, distance)? else {
            return Ok(Vec::new());
        };
        store::scores(pg(conn)?, generation, distance, &prepared, chunks)
    }
}
