//! Tool operations: create, list, read, change, delete — each under the visibility rule, in one
//! transaction with its audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{OrganizationId, ToolId, parse_stored_id};
use owp_db::schema::tools;
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::Principal;
use serde_json::{Value, json};

use super::schema::check_parameters;
use super::{MAX_DESCRIPTION_CHARS, NewTool, Tool, ToolChange, ToolFilter};
use crate::text::{checked, contains_pattern, is_identifier, lower};
use crate::visibility::{Access, Viewer, Visibility};
use crate::{WorkshopError, visible_filter};

#[derive(Queryable, Selectable)]
#[diesel(table_name = tools)]
struct ToolRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    name: String,
    description: String,
    parameters: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<ToolRow> for Tool {
    type Error = StoreError;
    fn try_from(row: ToolRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_stored_id(&row.id)?,
            organization_id: parse_stored_id(&row.organization_id)?,
            owner_id: parse_stored_id(&row.owner_id)?,
            project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
            visibility: Visibility::from_stored(&row.visibility)?,
            name: row.name,
            description: row.description,
            parameters: serde_json::from_str(&row.parameters)
                .map_err(|_| StoreError::Internal("malformed tool parameters".into()))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn checked_name(name: &str) -> Result<String, WorkshopError> {
    if is_identifier(name, 64, |c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }) {
        Ok(name.to_owned())
    } else {
        Err(WorkshopError::invalid(
            "name",
            "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'",
        ))
    }
}

fn checked_parameters(parameters: &Value) -> Result<String, WorkshopError> {
    check_parameters(parameters).map_err(|f| WorkshopError::Invalid(f.path, f.message))?;
    Ok(parameters.to_string())
}

/// A unique-name clash names the field the client sent.
fn name_taken(err: WorkshopError) -> WorkshopError {
    match err {
        WorkshopError::Store(StoreError::Conflict { .. }) => {
            WorkshopError::Store(StoreError::Conflict {
                field: "name".into(),
            })
        }
        other => other,
    }
}

/// The stored tool `id`, whoever may see it (callers check visibility).
pub(crate) fn load(conn: &mut AnyConnection, id: &str) -> Result<Tool, WorkshopError> {
    let row: ToolRow = tools::table
        .find(id)
        .select(ToolRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    tool: &Tool,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let detail = json!({"tool_id": tool.id, "name": tool.name, "visibility": tool.visibility});
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

/// Creates a tool owned by the caller; publishing beyond `private` needs `content:publish`.
pub fn create_tool(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewTool,
    at: NaiveDateTime,
) -> Result<Tool, WorkshopError> {
    let name = checked_name(&input.name)?;
    let description = checked(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    let parameters = checked_parameters(&input.parameters)?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, input.visibility, input.project_id)?;
        let id = ToolId::new();
        diesel::insert_into(tools::table)
            .values((
                tools::id.eq(id.to_string()),
                tools::organization_id.eq(viewer.organization_id.to_string()),
                tools::owner_id.eq(viewer.user_id.to_string()),
                tools::project_id.eq(input.project_id.map(|p| p.to_string())),
                tools::visibility.eq(input.visibility.as_str()),
                tools::name.eq(&name),
                tools::description.eq(&description),
                tools::parameters.eq(&parameters),
                tools::created_at.eq(at),
                tools::updated_at.eq(at),
            ))
            .execute(conn)?;
        let tool = load(conn, &id.to_string())?;
        audit(conn, ctx, EventType::ToolCreated, &tool, at)?;
        Ok(tool)
    })
    .map_err(name_taken)
}

/// The tools the caller sees, by name.
pub fn list_tools(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &ToolFilter,
    page: Page,
) -> Result<Paged<Tool>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            tools::table.into_boxed::<owp_db::AnyBackend>(),
            tools,
            &viewer
        );
        if let Some(q) = &filter.q {
            let pattern = contains_pattern(q);
            query = query.filter(
                lower(tools::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(tools::description).like(pattern).escape('\\')),
            );
        }
        if let Some(project) = filter.project_id {
            query = query.filter(tools::project_id.eq(project.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<ToolRow> = filtered()
        .order((tools::name.asc(), tools::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(ToolRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Tool::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One tool the caller sees; anything else is `NotFound`.
pub fn get_tool(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: ToolId,
) -> Result<Tool, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let tool = load(conn, &id.to_string())?;
    viewer.require_read(&tool.ownership())?;
    Ok(tool)
}

/// Changes a tool the caller may write; moving it (visibility, project) is checked like a
/// create.
pub fn update_tool(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ToolId,
    change: ToolChange,
    at: NaiveDateTime,
) -> Result<Tool, WorkshopError> {
    let name = change.name.as_deref().map(checked_name).transpose()?;
    let description = change
        .description
        .as_deref()
        .map(|d| checked("description", d, MAX_DESCRIPTION_CHARS, true))
        .transpose()?;
    let parameters = change
        .parameters
        .as_ref()
        .map(checked_parameters)
        .transpose()?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = load(conn, &id.to_string())?;
        viewer.require_write(&current.ownership())?;
        let visibility = change.visibility.unwrap_or(current.visibility);
        let project = change.project_id.unwrap_or(current.project_id);
        if visibility != current.visibility || project != current.project_id {
            viewer.check_placement(conn, visibility, project)?;
        }
        diesel::update(tools::table.find(id.to_string()))
            .set((
                tools::name.eq(name.as_deref().unwrap_or(&current.name)),
                tools::description.eq(description.as_deref().unwrap_or(&current.description)),
                tools::parameters.eq(parameters.unwrap_or_else(|| current.parameters.to_string())),
                tools::visibility.eq(visibility.as_str()),
                tools::project_id.eq(project.map(|p| p.to_string())),
                tools::updated_at.eq(at),
            ))
            .execute(conn)?;
        let tool = load(conn, &id.to_string())?;
        audit(conn, ctx, EventType::ToolUpdated, &tool, at)?;
        Ok(tool)
    })
    .map_err(name_taken)
}

/// Deletes a tool the caller may write; it leaves every grant in the same transaction.
pub fn delete_tool(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ToolId,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let tool = load(conn, &id.to_string())?;
        viewer.require_write(&tool.ownership())?;
        remove_row(conn, tool.organization_id, &tool.id.to_string(), at)?;
        audit(conn, ctx, EventType::ToolDeleted, &tool, at)
    })
}

/// Deletes a tool row and removes its id from the grants of its organization's users and from
/// its agents (the caller holds the transaction and records the audit event).
pub(crate) fn remove_row(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_rbac::forget_tool(conn, organization, id, at)?;
    crate::agents::forget_tool(conn, organization, id, at)?;
    diesel::delete(tools::table.find(id)).execute(conn)?;
    Ok(())
}

/// The tools `ids` for a model call by `principal`, in the order asked: an id that is unknown
/// or invisible to them is `Invalid` naming `tool_ids` (422), one not granted is `Forbidden`
/// (403). Chat and agents call this before anything reaches Ollama.
pub fn usable_tools(
    conn: &mut AnyConnection,
    principal: &Principal,
    ids: &[ToolId],
) -> Result<Vec<Tool>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let unknown = |id: &ToolId| WorkshopError::invalid("tool_ids", format!("no such tool {id}"));
    ids.iter()
        .map(|id| {
            let tool = match load(conn, &id.to_string()) {
                Err(WorkshopError::NotFound) => return Err(unknown(id)),
                other => other?,
            };
            if viewer.access(&tool.ownership()) == Access::Hidden {
                return Err(unknown(id));
            }
            if !principal.can_use_tool_id(&id.to_string()) {
                return Err(WorkshopError::Forbidden(format!(
                    "you may not use tool {:?}",
                    tool.name
                )));
            }
            Ok(tool)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_function_name_rule() {
        assert!(checked_name("get_weather-2").is_ok());
        assert!(checked_name("").is_err());
        assert!(checked_name("has space").is_err());
        assert!(checked_name(&"x".repeat(65)).is_err());
    }
}
