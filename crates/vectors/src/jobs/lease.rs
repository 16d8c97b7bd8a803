//! Claiming, renewing and ending jobs under a lease, so one replica at a time works on a job
//! and a crashed replica's jobs are taken over once their lease expires.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{CollectionId, DocumentId, GenerationId, JobId, parse_stored_id};
use owp_db::schema::{collection_generations, collections, jobs};

use super::{JobState, MAX_ATTEMPTS};
use crate::collections::ChunkSpec;
use crate::index::NewVector;
use crate::{Distance, IndexBackend, Indexes, VectorsError};

/// A job this replica now holds, with what processing it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The job.
    pub job: JobId,
    /// Its collection.
    pub collection: CollectionId,
    /// The generation it fills.
    pub generation: GenerationId,
    /// The document it indexes.
    pub document: DocumentId,
    /// The generation's embedding model.
    pub model: String,
    /// The generation's chunking.
    pub chunking: ChunkSpec,
    /// The collection's distance.
    pub distance: Distance,
    /// The collection's backend.
    pub backend: IndexBackend,
    /// Chunks already indexed (a resumed job starts after them).
    pub done: i64,
    /// The how-manieth time the job is taken.
    pub attempts: i64,
}

/// Whether a job may be claimed at `at`: queued (and not put off: a released job's
/// `lease_expires_at` is when it may be retried), or running under an expired lease.
macro_rules! claimable {
    ($at:expr) => {
        jobs::state
            .eq(JobState::Queued.as_str())
            .and(
                jobs::lease_expires_at
                    .is_null()
                    .or(jobs::lease_expires_at.lt($at)),
            )
            .or(jobs::state
                .eq(JobState::Running.as_str())
                .and(jobs::lease_expires_at.lt($at)))
    };
}

/// Claims the oldest claimable job for `owner` until `at + lease`. A job taken over more than
/// [`MAX_ATTEMPTS`] times is failed with a reason and the next one is tried. `None`: nothing
/// to do.
pub fn claim_next(
    conn: &mut AnyConnection,
    owner: &str,
    lease: Duration,
    at: NaiveDateTime,
) -> Result<Option<Claim>, VectorsError> {
    loop {
        let candidate: Option<(String, i64)> = jobs::table
            .filter(claimable!(at))
            .order((jobs::created_at.asc(), jobs::id.asc()))
            .select((jobs::id, jobs::attempts))
            .first(conn)
            .optional()?;
        let Some((id, attempts)) = candidate else {
            return Ok(None);
        };
        if attempts >= MAX_ATTEMPTS {
            let failed = diesel::update(jobs::table.find(&id).filter(claimable!(at)))
                .set((
                    jobs::state.eq(JobState::Failed.as_str()),
                    jobs::error.eq(format!(
                        "indexing was interrupted {attempts} times (the server stopped or lost \
                         its lease); add the document again to retry"
                    )),
                    jobs::lease_owner.eq(None::<String>),
                    jobs::lease_expires_at.eq(None::<NaiveDateTime>),
                    jobs::updated_at.eq(at),
                    jobs::finished_at.eq(at),
                ))
                .execute(conn)?;
            if failed == 1 {
                let generation: String = jobs::table
                    .find(&id)
                    .select(jobs::generation_id)
                    .first(conn)?;
                super::activate_if_complete(conn, parse_stored_id(&generation)?, at)?;
            }
            continue;
        }
        let taken = diesel::update(jobs::table.find(&id).filter(claimable!(at)))
            .set((
                jobs::state.eq(JobState::Running.as_str()),
                jobs::lease_owner.eq(owner),
                jobs::lease_expires_at.eq(at + lease),
                jobs::attempts.eq(attempts + 1),
                jobs::updated_at.eq(at),
            ))
            .execute(conn)?;
        if taken == 1 {
            return load_claim(conn, &id).map(Some);
        }
    }
}

