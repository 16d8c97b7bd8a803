//! The builtin index's rows: `chunk_vectors` (one little-endian f32 blob per chunk and
//! generation), written in one transaction per batch and read back in document order.

use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId, parse_stored_id};
use owp_db::schema::chunk_vectors as cv;

use super::matrix::{Matrix, MatrixBuilder};
use crate::error::VectorsError;
use crate::index::{IndexChange, NewVector};
use crate::revision;
use crate::vector::{self, Distance};

/// Rows per INSERT statement: 4 binds each stays far below SQLite's 32 766 and PostgreSQL's
/// 65 535 bind limits, and one statement per few hundred rows keeps round trips few.
const ROWS_PER_STATEMENT: usize = 500;

#[derive(Insertable)]
#[diesel(table_name = cv)]
struct VectorRow {
    generation_id: String,
    chunk_id: String,
    document_id: String,
    embedding: Vec<u8>,
}

/// Validates, prepares (cosine: unit length) and stores a batch, replacing vectors the
/// generation already holds for these chunks, and bumps the revision; one transaction.
pub(super) fn insert(
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
    let dimensions = first.vector.len();
    let generation_key = generation.to_string();
    let mut rows = Vec::with_capacity(vectors.len());
    for new in vectors {
        if new.vector.len() != dimensions {
            return Err(VectorsError::DimensionMismatch {
                expected: dimensions,
                actual: new.vector.len(),
            });
        }
        let prepared = vector::prepare("vector", new.vector, distance)?;
        rows.push(VectorRow {
            generation_id: generation_key.clone(),
            chunk_id: new.chunk_id.to_string(),
            document_id: new.document_id.to_string(),
            embedding: vector::encode(&prepared),
        });
    }
    owp_db::write_transaction(conn, |conn| {
        let revision = revision::bump(conn, generation)?;
        revision::claim_dimensions(conn, generation, dimensions)?;
        for batch in rows.chunks(ROWS_PER_STATEMENT) {
            let chunk_keys: Vec<&str> = batch.iter().map(|r| r.chunk_id.as_str()).collect();
            diesel::delete(
                cv::table
                    .filter(cv::generation_id.eq(&generation_key))
                    .filter(cv::chunk_id.eq_any(chunk_keys)),
            )
            .execute(conn)?;
            let statement = diesel::insert_into(cv::table).values(batch);
            match conn {
                AnyConnection::Pg(c) => statement.execute(c)?,
                AnyConnection::Sqlite(c) => statement.execute(c)?,
            };
        }
        Ok(IndexChange {
            rows: rows.len(),
            revision,
        })
    })
}

/// Deletes a document's vectors from a generation and bumps the revision; one transaction.
pub(super) fn remove_document(
    conn: &mut AnyConnection,
    generation: GenerationId,
    document: DocumentId,
) -> Result<IndexChange, VectorsError> {
    owp_db::write_transaction(conn, |conn| {
        let revision = revision::bump(conn, generation)?;
        let rows = diesel::delete(
            cv::table
                .filter(cv::generation_id.eq(generation.to_string()))
                .filter(cv::document_id.eq(document.to_string())),
        )
        .execute(conn)?;
        Ok(IndexChange { rows, revision })
    })
}

/// Reads a whole generation into a [`Matrix`]: the revision FIRST, then the rows, so a write
/// committed in between makes the copy newer than its label (reloaded once more later), never
/// older (which would be kept as current).
pub(super) fn load(
    conn: &mut AnyConnection,
    generation: GenerationId,
    max_rows: usize,
) -> Result<Matrix, VectorsError> {
    let revision = revision::read(conn, generation)?;
    let mut builder = MatrixBuilder::new(revision);
    let rows = cv::table
        .filter(cv::generation_id.eq(generation.to_string()))
        .order((cv::document_id, cv::chunk_id))
        .select((cv::chunk_id, cv::document_id, cv::embedding))
        .load_iter::<(String, String, Vec<u8>), DefaultLoadingMode>(conn)?;
    let mut last_document: Option<(String, DocumentId)> = None;
    let mut count = 0_usize;
    for row in rows {
        let (chunk, document, blob) = row?;
        count += 1;
        if count > max_rows {
            return Err(VectorsError::invalid(
                "generation",
                format!("more than {max_rows} vectors; the builtin index holds at most that many"),
            ));
        }
        let document_id = match &last_document {
            Some((text, id)) if *text == document => *id,
            _ => {
                let id: DocumentId = parse_stored_id(&document)?;
                last_document = Some((document, id));
                id
            }
        };
        let chunk_id: ChunkId = parse_stored_id(&chunk)?;
        builder.push(chunk_id, document_id, &blob)?;
    }
    Ok(builder.finish())
}
