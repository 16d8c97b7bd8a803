//! Collection rows, what a reader sees of their generations and jobs, the field rules the
//! operations share, and the audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{CollectionId, GenerationId, parse_stored_id};
use owp_db::model_name::ModelName;
use owp_db::schema::{collection_documents, collection_generations, collections, jobs};
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;
use owp_rbac::visibility::{Viewer, Visibility};
use serde_json::{Value, json};

use super::{
    ChunkSpec, Collection, CollectionState, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, Rebuild,
};
use crate::VectorsError;

/// A collection row as read (its `embedding_model` and `chunking` are the latest asked for;
/// readers see the active generation's, and a rebuild's).
#[derive(Queryable, Selectable)]
#[diesel(table_name = collections)]
pub(crate) struct CollectionRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    name: String,
    description: String,
    distance: String,
    backend: String,
    active_generation_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A generation row as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = collection_generations)]
pub(crate) struct GenerationRow {
    pub(crate) id: String,
    pub(crate) number: i64,
    pub(crate) embedding_model: String,
    pub(crate) chunking: String,
    pub(crate) dimensions: Option<i64>,
}

pub(crate) fn chunking_of(text: &str) -> Result<ChunkSpec, StoreError> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Internal("malformed collection chunking in the store".into()))
}

/// Counts of a generation's jobs: (done, failed, all).
fn job_counts(conn: &mut AnyConnection, generation: &str) -> Result<(i64, i64, i64), VectorsError> {
    let states: Vec<(String, i64)> = jobs::table
        .filter(jobs::generation_id.eq(generation))
        .group_by(jobs::state)
        .select((jobs::state, diesel::dsl::count_star()))
        .load(conn)?;
    let of = |s: &str| {
        states
            .iter()
            .find(|(state, _)| state == s)
            .map_or(0, |(_, n)| *n)
    };
    let all = states.iter().map(|(_, n)| n).sum();
    Ok((of("done"), of("failed"), all))
}

/// The collection `id` with its generations' progress, whoever may see it (callers check
/// visibility).
pub(crate) fn load(conn: &mut AnyConnection, id: CollectionId) -> Result<Collection, VectorsError> {
    let row: CollectionRow = collections::table
        .find(id.to_string())
        .select(CollectionRow::as_select())
        .first(conn)?;
    with_progress(conn, row)
}

/// A row made a reader's view: the active generation's dimension, number and progress, the
/// rebuild in progress.
pub(crate) fn with_progress(
    conn: &mut AnyConnection,
    row: CollectionRow,
) -> Result<Collection, VectorsError> {
    let active_id = row
        .active_generation_id
        .clone()
        .ok_or_else(|| StoreError::Internal("a collection without a generation".into()))?;
    let active: GenerationRow = collection_generations::table
        .find(&active_id)
        .select(GenerationRow::as_select())
        .first(conn)?;
    let documents: i64 = collection_documents::table
        .filter(collection_documents::collection_id.eq(&row.id))
        .count()
        .get_result(conn)?;
    let (indexed, failed, all) = job_counts(conn, &active.id)?;
    let building: Option<GenerationRow> = collection_generations::table
        .filter(collection_generations::collection_id.eq(&row.id))
        .filter(collection_generations::state.eq("building"))
        .order(collection_generations::number.desc())
        .select(GenerationRow::as_select())
        .first(conn)
        .optional()?;
    let rebuild = match building {
        Some(generation) => {
            let (done, _, all) = job_counts(conn, &generation.id)?;
            Some(Rebuild {
                generation: generation.number,
                embedding_model: generation.embedding_model,
                chunking: chunking_of(&generation.chunking)?,
                indexed: done,
                documents: all,
            })
        }
        None => None,
    };
    Ok(Collection {
        id: parse_stored_id(&row.id)?,
        organization_id: parse_stored_id(&row.organization_id)?,
        owner_id: parse_stored_id(&row.owner_id)?,
        project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
        visibility: Visibility::from_stored(&row.visibility)?,
        name: row.name,
        description: row.description,
        embedding_model: active.embedding_model,
        distance: row.distance.parse()?,
        backend: row.backend.parse()?,
        chunking: chunking_of(&active.chunking)?,
        dimensions: active.dimensions,
        generation: active.number,
        state: if indexed + failed < all {
            CollectionState::Indexing
        } else {
            CollectionState::Ready
        },
        documents,
        indexed,
        failed,
        rebuild,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The collection `id` if `principal` may read it (else `NotFound`), with the viewer.
pub(crate) fn require_readable(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: CollectionId,
) -> Result<(Viewer, Collection), VectorsError> {
    let viewer = Viewer::load(conn, principal)?;
    let collection = load(conn, id)?;
    viewer.require_read(&collection.ownership())?;
    Ok((viewer, collection))
}

/// The active generation's id of `collection`.
pub(crate) fn active_generation(
    conn: &mut AnyConnection,
    collection: CollectionId,
) -> Result<GenerationId, VectorsError> {
    let id: Option<String> = collections::table
        .find(collection.to_string())
        .select(collections::active_generation_id)
        .first(conn)?;
    let id = id.ok_or_else(|| StoreError::Internal("a collection without a generation".into()))?;
    Ok(parse_stored_id(&id)?)
}

/// Records `event` for `collection` with `extra` detail fields.
pub(crate) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    collection: &Collection,
    extra: Value,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    let mut detail = json!({
        "collection_id": collection.id,
        "name": collection.name,
        "embedding_model": collection.embedding_model,
        "backend": collection.backend,
        "visibility": collection.visibility,
    });
    if let (Some(detail), Value::Object(extra)) = (detail.as_object_mut(), extra) {
        detail.extend(extra);
    }
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

/// `text` trimmed, 1..=`max` characters (or 0.. when `may_be_empty`), without NUL.
pub(crate) fn checked_text(
    field: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<String, VectorsError> {
    let text = text.trim();
    let count = text.chars().count();
    if text.contains('\0') || count > max || (count == 0 && !may_be_empty) {
        let least = usize::from(!may_be_empty);
        return Err(VectorsError::invalid(
            field,
            format!("must be {least} to {max} characters, without NUL"),
        ));
    }
    Ok(text.to_owned())
}

/// The name rule.
pub(crate) fn checked_name(name: &str) -> Result<String, VectorsError> {
    checked_text("name", name, MAX_NAME_CHARS, false)
}

/// The description rule.
pub(crate) fn checked_description(text: &str) -> Result<String, VectorsError> {
    checked_text("description", text, MAX_DESCRIPTION_CHARS, true)
}

/// The embedding model's canonical name, if `principal` is granted it (403 otherwise).
pub(crate) fn checked_model(principal: &Principal, model: &str) -> Result<String, VectorsError> {
    let own_host = [model.split('/').next().unwrap_or_default().to_owned()];
    let canonical = ModelName::parse(model, &own_host)
        .map(|name| name.canonical())
        .map_err(|e| VectorsError::invalid("embedding_model", e.to_string()))?;
    if !principal.can_use_model(&canonical) {
        return Err(VectorsError::NotGranted(format!(
            "you may not use model {model:?}"
        )));
    }
    Ok(canonical)
}

/// A unique clash on create or rename is the name's (the only unique key a caller sets).
pub(crate) fn name_taken(err: VectorsError) -> VectorsError {
    match err {
        VectorsError::Store(StoreError::Conflict { .. }) => {
            VectorsError::Store(StoreError::Conflict {
                field: "name".into(),
            })
        }
        other => other,
    }
}
