//! Project operations: each takes the principal, its input and `at`, checks visibility and
//! policy, writes and records its audit event in one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{ProjectId, UserId, parse_stored_id};
use owp_db::schema::{agents, conversations, project_members, projects, prompts, tools};
use owp_db::{AnyConnection, Page, Paged};
use owp_rbac::Principal;
use serde_json::json;

use super::{
    MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, Member, MemberRole, NewProject, Project, ProjectChange,
};
use crate::text::checked;
use crate::visibility::Viewer;
use crate::{WorkshopError, tools as tool_store};

#[derive(Queryable, Selectable)]
#[diesel(table_name = projects)]
struct ProjectRow {
    id: String,
    name: String,
    description: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn hydrate(conn: &mut AnyConnection, rows: Vec<ProjectRow>) -> Result<Vec<Project>, WorkshopError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let members: Vec<(String, String, String)> = project_members::table
        .filter(project_members::project_id.eq_any(ids))
        .order((
            project_members::created_at.asc(),
            project_members::user_id.asc(),
        ))
        .select((
            project_members::project_id,
            project_members::user_id,
            project_members::role,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let of_row = members
                .iter()
                .filter(|(project, _, _)| *project == row.id)
                .map(|(_, user, role)| {
                    Ok(Member {
                        user_id: parse_stored_id(user)?,
                        role: MemberRole::from_stored(role)?,
                    })
                })
                .collect::<Result<_, owp_db::StoreError>>()?;
            Ok(Project {
                id: parse_stored_id(&row.id)?,
                name: row.name,
                description: row.description,
                members: of_row,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// The project if `viewer` may see it (a member, or an admin of its organization).
pub(super) fn visible(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: ProjectId,
) -> Result<Project, WorkshopError> {
    if !viewer.manage && viewer.role_in(id).is_none() {
        return Err(WorkshopError::NotFound);
    }
    let row: ProjectRow = projects::table
        .filter(projects::id.eq(id.to_string()))
        .filter(projects::organization_id.eq(viewer.organization_id.to_string()))
        .select(ProjectRow::as_select())
        .first(conn)?;
    hydrate(conn, vec![row])?
        .pop()
        .ok_or(WorkshopError::NotFound)
}

/// The project if `viewer` may change it (its owner, or an admin); else 404 or 403.
pub(super) fn writable(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    id: ProjectId,
) -> Result<Project, WorkshopError> {
    let project = visible(conn, viewer, id)?;
    if !viewer.manage && viewer.role_in(id) != Some(MemberRole::Owner) {
        return Err(WorkshopError::Forbidden(
            "only the project's owners change it".into(),
        ));
    }
    Ok(project)
}

pub(super) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    subject: Option<UserId>,
    detail: serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    let mut event = NewAuditEvent::new(event).detail(detail);
    if let Some(user) = subject {
        event = event.subject(user);
    }
    record(conn, ctx, &event, at)?;
    Ok(())
}

/// Creates a project (needs `content:publish`, or `content:manage`); its creator is its owner.
pub fn create_project(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: NewProject,
    at: NaiveDateTime,
) -> Result<Project, WorkshopError> {
    let name = checked("name", &input.name, MAX_NAME_CHARS, false)?;
    let description = checked(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        if !viewer.publish && !viewer.manage {
            return Err(WorkshopError::Forbidden(
                "creating a project needs the content:publish permission".into(),
            ));
        }
        let id = ProjectId::new();
        diesel::insert_into(projects::table)
            .values((
                projects::id.eq(id.to_string()),
                projects::organization_id.eq(viewer.organization_id.to_string()),
                projects::name.eq(&name),
                projects::description.eq(&description),
                projects::created_at.eq(at),
                projects::updated_at.eq(at),
            ))
            .execute(conn)?;
        diesel::insert_into(project_members::table)
            .values((
                project_members::project_id.eq(id.to_string()),
                project_members::user_id.eq(viewer.user_id.to_string()),
                project_members::role.eq(MemberRole::Owner.as_str()),
                project_members::created_at.eq(at),
            ))
            .execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::ProjectCreated,
            None,
            json!({"project_id": id, "name": name}),
            at,
        )?;
        let viewer = Viewer::load(conn, principal)?;
        visible(conn, &viewer, id)
    })
}

/// The projects the caller sees (members; admins see all of their organization's), by name.
pub fn list_projects(
    conn: &mut AnyConnection,
    principal: &Principal,
    page: Page,
) -> Result<Paged<Project>, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let query = projects::table
            .filter(projects::organization_id.eq(viewer.organization_id.to_string()))
            .into_boxed::<owp_db::AnyBackend>();
        if viewer.manage {
            query
        } else {
            query.filter(projects::id.eq_any(viewer.project_ids()))
        }
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((projects::name.asc(), projects::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(ProjectRow::as_select())
        .load(conn)?;
    Ok(Paged {
        items: hydrate(conn, rows)?,
        total,
    })
}

/// One project the caller sees; anything else is `NotFound`.
pub fn get_project(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: ProjectId,
) -> Result<Project, WorkshopError> {
    let viewer = Viewer::load(conn, principal)?;
    visible(conn, &viewer, id)
}

/// Renames or re-describes a project (its owners and admins).
pub fn update_project(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ProjectId,
    change: ProjectChange,
    at: NaiveDateTime,
) -> Result<Project, WorkshopError> {
    let name = change
        .name
        .as_deref()
        .map(|n| checked("name", n, MAX_NAME_CHARS, false))
        .transpose()?;
    let description = change
        .description
        .as_deref()
        .map(|d| checked("description", d, MAX_DESCRIPTION_CHARS, true))
        .transpose()?;
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let current = writable(conn, &viewer, id)?;
        diesel::update(projects::table.find(id.to_string()))
            .set((
                projects::name.eq(name.as_deref().unwrap_or(&current.name)),
                projects::description.eq(description.as_deref().unwrap_or(&current.description)),
                projects::updated_at.eq(at),
            ))
            .execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::ProjectUpdated,
            None,
            json!({"project_id": id, "name": name, "description_changed": description.is_some()}),
            at,
        )?;
        visible(conn, &viewer, id)
    })
}

