//! The pgvector backend's statements: batched upserts, removal by document, nearest neighbours
//! through the generation's HNSW index, and scores of given chunks. Raw SQL on the PostgreSQL
//! connection: vectors travel as their text form (`[0.1,0.2,…]`) cast with `::vector`, so no
//! client-side vector type is needed.

use std::collections::HashMap;
use std::fmt::Write as _;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{Array, Double, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use owp_db::ids::{ChunkId, DocumentId, GenerationId, parse_stored_id};

use super::schema::{self, Prepared};
use crate::error::VectorsError;
use crate::index::{Hit, NewVector};
use crate::vector::{self, Distance};

/// Rows per INSERT: the rows travel as three text arrays, so the bind limit does not apply;
/// this keeps one statement's text (about 4 KB per 384-dimension vector) to a few MB.
const ROWS_PER_STATEMENT: usize = 500;

/// Candidates an HNSW search keeps at least (`hnsw.ef_search`; pgvector's default is 40).
/// Measured in the retrieval bench: recall@10 against exact search stays ≥ 0.95 at 100k × 384
/// with this floor (see docs/testing.md).
const EF_SEARCH_FLOOR: usize = 200;

/// pgvector's ceiling for `hnsw.ef_search`.
const EF_SEARCH_MAX: usize = 1000;

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    chunk_id: String,
    #[diesel(sql_type = Text)]
    document_id: String,
    #[diesel(sql_type = Double)]
    distance: f64,
}

/// A vector's text form for a `::vector` cast: `[c0,c1,…]`, each component in Rust's shortest
/// round-trip notation, so PostgreSQL reads back exactly the f32 that was sent.
pub(crate) fn literal(vector: &[f32]) -> String {
    let mut text = String::with_capacity(vector.len() * 12 + 2);
    text.push('[');
    for (i, component) in vector.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        let _ = write!(text, "{component}");
    }
    text.push(']');
    text
}

/// pgvector's distance as a score on [`Distance`]'s scale (higher is better): `<=>` is
/// 1 − cosine similarity, `<#>` the NEGATIVE inner product, `<->` the Euclidean distance.
pub(crate) fn score_of(distance: Distance, value: f64) -> f32 {
    match distance {
        Distance::Cosine => (1.0 - value) as f32,
        Distance::Dot | Distance::L2 => (-value) as f32,
    }
}

