//! Ingestion jobs: chunk → embed → index one document into one generation, stored in `jobs`
//! so progress survives a restart and replicas share the work.
//!
//! A job is `queued` until a replica claims it with a lease (`lease_owner` until
//! `lease_expires_at`), `running` while that replica renews the lease batch by batch, then
//! `done` or `failed` (with `error`). Every batch's vectors are written in the same transaction
//! as the progress that counts them and a check that the lease is still this replica's, so a
//! replica that lost its lease (paused, partitioned) writes nothing more, and a job taken over
//! after a crash resumes at the first chunk not yet counted. A job interrupted
//! [`MAX_ATTEMPTS`] times fails with a reason instead of looping. When a generation's last
//! job ends, a rebuilt generation becomes the active one ([`activate_if_complete`]).

mod lease;
mod runner;

pub use lease::{Claim, claim_next, finish, record_batch, release};
pub use runner::{JobRunner, RunnerSettings};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::parse_stored_id;
use owp_db::ids::{CollectionId, DocumentId, GenerationId, JobId, OrganizationId, UserId};
use owp_db::schema::{collection_generations, collections, jobs};
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;

use crate::VectorsError;

/// How many times a job may be taken before an interruption fails it.
pub const MAX_ATTEMPTS: i64 = 3;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for a replica.
    Queued,
    /// A replica holds its lease and is working on it.
    Running,
    /// Every chunk is indexed.
    Done,
    /// It stopped; `error` says why.
    Failed,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Reads a stored name.
    pub fn from_stored(text: &str) -> Result<Self, StoreError> {
        match text {
            "queued" => Ok(JobState::Queued),
            "running" => Ok(JobState::Running),
            "done" => Ok(JobState::Done),
            "failed" => Ok(JobState::Failed),
            other => Err(StoreError::Internal(format!(
                "unknown job state {other:?} in the store"
            ))),
        }
    }

    /// Whether the job will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed)
    }
}

/// A job as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: JobId,
    /// The collection.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub collection_id: CollectionId,
    /// The generation it fills (its number).
    pub generation: i64,
    /// The document it indexes.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// `queued`, `running`, `done` or `failed`.
    pub state: JobState,
    /// Chunks indexed.
    pub done: i64,
    /// Chunks to index (0 until the document is chunked).
    pub total: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// How many times a replica took it.
    pub attempts: i64,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
    /// UTC.
    pub finished_at: Option<NaiveDateTime>,
}

/// Queues the indexing of `document` into `generation`.
pub(crate) fn queue(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    user: UserId,
    collection: CollectionId,
    generation: GenerationId,
    document: DocumentId,
    at: NaiveDateTime,
) -> Result<JobId, VectorsError> {
    let id = JobId::new();
    diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(id.to_string()),
            jobs::organization_id.eq(organization.to_string()),
            jobs::user_id.eq(user.to_string()),
            jobs::collection_id.eq(collection.to_string()),
            jobs::generation_id.eq(generation.to_string()),
            jobs::document_id.eq(document.to_string()),
            jobs::state.eq(JobState::Queued.as_str()),
            jobs::done.eq(0_i64),
            jobs::total.eq(0_i64),
            jobs::attempts.eq(0_i64),
            jobs::created_at.eq(at),
            jobs::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A job of a collection the caller may read; anything else is `NotFound`.
pub fn get_job(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: JobId,
) -> Result<Job, VectorsError> {
    type Row = (
        String,
        String,
        i64,
        String,
        String,
        i64,
        i64,
        Option<String>,
        i64,
        NaiveDateTime,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let row: Row = jobs::table
        .inner_join(collection_generations::table)
        .filter(jobs::id.eq(id.to_string()))
        .select((
            jobs::id,
            jobs::collection_id,
            collection_generations::number,
            jobs::document_id,
            jobs::state,
            jobs::done,
            jobs::total,
            jobs::error,
            jobs::attempts,
            jobs::created_at,
            jobs::updated_at,
            jobs::finished_at,
        ))
        .first(conn)?;
    let collection: CollectionId = parse_stored_id(&row.1)?;
    crate::collections::require_readable(conn, principal, collection)?;
    Ok(Job {
        id: parse_stored_id(&row.0)?,
        collection_id: collection,
        generation: row.2,
        document_id: parse_stored_id(&row.3)?,
        state: JobState::from_stored(&row.4)?,
        done: row.5,
        total: row.6,
        error: row.7,
        attempts: row.8,
        created_at: row.9,
        updated_at: row.10,
        finished_at: row.11,
    })
}

/// Makes `generation` its collection's active one when it is a rebuild whose jobs have all
/// ended: one update switches the collection, the generation it replaces is deleted with its
/// vectors. Returns whether it switched.
pub fn activate_if_complete(
    conn: &mut AnyConnection,
    generation: GenerationId,
    at: NaiveDateTime,
) -> Result<bool, VectorsError> {
    let found: Option<(String, String)> = collection_generations::table
        .find(generation.to_string())
        .select((
            collection_generations::collection_id,
            collection_generations::state,
        ))
        .first(conn)
        .optional()?;
    let Some((collection, state)) = found else {
        return Ok(false);
    };
    if state != "building" {
        return Ok(false);
    }
    let open: i64 = jobs::table
        .filter(jobs::generation_id.eq(generation.to_string()))
        .filter(jobs::state.eq_any([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Ok(false);
    }
    owp_db::write_transaction(conn, |conn| {
        let previous: Option<String> = collections::table
            .find(&collection)
            .select(collections::active_generation_id)
            .first(conn)?;
        diesel::update(collection_generations::table.find(generation.to_string()))
            .set((
                collection_generations::state.eq("active"),
                collection_generations::activated_at.eq(at),
            ))
            .execute(conn)?;
        diesel::update(collections::table.find(&collection))
            .set(collections::active_generation_id.eq(generation.to_string()))
            .execute(conn)?;
        if let Some(previous) = previous {
            diesel::delete(collection_generations::table.find(previous)).execute(conn)?;
        }
        Ok(true)
    })
}