fn load_claim(conn: &mut AnyConnection, id: &str) -> Result<Claim, VectorsError> {
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
        String,
        String,
        String,
    );
    let row: Row = jobs::table
        .inner_join(collection_generations::table)
        .inner_join(collections::table)
        .filter(jobs::id.eq(id))
        .select((
            jobs::id,
            jobs::collection_id,
            jobs::generation_id,
            jobs::document_id,
            jobs::done,
            jobs::attempts,
            collection_generations::embedding_model,
            collection_generations::chunking,
            collections::distance,
            collections::backend,
        ))
        .first(conn)?;
    Ok(Claim {
        job: parse_stored_id(&row.0)?,
        collection: parse_stored_id(&row.1)?,
        generation: parse_stored_id(&row.2)?,
        document: parse_stored_id(&row.3)?,
        done: row.4,
        attempts: row.5,
        model: row.6,
        chunking: crate::collections::chunking_of(&row.7)?,
        distance: row.8.parse()?,
        backend: row.9.parse()?,
    })
}

/// Marks the lease of `claim` renewed until `until` and its progress `done`/`total`, only if
/// `owner` still holds it: `Ok(false)` when it was lost (the caller stops, writing nothing).
fn renew(
    conn: &mut AnyConnection,
    claim: &Claim,
    owner: &str,
    done: i64,
    total: i64,
    until: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<bool, VectorsError> {
    let renewed = diesel::update(
        jobs::table
            .find(claim.job.to_string())
            .filter(jobs::state.eq(JobState::Running.as_str()))
            .filter(jobs::lease_owner.eq(owner)),
    )
    .set((
        jobs::done.eq(done),
        jobs::total.eq(total),
        jobs::lease_expires_at.eq(until),
        jobs::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(renewed == 1)
}

/// Writes one batch of vectors with the progress that counts them, in one transaction and only
/// while `owner` holds the lease (renewed to `at + lease`). `Ok(false)`: the lease was lost
/// and nothing was written. An empty batch records `total` (the job's first step).
#[expect(
    clippy::too_many_arguments,
    reason = "one atomic step of a job: all of it is needed"
)]
pub fn record_batch(
    conn: &mut AnyConnection,
    indexes: &Indexes,
    claim: &Claim,
    owner: &str,
    vectors: &[NewVector<'_>],
    done: i64,
    total: i64,
    lease: Duration,
    at: NaiveDateTime,
) -> Result<bool, VectorsError> {
    let index = indexes.get(claim.backend)?;
    owp_db::write_transaction(conn, |conn| {
        if !renew(conn, claim, owner, done, total, at + lease, at)? {
            return Ok(false);
        }
        if !vectors.is_empty() {
            index.insert(conn, claim.generation, claim.distance, vectors)?;
        }
        Ok(true)
    })
}

/// Ends a job this replica holds: `Ok(())` → done, `Err(reason)` → failed with it; then the
/// generation may become active. A lost lease changes nothing.
pub fn finish(
    conn: &mut AnyConnection,
    claim: &Claim,
    owner: &str,
    outcome: Result<(), String>,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    owp_db::write_transaction(conn, |conn| {
        let (state, error) = match &outcome {
            Ok(()) => (JobState::Done, None),
            Err(reason) => (JobState::Failed, Some(reason.as_str())),
        };
        let ended = diesel::update(
            jobs::table
                .find(claim.job.to_string())
                .filter(jobs::lease_owner.eq(owner))
                .filter(jobs::state.eq(JobState::Running.as_str())),
        )
        .set((
            jobs::state.eq(state.as_str()),
            jobs::error.eq(error),
            jobs::lease_owner.eq(None::<String>),
            jobs::lease_expires_at.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(at),
            jobs::finished_at.eq(at),
        ))
        .execute(conn)?;
        if ended == 1 {
            super::activate_if_complete(conn, claim.generation, at)?;
        }
        Ok(())
    })
}

/// Gives a job back to the queue because Ollama cannot be reached for now: any replica may
/// retry it after `retry_after`; its progress stays, and the attempt does not count as an
/// interruption.
pub fn release(
    conn: &mut AnyConnection,
    claim: &Claim,
    owner: &str,
    retry_after: Duration,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    diesel::update(
        jobs::table
            .find(claim.job.to_string())
            .filter(jobs::lease_owner.eq(owner))
            .filter(jobs::state.eq(JobState::Running.as_str())),
    )
    .set((
        jobs::state.eq(JobState::Queued.as_str()),
        jobs::lease_owner.eq(None::<String>),
        jobs::lease_expires_at.eq(at + retry_after),
        jobs::attempts.eq(claim.attempts - 1),
        jobs::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}
