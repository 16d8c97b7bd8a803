//! Using an agent from a model call: [`prepare_use`] resolves one for the caller (visible,
//! active, its system prompt rendered for them at that time) and [`list_usable`] lists what a
//! model list may offer. Neither checks model or tool grants: the chat pipeline does, for the
//! agent's model and tools as for any other call.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{PromptId, parse_stored_id};
use owp_db::schema::agents;
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;

use super::rows::{load, load_by_slug};
use super::{Agent, AgentRef, AgentSummary, AgentUse};
use crate::prompts;
use crate::visibility::{Access, Viewer};
use crate::{WorkshopError, visible_filter};

/// The agent `agent` ready for a call by `principal` at `at`: `NotFound` when they may not
/// see it, `Conflict` (409) when it is switched off or its prompt is gone, no longer visible
/// to them or no longer renders with the stored values.
pub fn prepare_use(
    conn: &mut AnyConnection,
    principal: &Principal,
    agent: AgentRef<'_>,
    at: NaiveDateTime,
) -> Result<AgentUse, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let agent = match agent {
        AgentRef::Id(id) => load(conn, id)?,
        AgentRef::Slug(slug) => load_by_slug(conn, viewer.organization_id, slug)?,
    };
    viewer.require_read(&agent.ownership())?;
    if !agent.active {
        return Err(WorkshopError::Conflict(format!(
            "agent {} is not active",
            agent.slug
        )));
    }
    let system_prompt = match agent.prompt_id {
        Some(prompt) => Some(rendered(conn, &viewer, principal, &agent, prompt, at)?),
        None => agent.system_prompt.clone(),
    };
    Ok(AgentUse {
        id: agent.id,
        slug: agent.slug,
        name: agent.name,
        model: agent.model,
        system_prompt,
        tool_ids: agent.tool_ids,
        options: agent.options,
        knowledge: agent.knowledge,
    })
}

fn rendered(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    principal: &Principal,
    agent: &Agent,
    prompt: PromptId,
    at: NaiveDateTime,
) -> Result<String, WorkshopError> {
    let unavailable = || {
        WorkshopError::Conflict(format!(
            "the prompt of agent {} is unavailable: it was deleted or you may not see it",
            agent.slug
        ))
    };
    let prompt = match prompts::load(conn, prompt) {
        Err(WorkshopError::NotFound) => return Err(unavailable()),
        other => other?,
    };
    if viewer.access(&prompt.ownership()) == Access::Hidden {
        return Err(unavailable());
    }
    prompts::render_as(conn, principal, &prompt, &agent.prompt_variables, at).map_err(|err| {
        match err {
            WorkshopError::Invalid(field, message) => WorkshopError::Conflict(format!(
                "the prompt of agent {} no longer renders with its stored values: {field}: {message}",
                agent.slug
            )),
            other => other,
        }
    })
}

/// The active agents `principal` sees, by slug: what `GET /v1/models` offers as
/// `agent:<slug>`.
pub fn list_usable(
    conn: &mut AnyConnection,
    principal: &Principal,
) -> Result<Vec<AgentSummary>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = visible_filter!(
        agents::table.into_boxed::<owp_db::AnyBackend>(),
        agents,
        &viewer
    )
    .filter(agents::active.eq(true))
    .order(agents::slug.asc())
    .select((
        agents::id,
        agents::slug,
        agents::name,
        agents::model,
        agents::created_at,
    ))
    .load(conn)?;
    rows.into_iter()
        .map(|(id, slug, name, model, created_at)| {
            Ok(AgentSummary {
                id: parse_stored_id(&id)?,
                slug,
                name,
                model,
                created_at,
            })
        })
        .collect::<Result<_, StoreError>>()
        .map_err(WorkshopError::from)
}
