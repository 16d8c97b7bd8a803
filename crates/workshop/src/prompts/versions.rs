//! A prompt's versions (list, read, restore) and its rendering.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::{PromptId, parse_stored_id};
use owp_db::schema::{prompt_versions, prompts, users};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::Principal;

use super::rows::{audit, checked_message, insert_version, load, parse_variables};
use super::template::{Context, render};
use super::{Prompt, PromptVersion, Rendered, Values};
use crate::WorkshopError;
use crate::visibility::Viewer;

#[derive(Queryable, Selectable)]
#[diesel(table_name = prompt_versions)]
struct VersionRow {
    version: i64,
    content: String,
    variables: String,
    message: Option<String>,
    author_id: Option<String>,
    created_at: NaiveDateTime,
}

impl TryFrom<VersionRow> for PromptVersion {
    type Error = StoreError;
    fn try_from(row: VersionRow) -> Result<Self, StoreError> {
        Ok(Self {
            version: row.version,
            content: row.content,
            variables: parse_variables(&row.variables)?,
            message: row.message,
            author_id: row.author_id.as_deref().map(parse_stored_id).transpose()?,
            created_at: row.created_at,
        })
    }
}

fn readable(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PromptId,
) -> Result<(Viewer, Prompt), WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let prompt = load(conn, id)?;
    viewer.require_read(&prompt.ownership())?;
    Ok((viewer, prompt))
}

fn version_of(
    conn: &mut AnyConnection,
    id: PromptId,
    version: i64,
) -> Result<PromptVersion, WorkshopError> {
    let row: VersionRow = prompt_versions::table
        .filter(prompt_versions::prompt_id.eq(id.to_string()))
        .filter(prompt_versions::version.eq(version))
        .select(VersionRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// The versions of a prompt the caller sees, newest first.
pub fn list_versions(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PromptId,
    page: Page,
) -> Result<Paged<PromptVersion>, WorkshopError> {
    readable(conn, principal, id)?;
    let of = prompt_versions::prompt_id.eq(id.to_string());
    let total = prompt_versions::table
        .filter(of.clone())
        .count()
        .get_result(conn)?;
    let rows: Vec<VersionRow> = prompt_versions::table
        .filter(of)
        .order(prompt_versions::version.desc())
        .limit(page.limit())
        .offset(page.offset())
        .select(VersionRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(PromptVersion::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// Version `version` of a prompt the caller sees.
pub fn get_version(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PromptId,
    version: i64,
) -> Result<PromptVersion, WorkshopError> {
    readable(conn, principal, id)?;
    version_of(conn, id, version)
}

/// Makes version `version` the newest again: a new version n + 1 equal to it (history is
/// never rewritten). Needs write access.
pub fn restore_version(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: PromptId,
    version: i64,
    message: Option<&str>,
    at: NaiveDateTime,
) -> Result<Prompt, WorkshopError> {
    let message =
        checked_message(message)?.unwrap_or_else(|| format!("restored version {version}"));
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, id)?;
        viewer.require_write(&current.ownership())?;
        let old = version_of(conn, id, version)?;
        let variables = serde_json::json!(old.variables).to_string();
        let next = current.version + 1;
        diesel::update(prompts::table.find(id.to_string()))
            .set((
                prompts::content.eq(&old.content),
                prompts::variables.eq(&variables),
                prompts::version.eq(next),
                prompts::updated_at.eq(at),
            ))
            .execute(conn)?;
        insert_version(
            conn,
            id,
            next,
            (&old.content, &variables),
            Some(&message),
            viewer.user_id,
            at,
        )?;
        let prompt = load(conn, id)?;
        audit(conn, ctx, EventType::PromptRestored, &prompt, at)?;
        Ok(prompt)
    })
}

/// Renders the current version of a prompt the caller sees with `values`; the built-ins are
/// the caller's name and email and the time `at`.
pub fn render_prompt(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: PromptId,
    values: &Values,
    at: NaiveDateTime,
) -> Result<Rendered, WorkshopError> {
    let (_, prompt) = readable(conn, principal, id)?;
    let text = render_as(conn, principal, &prompt, values, at)?;
    Ok(Rendered {
        text,
        version: prompt.version,
    })
}

/// Renders `prompt` for `principal` at `at` (the caller has checked visibility): what
/// [`render_prompt`] and an agent's system prompt share. A value that does not fit is
/// `Invalid` naming `variables.<name>`.
pub(crate) fn render_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    prompt: &Prompt,
    values: &Values,
    at: NaiveDateTime,
) -> Result<String, WorkshopError> {
    let (email, full_name): (String, Option<String>) = users::table
        .find(principal.user_id.to_string())
        .select((users::email, users::full_name))
        .first(conn)?;
    let context = Context {
        at,
        user_name: full_name.unwrap_or_default(),
        user_email: email,
    };
    render(&prompt.content, &prompt.variables, values, &context)
        .map_err(|e| WorkshopError::Invalid(e.field, e.message))
}