/// Deletes a project. With content (prompts, tools, agents) it is refused (409) unless
/// `cascade`, which deletes that content too (tools leave every grant and agent) and is
/// audited with the counts.
pub fn delete_project(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ProjectId,
    cascade: bool,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        writable(conn, &viewer, id)?;
        let key = id.to_string();
        let prompt_count: i64 = prompts::table
            .filter(prompts::project_id.eq(&key))
            .count()
            .get_result(conn)?;
        let agent_count: i64 = agents::table
            .filter(agents::project_id.eq(&key))
            .count()
            .get_result(conn)?;
        let tool_ids: Vec<String> = tools::table
            .filter(tools::project_id.eq(&key))
            .select(tools::id)
            .load(conn)?;
        let in_project = || conversations::table.filter(conversations::project_id.eq(&key));
        let conversation_count: i64 = in_project().count().get_result(conn)?;
        let content = prompt_count + agent_count + conversation_count;
        if (content > 0 || !tool_ids.is_empty()) && !cascade {
            return Err(WorkshopError::Conflict(format!(
                "the project still has {prompt_count} prompt(s), {} tool(s), {agent_count} agent(s) and {conversation_count} conversation(s); delete them first or pass cascade=true",
                tool_ids.len()
            )));
        }
        // People's conversations stay theirs: cascading only takes them out of the project.
        diesel::update(in_project())
            .set(conversations::project_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(agents::table.filter(agents::project_id.eq(&key))).execute(conn)?;
        diesel::delete(prompts::table.filter(prompts::project_id.eq(&key))).execute(conn)?;
        for tool in &tool_ids {
            tool_store::remove_row(conn, viewer.organization_id, tool, at)?;
        }
        diesel::delete(projects::table.find(&key)).execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::ProjectDeleted,
            None,
            json!({"project_id": id, "cascade": cascade, "prompts": prompt_count, "tools": tool_ids.len(), "agents": agent_count, "conversations_unlinked": conversation_count}),
            at,
        )
    })
}
