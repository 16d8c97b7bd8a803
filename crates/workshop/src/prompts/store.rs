//! Prompt operations: create, list, read, change, delete — each under the visibility rule, in
//! one transaction with its audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::PromptId;
use owp_db::schema::{prompt_tags, prompts};
use owp_db::{AnyConnection, Page, Paged};
use owp_rbac::Principal;
use serde_json::json;

use super::rows::{
    PromptRow, audit, checked_command, checked_message, checked_tags, checked_template,
    command_taken, insert_version, load, write_tags,
};
use super::{MAX_NAME_CHARS, NewPrompt, Prompt, PromptChange, PromptFilter};
use crate::text::{checked, contains_pattern, lower};
use crate::visibility::Viewer;
use crate::{WorkshopError, visible_filter};

/// Creates a prompt (version 1) owned by the caller.
pub fn create_prompt(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewPrompt,
    at: NaiveDateTime,
) -> Result<Prompt, WorkshopError> {
    let name = checked("name", &input.name, MAX_NAME_CHARS, false)?;
    let command = checked_command(&input.command)?;
    let (content, variables) = checked_template(&input.content, &input.variables)?;
    let tags = checked_tags(&input.tags)?;
    let message = checked_message(input.message.as_deref())?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, input.visibility, input.project_id)?;
        let id = PromptId::new();
        diesel::insert_into(prompts::table)
            .values((
                prompts::id.eq(id.to_string()),
                prompts::organization_id.eq(viewer.organization_id.to_string()),
                prompts::owner_id.eq(viewer.user_id.to_string()),
                prompts::project_id.eq(input.project_id.map(|p| p.to_string())),
                prompts::visibility.eq(input.visibility.as_str()),
                prompts::name.eq(&name),
                prompts::command.eq(&command),
                prompts::content.eq(&content),
                prompts::variables.eq(&variables),
                prompts::tags.eq(json!(tags).to_string()),
                prompts::version.eq(1),
                prompts::created_at.eq(at),
                prompts::updated_at.eq(at),
            ))
            .execute(conn)?;
        write_tags(conn, id, &tags)?;
        insert_version(
            conn,
            id,
            1,
            (&content, &variables),
            message.as_deref(),
            viewer.user_id,
            at,
        )?;
        let prompt = load(conn, id)?;
        audit(conn, ctx, EventType::PromptCreated, &prompt, at)?;
        Ok(prompt)
    })
    .map_err(command_taken)
}

/// The prompts the caller sees, by name; `q` searches name, command and tags.
pub fn list_prompts(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &PromptFilter,
    page: Page,
) -> Result<Paged<Prompt>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            prompts::table.into_boxed::<owp_db::AnyBackend>(),
            prompts,
            &viewer
        );
        if let Some(q) = &filter.q {
            let pattern = contains_pattern(q);
            let tagged = prompt_tags::table
                .filter(prompt_tags::tag.like(pattern.clone()).escape('\\'))
                .select(prompt_tags::prompt_id);
            query = query.filter(
                lower(prompts::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(prompts::command.like(pattern).escape('\\'))
                    .or(prompts::id.eq_any(tagged)),
            );
        }
        if let Some(tag) = &filter.tag {
            let tagged = prompt_tags::table
                .filter(prompt_tags::tag.eq(tag.trim().to_lowercase()))
                .select(prompt_tags::prompt_id);
            query = query.filter(prompts::id.eq_any(tagged));
        }
        if let Some(project) = filter.project_id {
            query = query.filter(prompts::project_id.eq(project.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<PromptRow> = filtered()
        .order((prompts::name.asc(), prompts::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(PromptRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Prompt::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One prompt the caller sees; anything else is `NotFound`.
pub fn get_prompt(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PromptId,
) -> Result<Prompt, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let prompt = load(conn, id)?;
    viewer.require_read(&prompt.ownership())?;
    Ok(prompt)
}

/// Changes a prompt the caller may write, if it is still at `base_version` (else
/// [`WorkshopError::StaleVersion`], nothing written). A change of content or variables is
/// version n + 1.
pub fn update_prompt(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: PromptId,
    change: PromptChange,
    at: NaiveDateTime,
) -> Result<Prompt, WorkshopError> {
    let Some(base) = change.base_version else {
        return Err(WorkshopError::invalid(
            "base_version",
            "is required: send the version you edited as base_version or If-Match",
        ));
    };
    let name = change
        .name
        .as_deref()
        .map(|n| checked("name", n, MAX_NAME_CHARS, false))
        .transpose()?;
    let command = change.command.as_deref().map(checked_command).transpose()?;
    let tags = change.tags.as_deref().map(checked_tags).transpose()?;
    let message = checked_message(change.message.as_deref())?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, id)?;
        viewer.require_write(&current.ownership())?;
        if current.version != base {
            return Err(WorkshopError::StaleVersion {
                base,
                current: current.version,
            });
        }
        let visibility = change.visibility.unwrap_or(current.visibility);
        let project = change.project_id.unwrap_or(current.project_id);
        if visibility != current.visibility || project != current.project_id {
            viewer.check_placement(conn, visibility, project)?;
        }
        let content = change.content.as_deref().unwrap_or(&current.content);
        let declared = change.variables.as_deref().unwrap_or(&current.variables);
        let new_version = content != current.content || declared != current.variables.as_slice();
        let (content, variables) = checked_template(content, declared)?;
        let version = if new_version {
            current.version + 1
        } else {
            current.version
        };
        let changed = diesel::update(
            prompts::table
                .filter(prompts::id.eq(id.to_string()))
                .filter(prompts::version.eq(base)),
        )
        .set((
            prompts::name.eq(name.as_deref().unwrap_or(&current.name)),
            prompts::command.eq(command.as_deref().unwrap_or(&current.command)),
            prompts::content.eq(&content),
            prompts::variables.eq(&variables),
            prompts::tags.eq(json!(tags.as_ref().unwrap_or(&current.tags)).to_string()),
            prompts::visibility.eq(visibility.as_str()),
            prompts::project_id.eq(project.map(|p| p.to_string())),
            prompts::version.eq(version),
            prompts::updated_at.eq(at),
        ))
        .execute(conn)?;
        if changed == 0 {
            let current = load(conn, id)?.version;
            return Err(WorkshopError::StaleVersion { base, current });
        }
        if let Some(tags) = &tags {
            write_tags(conn, id, tags)?;
        }
        if new_version {
            insert_version(
                conn,
                id,
                version,
                (&content, &variables),
                message.as_deref(),
                viewer.user_id,
                at,
            )?;
        }
        let prompt = load(conn, id)?;
        audit(conn, ctx, EventType::PromptUpdated, &prompt, at)?;
        Ok(prompt)
    })
    .map_err(command_taken)
}

/// Deletes a prompt the caller may write, with its versions and tags.
pub fn delete_prompt(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: PromptId,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let prompt = load(conn, id)?;
        viewer.require_write(&prompt.ownership())?;
        diesel::delete(prompts::table.find(id.to_string())).execute(conn)?;
        audit(conn, ctx, EventType::PromptDeleted, &prompt, at)
    })
}
