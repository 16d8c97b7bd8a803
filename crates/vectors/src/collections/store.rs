//! Collection operations: create, list, read, change (a new model or chunking starts a new
//! generation), delete — each under the visibility rule, in one transaction with its audit
//! event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::{CollectionId, GenerationId, UserId};
use owp_db::schema::{collection_documents, collection_generations, collections};
use owp_db::{AnyBackend, AnyConnection, Page, Paged};
use owp_rbac::Principal;
use owp_rbac::visibility::Viewer;
use owp_rbac::visible_filter;
use serde_json::json;

use super::intake::documents_error;
use super::rows::{
    CollectionRow, GenerationRow, audit, checked_description, checked_model, checked_name,
    chunking_of, load, name_taken, with_progress,
};
use super::{ChunkSpec, Collection, CollectionChange, CollectionFilter, NewCollection};
use crate::jobs;
use crate::{IndexBackend, VectorsError};

/// Whether `backend` can serve on this database: `pgvector` needs PostgreSQL with the `vector`
/// extension available (422 otherwise, saying so).
fn check_backend(conn: &mut AnyConnection, backend: IndexBackend) -> Result<(), VectorsError> {
    if backend == IndexBackend::Builtin {
        return Ok(());
    }
    let available = match conn {
        AnyConnection::Pg(pg) => {
            #[derive(QueryableByName)]
            struct Found {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            diesel::sql_query(
                "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'vector'",
            )
            .get_result::<Found>(pg)?
            .n > 0
        }
        AnyConnection::Sqlite(_) => false,
    };
    if available {
        Ok(())
    } else {
        Err(VectorsError::invalid(
            "backend",
            "pgvector needs PostgreSQL with the vector extension; use builtin on this server",
        ))
    }
}

/// Inserts generation `number` of `collection` in `state` and returns its id.
pub(crate) fn insert_generation(
    conn: &mut AnyConnection,
    collection: CollectionId,
    number: i64,
    model: &str,
    chunking: ChunkSpec,
    state: &str,
    at: NaiveDateTime,
) -> Result<GenerationId, VectorsError> {
    let id = GenerationId::new();
    diesel::insert_into(collection_generations::table)
        .values((
            collection_generations::id.eq(id.to_string()),
            collection_generations::collection_id.eq(collection.to_string()),
            collection_generations::number.eq(number),
            collection_generations::embedding_model.eq(model),
            collection_generations::chunking.eq(json!(chunking).to_string()),
            collection_generations::state.eq(state),
            collection_generations::revision.eq(0_i64),
            collection_generations::created_at.eq(at),
            collection_generations::activated_at.eq((state == "active").then_some(at)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Creates a collection owned by the caller with an empty active generation. The caller must
/// be granted the embedding model; publishing beyond `private` needs `content:publish`.
pub fn create_collection(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewCollection,
    at: NaiveDateTime,
) -> Result<Collection, VectorsError> {
    let name = checked_name(&input.name)?;
    let description = checked_description(&input.description)?;
    input.chunking.check().map_err(documents_error)?;
    let chunking = input.chunking;
    let model = checked_model(principal, &input.embedding_model)?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, input.visibility, input.project_id)?;
        check_backend(conn, input.backend)?;
        let id = CollectionId::new();
        diesel::insert_into(collections::table)
            .values((
                collections::id.eq(id.to_string()),
                collections::organization_id.eq(viewer.organization_id.to_string()),
                collections::owner_id.eq(viewer.user_id.to_string()),
                collections::project_id.eq(input.project_id.map(|p| p.to_string())),
                collections::visibility.eq(input.visibility.as_str()),
                collections::name.eq(&name),
                collections::description.eq(&description),
                collections::embedding_model.eq(&model),
                collections::distance.eq(input.distance.as_str()),
                collections::backend.eq(input.backend.as_str()),
                collections::chunking.eq(json!(chunking).to_string()),
                collections::created_at.eq(at),
                collections::updated_at.eq(at),
            ))
            .execute(conn)?;
        let generation = insert_generation(conn, id, 1, &model, chunking, "active", at)?;
        diesel::update(collections::table.find(id.to_string()))
            .set(collections::active_generation_id.eq(generation.to_string()))
            .execute(conn)?;
        let collection = load(conn, id)?;
        audit(
            conn,
            ctx,
            EventType::CollectionCreated,
            &collection,
            json!({}),
            at,
        )?;
        Ok(collection)
    })
    .map_err(name_taken)
}

/// The collections the caller sees, by name.
pub fn list_collections(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &CollectionFilter,
    page: Page,
) -> Result<Paged<Collection>, VectorsError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            collections::table.into_boxed::<AnyBackend>(),
            collections,
            &viewer
        );
        if let Some(project) = filter.project_id {
            query = query.filter(collections::project_id.eq(project.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<CollectionRow> = filtered()
        .order((collections::name.asc(), collections::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(CollectionRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| with_progress(conn, row))
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One collection the caller sees; anything else is `NotFound`.
pub fn get_collection(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: CollectionId,
) -> Result<Collection, VectorsError> {
    Ok(super::require_readable(conn, principal, id)?.1)
}

/// Changes a collection the caller may write. A new embedding model (which the caller must be
/// granted) or chunking starts a new generation: every member is queued for it, queries keep
/// the active one until it is complete; a rebuild already under way is replaced.
pub fn update_collection(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: CollectionId,
    change: CollectionChange,
    at: NaiveDateTime,
) -> Result<Collection, VectorsError> {
    let name = change.name.as_deref().map(checked_name).transpose()?;
    let description = change
        .description
        .as_deref()
        .map(checked_description)
        .transpose()?;
    if let Some(spec) = &change.chunking {
        spec.check().map_err(documents_error)?;
    }
    let chunking = change.chunking;
    let model = change
        .embedding_model
        .as_deref()
        .map(|m| checked_model(principal, m))
        .transpose()?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, id)?;
        viewer.require_write(&current.ownership())?;
        let visibility = change.visibility.unwrap_or(current.visibility);
        let project = change.project_id.unwrap_or(current.project_id);
        if visibility != current.visibility || project != current.project_id {
            viewer.check_placement(conn, visibility, project)?;
        }
        diesel::update(collections::table.find(id.to_string()))
            .set((
                collections::name.eq(name.as_deref().unwrap_or(&current.name)),
                collections::description.eq(description.as_deref().unwrap_or(&current.description)),
                collections::visibility.eq(visibility.as_str()),
                collections::project_id.eq(project.map(|p| p.to_string())),
                collections::updated_at.eq(at),
            ))
            .execute(conn)?;
        let target = latest_target(conn, id)?;
        let wanted = (
            model.clone().unwrap_or_else(|| target.0.clone()),
            chunking.unwrap_or(target.1),
        );
        let rebuild = wanted != target;
        if rebuild {
            start_rebuild(conn, &current, &wanted.0, wanted.1, viewer.user_id, at)?;
            diesel::update(collections::table.find(id.to_string()))
                .set((
                    collections::embedding_model.eq(&wanted.0),
                    collections::chunking.eq(json!(wanted.1).to_string()),
                ))
                .execute(conn)?;
        }
        let collection = load(conn, id)?;
        audit(
            conn,
            ctx,
            EventType::CollectionUpdated,
            &collection,
            json!({"rebuild": rebuild}),
            at,
        )?;
        Ok(collection)
    })
    .map_err(name_taken)
}

/// The model and chunking the collection is heading for: the rebuild's if one is under way,
/// else the active generation's.
fn latest_target(
    conn: &mut AnyConnection,
    id: CollectionId,
) -> Result<(String, ChunkSpec), VectorsError> {
    let latest: GenerationRow = collection_generations::table
        .filter(collection_generations::collection_id.eq(id.to_string()))
        .filter(collection_generations::state.eq_any(["active", "building"]))
        .order(collection_generations::number.desc())
        .select(GenerationRow::as_select())
        .first(conn)?;
    Ok((latest.embedding_model, chunking_of(&latest.chunking)?))
}

/// Starts generation max+1 for `model` and `chunking`: drops a rebuild under way, queues every
/// member, and activates it at once when there is nothing to index.
fn start_rebuild(
    conn: &mut AnyConnection,
    collection: &Collection,
    model: &str,
    chunking: ChunkSpec,
    user: UserId,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    let id = collection.id;
    diesel::delete(
        collection_generations::table
            .filter(collection_generations::collection_id.eq(id.to_string()))
            .filter(collection_generations::state.eq("building")),
    )
    .execute(conn)?;
    let number: Option<i64> = collection_generations::table
        .filter(collection_generations::collection_id.eq(id.to_string()))
        .select(diesel::dsl::max(collection_generations::number))
        .first(conn)?;
    let generation = insert_generation(
        conn,
        id,
        number.unwrap_or(0) + 1,
        model,
        chunking,
        "building",
        at,
    )?;
    let members: Vec<String> = collection_documents::table
        .filter(collection_documents::collection_id.eq(id.to_string()))
        .select(collection_documents::document_id)
        .load(conn)?;
    for document in &members {
        jobs::queue(
            conn,
            collection.organization_id,
            user,
            id,
            generation,
            owp_db::ids::parse_stored_id(document)?,
            at,
        )?;
    }
    jobs::activate_if_complete(conn, generation, at)?;
    Ok(())
}

/// Deletes a collection the caller may write, with its generations, vectors, memberships and
/// jobs (foreign-key cascades); its documents stay.
pub fn delete_collection(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: CollectionId,
    at: NaiveDateTime,
) -> Result<(), VectorsError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let collection = load(conn, id)?;
        viewer.require_write(&collection.ownership())?;
        diesel::delete(collections::table.find(id.to_string())).execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::CollectionDeleted,
            &collection,
            json!({"documents": collection.documents}),
            at,
        )?;
        Ok(())
    })
}
