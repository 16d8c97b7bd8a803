//! Agent operations: create, list, read, change, delete — each under the visibility rule, in
//! one transaction with its audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::AgentId;
use owp_db::schema::agents;
use owp_db::{AnyConnection, Page, Paged};
use owp_rbac::Principal;
use serde_json::json;

use super::links::{check_knowledge, check_prompt, check_prompt_reach, check_tools};
use super::rows::{
    AgentRow, audit, checked_model, checked_slug, checked_system_prompt, exclusive, load,
    slug_taken,
};
use super::{
    Agent, AgentChange, AgentFilter, AgentOptions, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, NewAgent,
};
use crate::prompts::Values;
use crate::text::{checked, contains_pattern, lower};
use crate::visibility::Viewer;
use crate::{WorkshopError, visible_filter};

/// Creates an agent owned by the caller; publishing beyond `private` needs `content:publish`.
/// Its prompt and tools must be ones the caller sees.
pub fn create_agent(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewAgent,
    at: NaiveDateTime,
) -> Result<Agent, WorkshopError> {
    let name = checked("name", &input.name, MAX_NAME_CHARS, false)?;
    let slug = checked_slug(&input.slug)?;
    let description = checked(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    let model = checked_model(&input.model)?;
    let system_prompt = checked_system_prompt(input.system_prompt.as_deref())?;
    exclusive(system_prompt.is_some(), input.prompt_id.is_some())?;
    let options = AgentOptions::from_json(&input.options)?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, input.visibility, input.project_id)?;
        check_prompt(
            conn,
            &viewer,
            principal,
            input.prompt_id,
            &input.prompt_variables,
            at,
        )?;
        check_prompt_reach(conn, input.prompt_id, input.visibility, input.project_id)?;
        let tool_ids = check_tools(conn, &viewer, &input.tool_ids)?;
        let knowledge = check_knowledge(conn, &viewer, &input.knowledge)?;
        let id = AgentId::new();
        diesel::insert_into(agents::table)
            .values((
                agents::id.eq(id.to_string()),
                agents::organization_id.eq(viewer.organization_id.to_string()),
                agents::owner_id.eq(viewer.user_id.to_string()),
                agents::project_id.eq(input.project_id.map(|p| p.to_string())),
                agents::visibility.eq(input.visibility.as_str()),
                agents::name.eq(&name),
                agents::slug.eq(&slug),
                agents::description.eq(&description),
                agents::model.eq(&model),
                agents::system_prompt.eq(&system_prompt),
                agents::prompt_id.eq(input.prompt_id.map(|p| p.to_string())),
                agents::prompt_variables.eq(json!(input.prompt_variables).to_string()),
                agents::tool_ids.eq(json!(tool_ids).to_string()),
                agents::options.eq(json!(options).to_string()),
                agents::knowledge.eq(json!(knowledge).to_string()),
                agents::active.eq(input.active),
                agents::created_at.eq(at),
                agents::updated_at.eq(at),
            ))
            .execute(conn)?;
        let agent = load(conn, id)?;
        audit(conn, ctx, EventType::AgentCreated, &agent, at)?;
        Ok(agent)
    })
    .map_err(slug_taken)
}

