//! Prompt rows and the checks and writes the operations share: reading a row, the field
//! rules (command, tags, message, template), tags and versions.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{PromptId, UserId, parse_stored_id};
use owp_db::schema::{prompt_tags, prompt_versions, prompts};
use owp_db::{AnyConnection, StoreError};
use serde_json::json;

use super::template::check;
use super::variables::{Variable, check_declarations};
use super::{MAX_CONTENT_CHARS, MAX_TAGS, Prompt};
use crate::WorkshopError;
use crate::text::{checked, is_identifier};
use crate::visibility::Visibility;

#[derive(Queryable, Selectable)]
#[diesel(table_name = prompts)]
pub(super) struct PromptRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    name: String,
    command: String,
    content: String,
    variables: String,
    tags: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub(super) fn parse_variables(text: &str) -> Result<Vec<Variable>, StoreError> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Internal("malformed prompt variables".into()))
}

impl TryFrom<PromptRow> for Prompt {
    type Error = StoreError;
    fn try_from(row: PromptRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_stored_id(&row.id)?,
            organization_id: parse_stored_id(&row.organization_id)?,
            owner_id: parse_stored_id(&row.owner_id)?,
            project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
            visibility: Visibility::from_stored(&row.visibility)?,
            name: row.name,
            command: row.command,
            content: row.content,
            variables: parse_variables(&row.variables)?,
            tags: serde_json::from_str(&row.tags)
                .map_err(|_| StoreError::Internal("malformed prompt tags".into()))?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The stored prompt `id`, whoever may see it (callers check visibility).
pub(crate) fn load(conn: &mut AnyConnection, id: PromptId) -> Result<Prompt, WorkshopError> {
    let row: PromptRow = prompts::table
        .find(id.to_string())
        .select(PromptRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

pub(super) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    prompt: &Prompt,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let detail = json!({"prompt_id": prompt.id, "command": prompt.command, "version": prompt.version, "visibility": prompt.visibility});
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

/// Appends version `version` of a prompt.
pub(super) fn insert_version(
    conn: &mut AnyConnection,
    id: PromptId,
    version: i64,
    (content, variables): (&str, &str),
    message: Option<&str>,
    author: UserId,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    diesel::insert_into(prompt_versions::table)
        .values((
            prompt_versions::prompt_id.eq(id.to_string()),
            prompt_versions::version.eq(version),
            prompt_versions::content.eq(content),
            prompt_versions::variables.eq(variables),
            prompt_versions::message.eq(message),
            prompt_versions::author_id.eq(author.to_string()),
            prompt_versions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub(super) fn checked_command(command: &str) -> Result<String, WorkshopError> {
    if is_identifier(command, 48, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    }) {
        Ok(command.to_owned())
    } else {
        Err(WorkshopError::invalid(
            "command",
            "must be 1 to 48 characters of a-z, 0-9 and '-'",
        ))
    }
}

pub(super) fn checked_tags(tags: &[String]) -> Result<Vec<String>, WorkshopError> {
    if tags.len() > MAX_TAGS {
        return Err(WorkshopError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = checked("tags", tag, 40, false)?.to_lowercase();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

pub(super) fn checked_message(message: Option<&str>) -> Result<Option<String>, WorkshopError> {
    message
        .map(|m| checked("message", m, 500, true))
        .transpose()
}

/// Content and variables checked together: declarations valid, template well-formed and using
/// only declared names and built-ins.
pub(super) fn checked_template(
    content: &str,
    variables: &[Variable],
) -> Result<(String, String), WorkshopError> {
    if content.contains('\0') || content.chars().count() > MAX_CONTENT_CHARS {
        return Err(WorkshopError::invalid(
            "content",
            format!("must be at most {MAX_CONTENT_CHARS} characters, without NUL"),
        ));
    }
    check_declarations(variables)?;
    check(content, variables).map_err(|e| WorkshopError::Invalid(e.field, e.message))?;
    Ok((content.to_owned(), json!(variables).to_string()))
}

pub(super) fn write_tags(
    conn: &mut AnyConnection,
    id: PromptId,
    tags: &[String],
) -> Result<(), WorkshopError> {
    diesel::delete(prompt_tags::table.filter(prompt_tags::prompt_id.eq(id.to_string())))
        .execute(conn)?;
    for tag in tags {
        diesel::insert_into(prompt_tags::table)
            .values((
                prompt_tags::prompt_id.eq(id.to_string()),
                prompt_tags::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A unique-command clash names the field the client sent.
pub(super) fn command_taken(err: WorkshopError) -> WorkshopError {
    match err {
        WorkshopError::Store(StoreError::Conflict { .. }) => {
            WorkshopError::Store(StoreError::Conflict {
                field: "command".into(),
            })
        }
        other => other,
    }
}
