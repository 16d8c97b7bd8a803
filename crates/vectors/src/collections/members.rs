//! A collection's documents: add (queues its indexing in every generation served or being
//! built), remove (its vectors leave every generation), list with indexing progress.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::{CollectionId, DocumentId, GenerationId, JobId, parse_stored_id};
use owp_db::schema::{collection_documents, collection_generations, documents, jobs as job_rows};
use owp_db::{AnyConnection, Page, Paged};
use owp_rbac::Principal;
use owp_rbac::visibility::{Ownership, Viewer, Visibility};
use serde_json::json;

use super::rows::{active_generation, audit, load};
use super::{Collection, CollectionMember};
use crate::jobs::{self, JobState};
use crate::{Indexes, VectorsError};

/// The generations a member must be in: the active one and a rebuild under way.
fn live_generations(
    conn: &mut AnyConnection,
    collection: CollectionId,
) -> Result<Vec<GenerationId>, VectorsError> {
    let ids: Vec<String> = collection_generations::table
        .filter(collection_generations::collection_id.eq(collection.to_string()))
        .filter(collection_generations::state.eq_any(["active", "building"]))
        .select(collection_generations::id)
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| parse_stored_id(id))
        .collect::<Result<_, _>>()?)
}

/// The document `id` if the viewer may read it: (ownership, state, title).
fn readable_document(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: DocumentId,
) -> Result<(String, String), VectorsError> {
    let row: Option<(String, String, String, Option<String>, String, String)> = documents::table
        .find(id.to_string())
        .select((
            documents::organization_id,
            documents::owner_id,
            documents::visibility,
            documents::project_id,
            documents::state,
            documents::title,
        ))
        .first(conn)
        .optional()?;
    let Some((organization, owner, visibility, project, state, title)) = row else {
        return Err(VectorsError::NotFound);
    };
    let ownership = Ownership {
        organization_id: parse_stored_id(&organization)?,
        owner_id: parse_stored_id(&owner)?,
        visibility: Visibility::from_stored(&visibility)?,
        project_id: project.as_deref().map(parse_stored_id).transpose()?,
    };
    viewer.require_read(&ownership)?;
    Ok((state, title))
}

/// Adds a document the caller sees to a collection they may write and queues its indexing
/// (one job per live generation). A failed document is refused (422: nothing to index);
/// adding a member again changes nothing. The job ids come back, first the active
/// generation's.
pub fn add_document(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    collection: CollectionId,
    document: DocumentId,
    at: NaiveDateTime,
) -> Result<(Collection, Vec<JobId>), VectorsError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, collection)?;
        viewer.require_write(&current.ownership())?;
        let (state, title) =
            readable_document(conn, &viewer, document).map_err(|err| match err {
                VectorsError::NotFound => VectorsError::invalid("document_id", "no such document"),
                other => other,
            })?;
        if state != "ready" {
            return Err(VectorsError::invalid(
                "document_id",
                "the document failed text extraction; there is nothing to index",
            ));
        }
        let known: i64 = collection_documents::table
            .filter(collection_documents::collection_id.eq(collection.to_string()))
            .filter(collection_documents::document_id.eq(document.to_string()))
            .count()
            .get_result(conn)?;
        let active = active_generation(conn, collection)?;
        if known > 0 {
            let existing: Vec<String> = job_rows::table
                .filter(job_rows::collection_id.eq(collection.to_string()))
                .filter(job_rows::document_id.eq(document.to_string()))
                .order(job_rows::created_at.asc())
                .select(job_rows::id)
                .load(conn)?;
            let ids = existing
                .iter()
                .map(|id| parse_stored_id(id))
                .collect::<Result<_, _>>()?;
            return Ok((current, ids));
        }
        diesel::insert_into(collection_documents::table)
            .values((
                collection_documents::collection_id.eq(collection.to_string()),
                collection_documents::document_id.eq(document.to_string()),
                collection_documents::added_by.eq(viewer.user_id.to_string()),
                collection_documents::added_at.eq(at),
            ))
            .execute(conn)?;
        let mut generations = live_generations(conn, collection)?;
        generations.sort_by_key(|g| *g != active);
        let mut ids = Vec::new();
        for generation in generations {
            ids.push(jobs::queue(
                conn,
                current.organization_id,
                viewer.user_id,
                collection,
                generation,
                document,
                at,
            )?);
        }
        let updated = load(conn, collection)?;
        audit(
            conn,
            ctx,
            EventType::CollectionDocumentAdded,
            &updated,
            json!({"document_id": document, "title": title}),
            at,
        )?;
        Ok((updated, ids))
    })
}

