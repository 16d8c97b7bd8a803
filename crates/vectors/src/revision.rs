//! A generation's bookkeeping that every [`crate::VectorIndex`] backend shares: its revision
//! (bumped by every change of its vectors, read by in-process copies to know whether they are
//! current) and its dimension (learned from the first vector, enforced afterwards).

use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::GenerationId;
use owp_db::schema::collection_generations as g;

use crate::error::VectorsError;

/// The generation's current revision: ONE keyed read, done before every search of a cached
/// copy. A missing generation is [`VectorsError::NotFound`].
pub fn read(conn: &mut AnyConnection, generation: GenerationId) -> Result<i64, VectorsError> {
    g::table
        .find(generation.to_string())
        .select(g::revision)
        .first::<i64>(conn)
        .optional()?
        .ok_or(VectorsError::NotFound)
}

/// Bumps the revision and returns the new one. Call it inside the transaction that changes the
/// vectors; on PostgreSQL the update also locks the generation's row, so concurrent writers of
/// one generation take turns (and [`claim_dimensions`] after it sees a settled value).
pub fn bump(conn: &mut AnyConnection, generation: GenerationId) -> Result<i64, VectorsError> {
    let updated = diesel::update(g::table.find(generation.to_string()))
        .set(g::revision.eq(g::revision + 1))
        .execute(conn)?;
    if updated == 0 {
        return Err(VectorsError::NotFound);
    }
    read(conn, generation)
}

/// Checks that `dimensions` is the generation's dimension, recording it if this is its first
/// vector. Call it after [`bump`] in the same transaction.
pub fn claim_dimensions(
    conn: &mut AnyConnection,
    generation: GenerationId,
    dimensions: usize,
) -> Result<(), VectorsError> {
    let stored = g::table
        .find(generation.to_string())
        .select(g::dimensions)
        .first::<Option<i64>>(conn)
        .optional()?
        .ok_or(VectorsError::NotFound)?;
    let wanted = i64::try_from(dimensions)
        .map_err(|_| VectorsError::invalid("vector", "vector is too long"))?;
    match stored {
        Some(expected) if expected != wanted => Err(VectorsError::DimensionMismatch {
            expected: usize::try_from(expected).unwrap_or(0),
            actual: dimensions,
        }),
        Some(_) => Ok(()),
        None => {
            diesel::update(g::table.find(generation.to_string()))
                .set(g::dimensions.eq(Some(wanted)))
                .execute(conn)?;
            Ok(())
        }
    }
}
