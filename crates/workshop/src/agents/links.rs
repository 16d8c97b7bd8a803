//! What an agent points at: its prompt (readable by the author, its stored values rendering),
//! its tools (visible to the author) and its knowledge (none until RAG systems exist) — checked
//! on save — and the tool ids removed when a tool is deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{OrganizationId, ProjectId, PromptId, ToolId};
use owp_db::schema::agents;
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;
use serde_json::{Value, json};

use super::MAX_TOOLS;
use crate::WorkshopError;
use crate::prompts::{self, Values};
use crate::tools;
use crate::visibility::{Access, Viewer, Visibility};

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

/// Knowledge names RAG systems, which do not exist yet: only an empty list is accepted.
pub(super) fn check_knowledge(knowledge: &[Value]) -> Result<(), WorkshopError> {
    if knowledge.is_empty() {
        Ok(())
    } else {
        Err(WorkshopError::invalid(
            "knowledge",
            "RAG systems are not available yet; send an empty list",
        ))
    }
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