/// Removes a document from a collection the caller may write: its vectors leave every
/// generation through the collection's index (which moves each generation's revision, so every
/// replica's copy reloads) and its jobs go. The document itself stays. Not a member → `NotFound`.
pub fn remove_document(
    conn: &mut AnyConnection,
    indexes: &Indexes,
    principal: &Principal,
    ctx: &AuditContext,
    collection: CollectionId,
    document: DocumentId,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, collection)?;
        viewer.require_write(&current.ownership())?;
        let removed = diesel::delete(
            collection_documents::table
                .filter(collection_documents::collection_id.eq(collection.to_string()))
                .filter(collection_documents::document_id.eq(document.to_string())),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(VectorsError::NotFound);
        }
        let index = indexes.get(current.backend)?;
        let generations: Vec<String> = collection_generations::table
            .filter(collection_generations::collection_id.eq(collection.to_string()))
            .select(collection_generations::id)
            .load(conn)?;
        for generation in &generations {
            let generation: GenerationId = parse_stored_id(generation)?;
            index.remove_document(conn, generation, document)?;
        }
        diesel::delete(
            job_rows::table
                .filter(job_rows::collection_id.eq(collection.to_string()))
                .filter(job_rows::document_id.eq(document.to_string())),
        )
        .execute(conn)?;
        for generation in &generations {
            jobs::activate_if_complete(conn, parse_stored_id(generation)?, at)?;
        }
        let updated = load(conn, collection)?;
        audit(
            conn,
            ctx,
            EventType::CollectionDocumentRemoved,
            &updated,
            json!({"document_id": document}),
            at,
        )?;
        Ok(())
    })
}

/// A page of a readable collection's documents with their indexing in the active
/// generation, in the order they were added.
pub fn list_members(
    conn: &mut AnyConnection,
    principal: &Principal,
    collection: CollectionId,
    page: Page,
) -> Result<Paged<CollectionMember>, VectorsError> {
    super::require_readable(conn, principal, collection)?;
    let active = active_generation(conn, collection)?;
    let of_collection = || {
        collection_documents::table
            .filter(collection_documents::collection_id.eq(collection.to_string()))
    };
    let total = of_collection().count().get_result(conn)?;
    type Row = (
        String,
        NaiveDateTime,
        String,
        String,
        String,
        i64,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = of_collection()
        .inner_join(documents::table)
        .inner_join(
            job_rows::table.on(job_rows::document_id
                .eq(collection_documents::document_id)
                .and(job_rows::generation_id.eq(active.to_string()))),
        )
        .order((
            collection_documents::added_at.asc(),
            collection_documents::document_id.asc(),
        ))
        .limit(page.limit())
        .offset(page.offset())
        .select((
            collection_documents::document_id,
            collection_documents::added_at,
            documents::title,
            job_rows::id,
            job_rows::state,
            job_rows::done,
            job_rows::total,
            job_rows::error,
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(
            |(document, added_at, title, job, state, done, total, error)| {
                Ok(CollectionMember {
                    document_id: parse_stored_id(&document)?,
                    title,
                    job_id: parse_stored_id(&job)?,
                    state: JobState::from_stored(&state)?,
                    done,
                    total,
                    error,
                    added_at,
                })
            },
        )
        .collect::<Result<_, VectorsError>>()?;
    Ok(Paged { items, total })
}
