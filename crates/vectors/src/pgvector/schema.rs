//! The pgvector backend's storage, created by the index itself rather than by a migration: the
//! main PostgreSQL of most deployments and tests has no `vector` extension, and a migration
//! that needs it would fail there.
//!
//! - [`prepare`]: the extension, the table `pgvector_chunks` and its plain indexes, all
//!   `IF NOT EXISTS`, under a transaction-level advisory lock so replicas starting together do
//!   not race on the catalog.
//! - [`ensure_hnsw`]: one partial HNSW index per generation, created when its dimension is
//!   known (the column is `vector` without a dimension, so the index is on the expression
//!   `embedding::vector(D)` and only over that generation's rows); [`prepare`] drops those of
//!   generations deleted since.
//!
//! Only ids this process generated (typed UUIDs, checked again by [`generation_literal`]) and
//! integers are formatted into SQL; vectors and document ids are always bound.

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use owp_db::ids::GenerationId;

use crate::error::VectorsError;
use crate::vector::Distance;

/// Key of the advisory lock every DDL of this backend takes (any fixed number; "pgvector" in
/// ASCII), so concurrent `CREATE … IF NOT EXISTS` of two replicas take turns.
const DDL_LOCK: i64 = 0x7067_7665_6374_6f72;

/// pgvector's HNSW indexes hold vectors of at most this many dimensions; larger generations are
/// searched by an exact scan of their rows.
pub(crate) const HNSW_MAX_DIMENSIONS: usize = 2000;

/// The refusal when this database cannot hold pgvector vectors, in the words of
/// [`crate::Indexes::get`]'s refusal (422: use `builtin` instead).
pub(crate) fn unavailable(reason: &str) -> VectorsError {
    VectorsError::invalid(
        "backend",
        format!("pgvector needs PostgreSQL with the vector extension; {reason}"),
    )
}

/// What [`prepare`] learned about the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prepared {
    /// pgvector 0.8 or later: iterative index scans (`hnsw.iterative_scan`) keep an HNSW
    /// search with a document filter returning until `k` rows pass it.
    pub(crate) iterative_scan: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

/// Whether the server offers the `vector` extension (installed files, created or not).
pub(crate) fn available(conn: &mut PgConnection) -> Result<bool, VectorsError> {
    let found = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'vector'",
    )
    .get_result::<Count>(conn)?;
    Ok(found.n > 0)
}

/// Creates the extension, the table and its indexes unless they exist; one transaction.
pub(crate) fn prepare(conn: &mut PgConnection) -> Result<Prepared, VectorsError> {
    if !available(conn)? {
        return Err(unavailable("this server does not have it installed"));
    }
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(DDL_LOCK)
            .execute(conn)?;
        // `CREATE INDEX IF NOT EXISTS` locks the table before it looks: skip the statements
        // when the table is there (they are created together, in this transaction).
        let table = diesel::sql_query("SELECT count(to_regclass('pgvector_chunks')) AS n")
            .get_result::<Count>(conn)?;
        if table.n == 0 {
            create_storage(conn)?;
        }
        drop_orphaned_indexes(conn)?;
        let version = diesel::sql_query(
            "SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'",
        )
        .get_result::<Version>(conn)?;
        Ok(Prepared {
            iterative_scan: version.version.as_deref().is_some_and(has_iterative_scan),
        })
    })
}

/// The extension, the table and its plain indexes (each `IF NOT EXISTS`).
fn create_storage(conn: &mut PgConnection) -> Result<(), VectorsError> {
    conn.batch_execute(
        "CREATE EXTENSION IF NOT EXISTS vector;
         CREATE TABLE IF NOT EXISTS pgvector_chunks (
             generation_id TEXT NOT NULL
                 REFERENCES collection_generations (id) ON DELETE CASCADE,
             chunk_id TEXT NOT NULL REFERENCES document_chunks (id) ON DELETE CASCADE,
             document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
             embedding vector NOT NULL,
             PRIMARY KEY (generation_id, chunk_id)
         );
         CREATE INDEX IF NOT EXISTS pgvector_chunks_chunk_id_idx
             ON pgvector_chunks (chunk_id);
         CREATE INDEX IF NOT EXISTS pgvector_chunks_document_id_idx
             ON pgvector_chunks (document_id);",
    )?;
    Ok(())
}

#[derive(QueryableByName)]
struct IndexName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Drops the partial HNSW indexes of generations that no longer exist: their rows went by
/// cascade, but an index stays until dropped. Runs inside [`prepare`]'s transaction, so once
/// per process start (or first use); the number dropped.
fn drop_orphaned_indexes(conn: &mut PgConnection) -> Result<usize, VectorsError> {
    let orphans = diesel::sql_query(
        "SELECT i.indexname::text AS name FROM pg_indexes i \
         WHERE i.schemaname = current_schema() AND i.tablename = 'pgvector_chunks' \
         AND i.indexname LIKE 'pgvector\\_hnsw\\_%' \
         AND NOT EXISTS (SELECT 1 FROM collection_generations g \
             WHERE 'pgvector_hnsw_' || replace(g.id, '-', '') = i.indexname)",
    )
    .load::<IndexName>(conn)?;
    let mut dropped = 0;
    for orphan in orphans.iter().filter(|o| is_hnsw_name(&o.name)) {
        diesel::sql_query(format!("DROP INDEX IF EXISTS {}", orphan.name)).execute(conn)?;
        dropped += 1;
    }
    Ok(dropped)
}