/// Validates and prepares a batch (cosine: unit length, as the builtin index stores them); a
/// chunk offered twice keeps its last vector. Returns the rows as text columns.
pub(super) fn rows(
    vectors: &[NewVector<'_>],
    distance: Distance,
    dimensions: usize,
) -> Result<Vec<(String, String, String)>, VectorsError> {
    let mut position: HashMap<ChunkId, usize> = HashMap::with_capacity(vectors.len());
    let mut rows: Vec<(String, String, String)> = Vec::with_capacity(vectors.len());
    for new in vectors {
        if new.vector.len() != dimensions {
            return Err(VectorsError::DimensionMismatch {
                expected: dimensions,
                actual: new.vector.len(),
            });
        }
        let prepared = vector::prepare("vector", new.vector, distance)?;
        let row = (
            new.chunk_id.to_string(),
            new.document_id.to_string(),
            literal(&prepared),
        );
        match position.get(&new.chunk_id) {
            Some(&at) => rows[at] = row,
            None => {
                position.insert(new.chunk_id, rows.len());
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// Upserts rows into the generation (a chunk already there is replaced). Run inside the
/// inserting transaction, after the revision bump and the dimension claim.
pub(super) fn upsert(
    conn: &mut PgConnection,
    generation: GenerationId,
    rows: &[(String, String, String)],
) -> Result<(), VectorsError> {
    let generation_key = generation.to_string();
    for batch in rows.chunks(ROWS_PER_STATEMENT) {
        let chunks: Vec<&str> = batch.iter().map(|r| r.0.as_str()).collect();
        let documents: Vec<&str> = batch.iter().map(|r| r.1.as_str()).collect();
        let embeddings: Vec<&str> = batch.iter().map(|r| r.2.as_str()).collect();
        diesel::sql_query(
            "INSERT INTO pgvector_chunks (generation_id, chunk_id, document_id, embedding) \
             SELECT $1, c, d, e::vector FROM unnest($2::text[], $3::text[], $4::text[]) AS t(c, d, e) \
             ON CONFLICT (generation_id, chunk_id) \
             DO UPDATE SET document_id = EXCLUDED.document_id, embedding = EXCLUDED.embedding",
        )
        .bind::<Text, _>(&generation_key)
        .bind::<Array<Text>, _>(&chunks)
        .bind::<Array<Text>, _>(&documents)
        .bind::<Array<Text>, _>(&embeddings)
        .execute(conn)?;
    }
    Ok(())
}

/// Deletes a document's rows of a generation; the number deleted.
pub(super) fn delete_document(
    conn: &mut PgConnection,
    generation: GenerationId,
    document: DocumentId,
) -> Result<usize, VectorsError> {
    Ok(diesel::sql_query(
        "DELETE FROM pgvector_chunks WHERE generation_id = $1 AND document_id = $2",
    )
    .bind::<Text, _>(generation.to_string())
    .bind::<Text, _>(document.to_string())
    .execute(conn)?)
}

/// `hnsw.ef_search` for a query of `k`: at least [`EF_SEARCH_FLOOR`], at least 2 k, at most
/// pgvector's ceiling.
pub(crate) fn ef_search(k: usize) -> usize {
    k.saturating_mul(2).clamp(EF_SEARCH_FLOOR, EF_SEARCH_MAX)
}

/// The search statement of a generation: the same expression and predicate as its partial
/// HNSW index (see [`schema::ensure_hnsw`]); `$1` the query, `$2` the document allow-list.
pub(crate) fn search_sql(
    generation: GenerationId,
    distance: Distance,
    dimensions: usize,
    filtered: bool,
    k: usize,
) -> Result<String, VectorsError> {
    let expression = schema::distance_expression(distance, dimensions);
    let literal = schema::generation_literal(generation)?;
    let filter = if filtered {
        " AND document_id = ANY($2::text[])"
    } else {
        ""
    };
    Ok(format!(
        "SELECT chunk_id, document_id, {expression} AS distance FROM pgvector_chunks \
         WHERE generation_id = {literal}{filter} ORDER BY {expression} LIMIT {k}"
    ))
}

/// The `k` nearest rows to a prepared query, best first, in one transaction that sets the
/// HNSW search's breadth (and iterative scans, so a document filter still yields `k` rows).
pub(super) fn nearest(
    conn: &mut PgConnection,
    prepared: Prepared,
    generation: GenerationId,
    distance: Distance,
    query: &[f32],
    k: usize,
    documents: Option<&[DocumentId]>,
) -> Result<Vec<Hit>, VectorsError> {
    let sql = search_sql(generation, distance, query.len(), documents.is_some(), k)?;
    let found: Vec<Found> = run_search(conn, prepared, &sql, query, k, documents)?;
    hits(found, distance)
}

/// `EXPLAIN` of the statement [`nearest`] runs, under the same settings: one plan line each.
pub(super) fn plan(
    conn: &mut PgConnection,
    prepared: Prepared,
    generation: GenerationId,
    distance: Distance,
    query: &[f32],
    k: usize,
    documents: Option<&[DocumentId]>,
) -> Result<Vec<String>, VectorsError> {
    let sql = search_sql(generation, distance, query.len(), documents.is_some(), k)?;
    let lines: Vec<PlanLine> = run_search(
        conn,
        prepared,
        &format!("EXPLAIN {sql}"),
        query,
        k,
        documents,
    )?;
    Ok(lines.into_iter().map(|l| l.line).collect())
}

/// One line of `EXPLAIN`'s output.
#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// Runs a search statement (`$1` the query, `$2` the allow-list when given) in a transaction
/// with `hnsw.ef_search` (and `hnsw.iterative_scan` where supported) set for it alone.
fn run_search<T>(
    conn: &mut PgConnection,
    prepared: Prepared,
    sql: &str,
    query: &[f32],
    k: usize,
    documents: Option<&[DocumentId]>,
) -> Result<Vec<T>, VectorsError>
where
    T: QueryableByName<diesel::pg::Pg> + 'static,
{
    let text = literal(query);
    conn.transaction(|conn| {
        let mut settings = format!("SET LOCAL hnsw.ef_search = {};", ef_search(k));
        if prepared.iterative_scan {
            settings.push_str("SET LOCAL hnsw.iterative_scan = strict_order;");
        }
        conn.batch_execute(&settings)?;
        let statement = diesel::sql_query(sql).bind::<Text, _>(&text);
        Ok(match documents {
            Some(documents) => {
                let keys: Vec<String> = documents.iter().map(ToString::to_string).collect();
                statement.bind::<Array<Text>, _>(&keys).load(conn)?
            }
            None => statement.load(conn)?,
        })
    })
}

/// The scores of given chunks (those the generation holds, in the order given; a chunk under
/// another document than the one given is left out, as the builtin index does).
pub(super) fn scores(
    conn: &mut PgConnection,
    generation: GenerationId,
    distance: Distance,
    query: &[f32],
    chunks: &[(ChunkId, DocumentId)],
) -> Result<Vec<Hit>, VectorsError> {
    let expression = schema::distance_expression(distance, query.len());
    let keys: Vec<String> = chunks.iter().map(|(c, _)| c.to_string()).collect();
    let found: Vec<Found> = diesel::sql_query(format!(
        "SELECT chunk_id, document_id, {expression} AS distance FROM pgvector_chunks \
         WHERE generation_id = $2 AND chunk_id = ANY($3::text[])"
    ))
    .bind::<Text, _>(literal(query))
    .bind::<Text, _>(generation.to_string())
    .bind::<Array<Text>, _>(&keys)
    .load(conn)?;
    let by_chunk: HashMap<ChunkId, Hit> = hits(found, distance)?
        .into_iter()
        .map(|hit| (hit.chunk_id, hit))
        .collect();
    Ok(chunks
        .iter()
        .filter_map(|(chunk, document)| {
            by_chunk
                .get(chunk)
                .filter(|hit| hit.document_id == *document)
                .copied()
        })
        .collect())
}

fn hits(found: Vec<Found>, distance: Distance) -> Result<Vec<Hit>, VectorsError> {
    found
        .into_iter()
        .map(|row| {
            Ok(Hit {
                chunk_id: parse_stored_id(&row.chunk_id)?,
                document_id: parse_stored_id(&row.document_id)?,
                score: score_of(distance, row.distance),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_round_trip_every_f32() {
        assert_eq!(literal(&[1.0, -0.5, 0.1]), "[1,-0.5,0.1]");
        for value in [f32::MIN_POSITIVE, 1e-30, 3.402_823_5e38, -0.000_123_4] {
            let text = literal(&[value]);
            let back: f32 = text.trim_matches(['[', ']']).parse().unwrap();
            assert_eq!(back, value);
        }
    }

    #[test]
    fn distances_become_higher_is_better_scores() {
        assert_eq!(score_of(Distance::Cosine, 0.0), 1.0);
        assert_eq!(score_of(Distance::Cosine, 2.0), -1.0);
        assert_eq!(score_of(Distance::Dot, -19.0), 19.0);
        assert_eq!(score_of(Distance::L2, 5.0), -5.0);
    }

    #[test]
    fn duplicate_chunks_keep_their_last_vector_and_dimensions_hold() {
        let (chunk, doc) = (ChunkId::new(), DocumentId::new());
        let batch = [
            NewVector {
                chunk_id: chunk,
                document_id: doc,
                vector: &[1.0, 0.0],
            },
            NewVector {
                chunk_id: chunk,
                document_id: doc,
                vector: &[0.0, 2.0],
            },
        ];
        let out = rows(&batch, Distance::Cosine, 2).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].2, "[0,1]");
        assert_eq!(
            rows(&batch, Distance::Dot, 3).unwrap_err(),
            VectorsError::DimensionMismatch {
                expected: 3,
                actual: 2
            }
        );
    }

    #[test]
    fn the_breadth_grows_with_k_within_bounds() {
        assert_eq!(ef_search(10), EF_SEARCH_FLOOR);
        assert_eq!(ef_search(300), 600);
        assert_eq!(ef_search(usize::MAX), EF_SEARCH_MAX);
    }
}
