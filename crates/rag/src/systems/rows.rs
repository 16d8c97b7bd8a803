//! RAG system rows, the field rules the operations share, and the audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{CollectionId, RagSystemId, parse_stored_id};
use owp_db::model_name::ModelName;
use owp_db::schema::rag_systems;
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;
use owp_rbac::visibility::Visibility;
use serde_json::json;

use super::{
    MAX_COLLECTIONS, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_TEMPLATE_CHARS, MAX_TOP_K,
    RagSystem,
};
use crate::RagError;

/// A RAG system row as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = rag_systems)]
pub(super) struct RagRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    name: String,
    description: String,
    collection_ids: String,
    chat_model: String,
    prompt_template: String,
    top_k: i64,
    min_score: Option<f64>,
    mode: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<RagRow> for RagSystem {
    type Error = StoreError;
    fn try_from(row: RagRow) -> Result<Self, StoreError> {
        let ids: Vec<String> = serde_json::from_str(&row.collection_ids)
            .map_err(|_| StoreError::Internal("malformed RAG system collection_ids".into()))?;
        Ok(Self {
            id: parse_stored_id(&row.id)?,
            organization_id: parse_stored_id(&row.organization_id)?,
            owner_id: parse_stored_id(&row.owner_id)?,
            project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
            visibility: Visibility::from_stored(&row.visibility)?,
            name: row.name,
            description: row.description,
            collection_ids: ids
                .iter()
                .map(|id| parse_stored_id(id))
                .collect::<Result<_, _>>()?,
            chat_model: row.chat_model,
            prompt_template: row.prompt_template,
            top_k: row.top_k,
            min_score: row.min_score,
            mode: row
                .mode
                .parse()
                .map_err(|_| StoreError::Internal("malformed RAG system mode".into()))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The stored RAG system `id`, whoever may see it (callers check visibility).
pub(crate) fn load(conn: &mut AnyConnection, id: RagSystemId) -> Result<RagSystem, RagError> {
    let row: RagRow = rag_systems::table
        .find(id.to_string())
        .select(RagRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// Records `event` for `system`.
pub(super) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    system: &RagSystem,
    at: NaiveDateTime,
) -> Result<(), RagError> {
    let detail = json!({
        "rag_system_id": system.id,
        "name": system.name,
        "chat_model": system.chat_model,
        "collection_ids": system.collection_ids,
        "visibility": system.visibility,
    });
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

/// `text` trimmed, 1..=`max` characters (or 0.. when `may_be_empty`), without NUL.
pub(super) fn checked_text(
    field: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<String, RagError> {
    let text = text.trim();
    let count = text.chars().count();
    if text.contains('\0') || count > max || (count == 0 && !may_be_empty) {
        let least = usize::from(!may_be_empty);
        return Err(RagError::invalid(
            field,
            format!("must be {least} to {max} characters, without NUL"),
        ));
    }
    Ok(text.to_owned())
}

/// The name rule.
pub(super) fn checked_name(name: &str) -> Result<String, RagError> {
    checked_text("name", name, MAX_NAME_CHARS, false)
}

/// The description rule.
pub(super) fn checked_description(text: &str) -> Result<String, RagError> {
    checked_text("description", text, MAX_DESCRIPTION_CHARS, true)
}

/// A template must hold both `{{context}}` and `{{question}}`, so retrieval reaches the model
/// and the model reads the question.
pub(super) fn checked_template(template: &str) -> Result<String, RagError> {
    let template = checked_text("prompt_template", template, MAX_TEMPLATE_CHARS, false)?;
    for placeholder in ["{{context}}", "{{question}}"] {
        if !template.contains(placeholder) {
            return Err(RagError::invalid(
                "prompt_template",
                format!("must contain {placeholder}"),
            ));
        }
    }
    Ok(template)
}

/// The model's canonical name (`llama3.2` → `llama3.2:latest`), as grants store it.
pub(super) fn checked_model(model: &str) -> Result<String, RagError> {
    let own_host = [model.split('/').next().unwrap_or_default().to_owned()];
    ModelName::parse(model, &own_host)
        .map(|name| name.canonical())
        .map_err(|e| RagError::invalid("chat_model", e.to_string()))
}

/// `top_k` within 1..=[`MAX_TOP_K`].
pub(super) fn checked_top_k(top_k: i64) -> Result<i64, RagError> {
    if (1..=MAX_TOP_K).contains(&top_k) {
        Ok(top_k)
    } else {
        Err(RagError::invalid(
            "top_k",
            format!("must be between 1 and {MAX_TOP_K}"),
        ))
    }
}

/// A finite score floor.
pub(super) fn checked_min_score(min_score: Option<f64>) -> Result<Option<f64>, RagError> {
    match min_score {
        Some(score) if !score.is_finite() => {
            Err(RagError::invalid("min_score", "must be a finite number"))
        }
        other => Ok(other),
    }
}

/// 1..=[`MAX_COLLECTIONS`] distinct collections, each one the caller can see (else 422 naming
/// `collection_ids`: a collection one cannot see does not exist for them).
pub(super) fn checked_collections(
    conn: &mut AnyConnection,
    principal: &Principal,
    ids: &[CollectionId],
) -> Result<Vec<CollectionId>, RagError> {
    let mut unique: Vec<CollectionId> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    if unique.is_empty() || unique.len() > MAX_COLLECTIONS {
        return Err(RagError::invalid(
            "collection_ids",
            format!("name 1 to {MAX_COLLECTIONS} collections"),
        ));
    }
    for id in &unique {
        match owp_vectors::collections::get_collection(conn, principal, *id) {
            Ok(_) => {}
            Err(owp_vectors::VectorsError::NotFound) => {
                return Err(RagError::invalid(
                    "collection_ids",
                    format!("no such collection {id}"),
                ));
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(unique)
}

/// A unique clash on create or rename is the name's.
pub(super) fn name_taken(err: RagError) -> RagError {
    match err {
        RagError::Store(StoreError::Conflict { .. }) => RagError::Store(StoreError::Conflict {
            field: "name".into(),
        }),
        other => other,
    }
}
