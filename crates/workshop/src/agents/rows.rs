//! Agent rows and the field rules the operations share: reading a row (by id or slug), the
//! audit event, slug, model and system prompt checks, and the slug clash.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{AgentId, OrganizationId, parse_stored_id};
use owp_db::model_name::ModelName;
use owp_db::schema::agents;
use owp_db::{AnyConnection, StoreError};
use serde_json::json;

use super::{Agent, MAX_SYSTEM_PROMPT_CHARS};
use crate::WorkshopError;
use crate::text::is_identifier;
use crate::visibility::Visibility;

#[derive(Queryable, Selectable)]
#[diesel(table_name = agents)]
pub(super) struct AgentRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    name: String,
    slug: String,
    description: String,
    model: String,
    system_prompt: Option<String>,
    prompt_id: Option<String>,
    prompt_variables: String,
    tool_ids: String,
    options: String,
    knowledge: String,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn json_column<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::Internal(format!("malformed agent {what}")))
}

impl TryFrom<AgentRow> for Agent {
    type Error = StoreError;
    fn try_from(row: AgentRow) -> Result<Self, StoreError> {
        let tool_ids: Vec<String> = json_column(&row.tool_ids, "tool_ids")?;
        Ok(Self {
            id: parse_stored_id(&row.id)?,
            organization_id: parse_stored_id(&row.organization_id)?,
            owner_id: parse_stored_id(&row.owner_id)?,
            project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
            visibility: Visibility::from_stored(&row.visibility)?,
            name: row.name,
            slug: row.slug,
            description: row.description,
            model: row.model,
            system_prompt: row.system_prompt,
            prompt_id: row.prompt_id.as_deref().map(parse_stored_id).transpose()?,
            prompt_variables: json_column(&row.prompt_variables, "prompt_variables")?,
            tool_ids: tool_ids
                .iter()
                .map(|t| parse_stored_id(t))
                .collect::<Result<_, _>>()?,
            options: json_column(&row.options, "options")?,
            knowledge: json_column(&row.knowledge, "knowledge")?,
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The stored agent `id`, whoever may see it (callers check visibility).
pub(super) fn load(conn: &mut AnyConnection, id: AgentId) -> Result<Agent, WorkshopError> {
    let row: AgentRow = agents::table
        .find(id.to_string())
        .select(AgentRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// The agent of `organization` with `slug`, whoever may see it.
pub(super) fn load_by_slug(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    slug: &str,
) -> Result<Agent, WorkshopError> {
    let row: AgentRow = agents::table
        .filter(agents::organization_id.eq(organization.to_string()))
        .filter(agents::slug.eq(slug))
        .select(AgentRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

pub(super) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    agent: &Agent,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let detail = json!({"agent_id": agent.id, "slug": agent.slug, "model": agent.model, "visibility": agent.visibility, "active": agent.active});
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

pub(super) fn checked_slug(slug: &str) -> Result<String, WorkshopError> {
    if is_identifier(slug, 48, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    }) {
        Ok(slug.to_owned())
    } else {
        Err(WorkshopError::invalid(
            "slug",
            "must be 1 to 48 characters of a-z, 0-9 and '-'",
        ))
    }
}

/// The canonical spelling of the model (`llama3.2` → `llama3.2:latest`), as grants store it.
pub(super) fn checked_model(model: &str) -> Result<String, WorkshopError> {
    let own_host = [model.split('/').next().unwrap_or_default().to_owned()];
    ModelName::parse(model, &own_host)
        .map(|name| name.canonical())
        .map_err(|e| WorkshopError::invalid("model", e.to_string()))
}

/// A system prompt text: at most [`MAX_SYSTEM_PROMPT_CHARS`], without NUL; blank is none.
pub(super) fn checked_system_prompt(text: Option<&str>) -> Result<Option<String>, WorkshopError> {
    let Some(text) = text else {
        return Ok(None);
    };
    if text.contains('\0') || text.chars().count() > MAX_SYSTEM_PROMPT_CHARS {
        return Err(WorkshopError::invalid(
            "system_prompt",
            format!("must be at most {MAX_SYSTEM_PROMPT_CHARS} characters, without NUL"),
        ));
    }
    Ok((!text.trim().is_empty()).then(|| text.to_owned()))
}

/// `system_prompt` and `prompt_id` are two ways to say the same thing: one at a time.
pub(super) fn exclusive(system_prompt: bool, prompt_id: bool) -> Result<(), WorkshopError> {
    if system_prompt && prompt_id {
        return Err(WorkshopError::invalid(
            "prompt_id",
            "an agent has a system_prompt or a prompt_id, not both",
        ));
    }
    Ok(())
}

/// A unique-slug clash names the field the client sent.
pub(super) fn slug_taken(err: WorkshopError) -> WorkshopError {
    match err {
        WorkshopError::Store(StoreError::Conflict { .. }) => {
            WorkshopError::Store(StoreError::Conflict {
                field: "slug".into(),
            })
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_models_and_system_prompts_follow_their_rules() {
        assert!(checked_slug("math-tutor-2").is_ok());
        assert!(checked_slug("Math").is_err());
        assert!(checked_slug("").is_err());
        assert!(checked_slug(&"a".repeat(49)).is_err());
        assert_eq!(checked_model("Llama3.2").unwrap(), "llama3.2:latest");
        assert!(checked_model(" ").is_err());
        assert_eq!(checked_system_prompt(Some("  ")).unwrap(), None);
        assert!(checked_system_prompt(Some("a\0b")).is_err());
        assert!(exclusive(true, true).is_err());
        assert!(exclusive(true, false).is_ok());
    }
}
