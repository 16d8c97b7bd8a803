//! RAG system operations: create, list, read, change, delete — each under the visibility
//! rule, in one transaction with its audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::RagSystemId;
use owp_db::schema::rag_systems;
use owp_db::text_search::{contains_pattern, lower};
use owp_db::{AnyBackend, AnyConnection, Page, Paged};
use owp_rbac::Principal;
use owp_rbac::visibility::Viewer;
use owp_rbac::visible_filter;
use serde_json::json;

use super::rows::{
    RagRow, audit, checked_collections, checked_description, checked_min_score, checked_model,
    checked_name, checked_template, checked_top_k, load, name_taken,
};
use super::{
    DEFAULT_TEMPLATE, MAX_SEARCH_CHARS, NewRagSystem, RagSystem, RagSystemChange, RagSystemFilter,
};
use crate::RagError;

/// Creates a RAG system owned by the caller over collections they see; publishing beyond
/// `private` needs `content:publish`.
pub fn create_rag_system(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewRagSystem,
    at: NaiveDateTime,
) -> Result<RagSystem, RagError> {
    let name = checked_name(&input.name)?;
    let description = checked_description(&input.description)?;
    let model = checked_model(&input.chat_model)?;
    let template = checked_template(input.prompt_template.as_deref().unwrap_or(DEFAULT_TEMPLATE))?;
    let top_k = checked_top_k(input.top_k)?;
    let min_score = checked_min_score(input.min_score)?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, input.visibility, input.project_id)?;
        let collections = checked_collections(conn, principal, &input.collection_ids)?;
        let id = RagSystemId::new();
        diesel::insert_into(rag_systems::table)
            .values((
                rag_systems::id.eq(id.to_string()),
                rag_systems::organization_id.eq(viewer.organization_id.to_string()),
                rag_systems::owner_id.eq(viewer.user_id.to_string()),
                rag_systems::project_id.eq(input.project_id.map(|p| p.to_string())),
                rag_systems::visibility.eq(input.visibility.as_str()),
                rag_systems::name.eq(&name),
                rag_systems::description.eq(&description),
                rag_systems::collection_ids.eq(json!(collections).to_string()),
                rag_systems::chat_model.eq(&model),
                rag_systems::prompt_template.eq(&template),
                rag_systems::top_k.eq(top_k),
                rag_systems::min_score.eq(min_score),
                rag_systems::mode.eq(input.mode.as_str()),
                rag_systems::created_at.eq(at),
                rag_systems::updated_at.eq(at),
            ))
            .execute(conn)?;
        let system = load(conn, id)?;
        audit(conn, ctx, EventType::RagSystemCreated, &system, at)?;
        Ok(system)
    })
    .map_err(name_taken)
}

/// The RAG systems the caller sees, by name; `q` searches the name.
pub fn list_rag_systems(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &RagSystemFilter,
    page: Page,
) -> Result<Paged<RagSystem>, RagError> {
    let pattern = match filter.q.as_deref().map(str::trim) {
        Some(q) if q.contains('\0') || q.chars().count() > MAX_SEARCH_CHARS => {
            return Err(RagError::invalid(
                "q",
                format!("must be at most {MAX_SEARCH_CHARS} characters, without NUL"),
            ));
        }
        Some(q) if !q.is_empty() => Some(contains_pattern(q)),
        _ => None,
    };
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            rag_systems::table.into_boxed::<AnyBackend>(),
            rag_systems,
            &viewer
        );
        if let Some(pattern) = &pattern {
            query = query.filter(lower(rag_systems::name).like(pattern.clone()).escape('\\'));
        }
        if let Some(project) = filter.project_id {
            query = query.filter(rag_systems::project_id.eq(project.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<RagRow> = filtered()
        .order((rag_systems::name.asc(), rag_systems::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(RagRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(RagSystem::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One RAG system the caller sees; anything else is `NotFound`.
pub fn get_rag_system(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: RagSystemId,
) -> Result<RagSystem, RagError> {
    let viewer = Viewer::load(conn, principal)?;
    let system = load(conn, id)?;
    viewer.require_read(&system.ownership())?;
    Ok(system)
}

/// Changes a RAG system the caller may write; new collections must be ones they see.
pub fn update_rag_system(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: RagSystemId,
    change: RagSystemChange,
    at: NaiveDateTime,
) -> Result<RagSystem, RagError> {
    let name = change.name.as_deref().map(checked_name).transpose()?;
    let description = change
        .description
        .as_deref()
        .map(checked_description)
        .transpose()?;
    let model = change
        .chat_model
        .as_deref()
        .map(checked_model)
        .transpose()?;
    let template = change
        .prompt_template
        .as_deref()
        .map(checked_template)
        .transpose()?;
    let top_k = change.top_k.map(checked_top_k).transpose()?;
    let min_score = change.min_score.map(checked_min_score).transpose()?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, id)?;
        viewer.require_write(&current.ownership())?;
        let visibility = change.visibility.unwrap_or(current.visibility);
        let project = change.project_id.unwrap_or(current.project_id);
        if visibility != current.visibility || project != current.project_id {
            viewer.check_placement(conn, visibility, project)?;
        }
        let collections = match &change.collection_ids {
            Some(ids) => checked_collections(conn, principal, ids)?,
            None => current.collection_ids.clone(),
        };
        diesel::update(rag_systems::table.find(id.to_string()))
            .set((
                rag_systems::name.eq(name.as_deref().unwrap_or(&current.name)),
                rag_systems::description.eq(description.as_deref().unwrap_or(&current.description)),
                rag_systems::collection_ids.eq(json!(collections).to_string()),
                rag_systems::chat_model.eq(model.as_deref().unwrap_or(&current.chat_model)),
                rag_systems::prompt_template
                    .eq(template.as_deref().unwrap_or(&current.prompt_template)),
                rag_systems::top_k.eq(top_k.unwrap_or(current.top_k)),
                rag_systems::min_score.eq(min_score.unwrap_or(current.min_score)),
                rag_systems::mode.eq(change.mode.unwrap_or(current.mode).as_str()),
                rag_systems::visibility.eq(visibility.as_str()),
                rag_systems::project_id.eq(project.map(|p| p.to_string())),
                rag_systems::updated_at.eq(at),
            ))
            .execute(conn)?;
        let system = load(conn, id)?;
        audit(conn, ctx, EventType::RagSystemUpdated, &system, at)?;
        Ok(system)
    })
    .map_err(name_taken)
}

/// Deletes a RAG system the caller may write (its collections and conversations stay).
pub fn delete_rag_system(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: RagSystemId,
    at: NaiveDateTime,
) -> Result<(), RagError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let system = load(conn, id)?;
        viewer.require_write(&system.ownership())?;
        diesel::delete(rag_systems::table.find(id.to_string())).execute(conn)?;
        audit(conn, ctx, EventType::RagSystemDeleted, &system, at)?;
        Ok(())
    })
}