/// Whether `name` is one of ours, `pgvector_hnsw_` and 32 lowercase hex digits — checked
/// before a name read from the catalog is formatted into `DROP INDEX`.
fn is_hnsw_name(name: &str) -> bool {
    name.strip_prefix("pgvector_hnsw_").is_some_and(|hex| {
        hex.len() == 32
            && hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// Whether a pgvector version (`0.8.2`) has iterative index scans (0.8.0 and later).
fn has_iterative_scan(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (0, 8)
}

/// The generation id as a SQL string literal (`'0190…'`), after checking it is a canonical
/// UUID (hex digits and hyphens only), so formatting it into DDL and queries cannot inject.
pub(crate) fn generation_literal(generation: GenerationId) -> Result<String, VectorsError> {
    let text = generation.to_string();
    let canonical = text.len() == 36 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if canonical {
        Ok(format!("'{text}'"))
    } else {
        Err(VectorsError::invalid("generation", "not a canonical UUID"))
    }
}

/// The name of a generation's HNSW index: `pgvector_hnsw_` and the id's 32 hex digits (46
/// characters, under PostgreSQL's 63).
pub(crate) fn hnsw_name(generation: GenerationId) -> String {
    let hex: String = generation
        .to_string()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    format!("pgvector_hnsw_{hex}")
}

/// pgvector's operator for a distance and the operator class its HNSW index needs.
pub(crate) fn operator(distance: Distance) -> (&'static str, &'static str) {
    match distance {
        Distance::Cosine => ("<=>", "vector_cosine_ops"),
        Distance::Dot => ("<#>", "vector_ip_ops"),
        Distance::L2 => ("<->", "vector_l2_ops"),
    }
}

/// The expression every query of a generation ranks by, identical to its index's, so the
/// planner can use the index: `(embedding::vector(D)) <op> $1::vector(D)`.
pub(crate) fn distance_expression(distance: Distance, dimensions: usize) -> String {
    let (op, _) = operator(distance);
    format!("(embedding::vector({dimensions})) {op} $1::vector({dimensions})")
}

/// Creates the generation's partial HNSW index unless it exists. Call it inside the inserting
/// transaction once the dimension is claimed; the advisory lock keeps two generations' first
/// inserts from deadlocking on the table's SHARE lock that `CREATE INDEX` holds until commit.
pub(crate) fn ensure_hnsw(
    conn: &mut PgConnection,
    generation: GenerationId,
    dimensions: usize,
    distance: Distance,
) -> Result<(), VectorsError> {
    if dimensions > HNSW_MAX_DIMENSIONS {
        return Ok(());
    }
    let name = hnsw_name(generation);
    let exists = diesel::sql_query("SELECT count(to_regclass($1)) AS n")
        .bind::<Text, _>(&name)
        .get_result::<Count>(conn)?;
    if exists.n > 0 {
        return Ok(());
    }
    let literal = generation_literal(generation)?;
    let (_, ops) = operator(distance);
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(DDL_LOCK)
        .execute(conn)?;
    diesel::sql_query(format!(
        "CREATE INDEX IF NOT EXISTS {name} ON pgvector_chunks \
         USING hnsw ((embedding::vector({dimensions})) {ops}) \
         WHERE generation_id = {literal}"
    ))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_literals_come_from_the_uuid_only() {
        let generation: GenerationId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".parse().unwrap();
        assert_eq!(
            generation_literal(generation).unwrap(),
            "'0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'"
        );
        assert_eq!(
            hnsw_name(generation),
            "pgvector_hnsw_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b"
        );
        assert!(hnsw_name(generation).len() <= 63);
        assert!(is_hnsw_name(&hnsw_name(generation)));
        for other in [
            "pgvector_hnsw_0190a1b2c3d47e5f8a9b0c1d2e3f4a5",
            "pgvector_hnsw_0190A1B2C3D47E5F8A9B0C1D2E3F4A5B",
            "pgvector_hnsw_0190a1b2c3d47e5f8a9b0c1d2e3f4a5b; DROP TABLE x",
            "pgvector_chunks_chunk_id_idx",
        ] {
            assert!(!is_hnsw_name(other), "{other}");
        }
    }

    #[test]
    fn expressions_match_the_index_for_each_distance() {
        assert_eq!(
            distance_expression(Distance::Cosine, 384),
            "(embedding::vector(384)) <=> $1::vector(384)"
        );
        assert_eq!(operator(Distance::Dot), ("<#>", "vector_ip_ops"));
        assert_eq!(operator(Distance::L2), ("<->", "vector_l2_ops"));
    }

    #[test]
    fn iterative_scans_from_0_8() {
        assert!(has_iterative_scan("0.8.2"));
        assert!(has_iterative_scan("0.10.0"));
        assert!(has_iterative_scan("1.0"));
        assert!(!has_iterative_scan("0.7.4"));
        assert!(!has_iterative_scan("x"));
    }
}