/// The agents the caller sees, by name; `q` searches name, slug and description.
pub fn list_agents(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &AgentFilter,
    page: Page,
) -> Result<Paged<Agent>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            agents::table.into_boxed::<owp_db::AnyBackend>(),
            agents,
            &viewer
        );
        if let Some(q) = &filter.q {
            let pattern = contains_pattern(q);
            query = query.filter(
                lower(agents::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(agents::slug.like(pattern.clone()).escape('\\'))
                    .or(lower(agents::description).like(pattern).escape('\\')),
            );
        }
        if let Some(project) = filter.project_id {
            query = query.filter(agents::project_id.eq(project.to_string()));
        }
        if let Some(active) = filter.active {
            query = query.filter(agents::active.eq(active));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<AgentRow> = filtered()
        .order((agents::name.asc(), agents::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(AgentRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Agent::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One agent the caller sees; anything else is `NotFound`.
pub fn get_agent(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: AgentId,
) -> Result<Agent, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let agent = load(conn, id)?;
    viewer.require_read(&agent.ownership())?;
    Ok(agent)
}

/// Changes an agent the caller may write. Moving it is checked like a create; a new prompt,
/// new values or new tools are checked against what the caller sees. Setting the system
/// prompt text drops the prompt and the other way round.
pub fn update_agent(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: AgentId,
    change: AgentChange,
    at: NaiveDateTime,
) -> Result<Agent, WorkshopError> {
    let name = change
        .name
        .as_deref()
        .map(|n| checked("name", n, MAX_NAME_CHARS, false))
        .transpose()?;
    let slug = change.slug.as_deref().map(checked_slug).transpose()?;
    let description = change
        .description
        .as_deref()
        .map(|d| checked("description", d, MAX_DESCRIPTION_CHARS, true))
        .transpose()?;
    let model = change.model.as_deref().map(checked_model).transpose()?;
    let system_prompt = change
        .system_prompt
        .as_ref()
        .map(|text| checked_system_prompt(text.as_deref()))
        .transpose()?;
    exclusive(
        matches!(system_prompt, Some(Some(_))),
        matches!(change.prompt_id, Some(Some(_))),
    )?;
    let options = change
        .options
        .as_ref()
        .map(AgentOptions::from_json)
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
        let (system_prompt, prompt_id) = match (system_prompt, change.prompt_id) {
            (Some(Some(text)), _) => (Some(text), None),
            (_, Some(Some(prompt))) => (None, Some(prompt)),
            (text, prompt) => (
                text.unwrap_or_else(|| current.system_prompt.clone()),
                prompt.unwrap_or(current.prompt_id),
            ),
        };
        let prompt_changed = prompt_id != current.prompt_id;
        let values = match &change.prompt_variables {
            Some(values) => values.clone(),
            None if prompt_changed => Values::new(),
            None => current.prompt_variables.clone(),
        };
        if prompt_changed || change.prompt_variables.is_some() {
            check_prompt(conn, &viewer, principal, prompt_id, &values, at)?;
        }
        check_prompt_reach(conn, prompt_id, visibility, project)?;
        let tool_ids = match &change.tool_ids {
            Some(ids) => check_tools(conn, &viewer, ids)?,
            None => current.tool_ids.clone(),
        };
        let knowledge = match &change.knowledge {
            Some(knowledge) => check_knowledge(conn, &viewer, knowledge)?,
            None => current.knowledge.clone(),
        };
        diesel::update(agents::table.find(id.to_string()))
            .set((
                agents::name.eq(name.as_deref().unwrap_or(&current.name)),
                agents::slug.eq(slug.as_deref().unwrap_or(&current.slug)),
                agents::description.eq(description.as_deref().unwrap_or(&current.description)),
                agents::model.eq(model.as_deref().unwrap_or(&current.model)),
                agents::system_prompt.eq(&system_prompt),
                agents::prompt_id.eq(prompt_id.map(|p| p.to_string())),
                agents::prompt_variables.eq(json!(values).to_string()),
                agents::tool_ids.eq(json!(tool_ids).to_string()),
                agents::knowledge.eq(json!(knowledge).to_string()),
                agents::options.eq(json!(options.as_ref().unwrap_or(&current.options)).to_string()),
                agents::visibility.eq(visibility.as_str()),
                agents::project_id.eq(project.map(|p| p.to_string())),
                agents::active.eq(change.active.unwrap_or(current.active)),
                agents::updated_at.eq(at),
            ))
            .execute(conn)?;
        let agent = load(conn, id)?;
        audit(conn, ctx, EventType::AgentUpdated, &agent, at)?;
        Ok(agent)
    })
    .map_err(slug_taken)
}

/// Deletes an agent the caller may write.
pub fn delete_agent(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: AgentId,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let agent = load(conn, id)?;
        viewer.require_write(&agent.ownership())?;
        diesel::delete(agents::table.find(id.to_string())).execute(conn)?;
        audit(conn, ctx, EventType::AgentDeleted, &agent, at)
    })
}
