//! What an agent points at: its prompt (readable by the author, its stored values rendering),
//! its tools (visible to the author) and its knowledge (none until RAG systems exist) — checked
//! on save — and the tool ids removed when a tool is deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{OrganizationId, ProjectId, PromptId, ToolId, parse_stored_id};
use owp_db::schema::{agents, collections, rag_systems};
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;
use serde_json::{Value, json};

use super::MAX_TOOLS;
use crate::WorkshopError;
use crate::prompts::{self, Values};
use crate::tools;
use crate::visibility::{Access, Ownership, Viewer, Visibility};

/// `Ok` when `values` suit the prompt: with a prompt, it must be one `viewer` reads and render
/// with `values` for `principal` at `at` (an unknown name, a value of the wrong type or a
/// missing required one is 422 naming `prompt_variables.<name>`); without one there may be no
/// values.
pub(super) fn check_prompt(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    principal: &Principal,
    prompt: Option<PromptId>,
    values: &Values,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let Some(id) = prompt else {
        if values.is_empty() {
            return Ok(());
        }
        return Err(WorkshopError::invalid(
            "prompt_variables",
            "are only for an agent with a prompt_id",
        ));
    };
    let unknown = || WorkshopError::invalid("prompt_id", format!("no such prompt {id}"));
    let prompt = match prompts::load(conn, id) {
        Err(WorkshopError::NotFound) => return Err(unknown()),
        other => other?,
    };
    if viewer.access(&prompt.ownership()) == Access::Hidden {
        return Err(unknown());
    }
    match prompts::render_as(conn, principal, &prompt, values, at) {
        Err(WorkshopError::Invalid(field, message)) => {
            Err(WorkshopError::Invalid(format!("prompt_{field}"), message))
        }
        other => other.map(|_| ()),
    }
}

/// `Ok` when everyone who sees an agent placed at `visibility` / `project` may read its prompt
/// `id` too — else the agent would answer 409 to all but its author (422 naming `prompt_id`).
pub(super) fn check_prompt_reach(
    conn: &mut AnyConnection,
    id: Option<PromptId>,
    visibility: Visibility,
    project: Option<ProjectId>,
) -> Result<(), WorkshopError> {
    let Some(id) = id else {
        return Ok(());
    };
    let prompt = prompts::load(conn, id)?.ownership();
    let reaches = match visibility {
        Visibility::Private => true,
        Visibility::Project => {
            prompt.visibility == Visibility::Org
                || (prompt.visibility == Visibility::Project && prompt.project_id == project)
        }
        Visibility::Org => prompt.visibility == Visibility::Org,
    };
    if reaches {
        return Ok(());
    }
    Err(WorkshopError::invalid(
        "prompt_id",
        format!(
            "the prompt is shared with fewer people ({}) than the agent ({}); publish the prompt first",
            prompt.visibility.as_str(),
            visibility.as_str()
        ),
    ))
}

/// The tools `ids` without repeats, each one `viewer` sees (else 422 naming `tool_ids`).
/// Grants are checked when the agent is used, by whoever uses it.
pub(super) fn check_tools(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    ids: &[ToolId],
) -> Result<Vec<ToolId>, WorkshopError> {
    let mut out: Vec<ToolId> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > MAX_TOOLS {
        return Err(WorkshopError::invalid(
            "tool_ids",
            format!("at most {MAX_TOOLS} tools"),
        ));
    }
    for id in &out {
        let unknown = || WorkshopError::invalid("tool_ids", format!("no such tool {id}"));
        let tool = match tools::load(conn, &id.to_string()) {
            Err(WorkshopError::NotFound) => return Err(unknown()),
            other => other?,
        };
        if viewer.access(&tool.ownership()) == Access::Hidden {
            return Err(unknown());
        }
    }
    Ok(out)
}

/// Most knowledge sources one agent names.
const MAX_KNOWLEDGE: usize = 10;

/// Knowledge names RAG systems or collections the viewer sees (ids as strings, duplicates
/// dropped, at most [`MAX_KNOWLEDGE`]); anything else is 422 naming `knowledge[i]`. Read from
/// their tables here (workshop does not depend on the knowledge crates, which build on it);
/// what a source holds is the RAG crate's business when the agent is used.
pub(super) fn check_knowledge(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    knowledge: &[Value],
) -> Result<Vec<String>, WorkshopError> {
    if knowledge.len() > MAX_KNOWLEDGE {
        return Err(WorkshopError::invalid(
            "knowledge",
            format!("name at most {MAX_KNOWLEDGE} RAG systems or collections"),
        ));
    }
    let mut ids: Vec<String> = Vec::new();
    for (i, value) in knowledge.iter().enumerate() {
        let unknown = || {
            WorkshopError::invalid(
                format!("knowledge[{i}]"),
                "no such RAG system or collection",
            )
        };
        let id = value
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s.trim()).ok())
            .ok_or_else(unknown)?
            .to_string();
        if ids.contains(&id) {
            continue;
        }
        let found = knowledge_owner(conn, &id)?;
        match found {
            Some(item) if viewer.access(&item) != Access::Hidden => ids.push(id),
            _ => return Err(unknown()),
        }
    }
    Ok(ids)
}

/// The visibility columns of the RAG system or collection `id`, if one exists.
fn knowledge_owner(conn: &mut AnyConnection, id: &str) -> Result<Option<Ownership>, WorkshopError> {
    type Columns = (String, String, String, Option<String>);
    let system: Option<Columns> = rag_systems::table
        .find(id)
        .select((
            rag_systems::organization_id,
            rag_systems::owner_id,
            rag_systems::visibility,
            rag_systems::project_id,
        ))
        .first(conn)
        .optional()?;
    let found = match system {
        Some(columns) => Some(columns),
        None => collections::table
            .find(id)
            .select((
                collections::organization_id,
                collections::owner_id,
                collections::visibility,
                collections::project_id,
            ))
            .first(conn)
            .optional()?,
    };
    found
        .map(|(organization, owner, visibility, project)| {
            Ok(Ownership {
                organization_id: parse_stored_id(&organization)?,
                owner_id: parse_stored_id(&owner)?,
                visibility: Visibility::from_stored(&visibility)?,
                project_id: project.as_deref().map(parse_stored_id).transpose()?,
            })
        })
        .transpose()
        .map_err(|e: owp_db::StoreError| e.into())
}

/// Removes the deleted tool `id` from the agents of `organization` (the caller holds the
/// transaction), as grants forget it.
pub(crate) fn forget_tool(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let naming: Vec<(String, String)> = agents::table
        .filter(agents::organization_id.eq(organization.to_string()))
        .filter(agents::tool_ids.like(format!("%{id}%")))
        .select((agents::id, agents::tool_ids))
        .load(conn)?;
    for (agent, listed) in naming {
        let mut ids: Vec<String> = serde_json::from_str(&listed)
            .map_err(|_| StoreError::Internal("malformed agent tool_ids".into()))?;
        ids.retain(|t| t != id);
        diesel::update(agents::table.find(agent))
            .set((
                agents::tool_ids.eq(json!(ids).to_string()),
                agents::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
