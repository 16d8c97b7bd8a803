//! Project membership: add or change a member's role, remove a member — by the project's
//! owners and admins, audited, never leaving a project without an owner.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::AnyConnection;
use owp_db::ids::{ProjectId, UserId};
use owp_db::schema::{project_members, users};
use owp_rbac::Principal;
use serde_json::json;

use super::store::{audit, visible, writable};
use super::{MemberRole, Project};
use crate::WorkshopError;
use crate::visibility::Viewer;

/// Adds `user` to a project or changes their role (its owners and admins). The user must be
/// in the caller's organization; the last owner cannot be demoted.
pub fn set_member(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ProjectId,
    user: UserId,
    role: MemberRole,
    at: NaiveDateTime,
) -> Result<Project, WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let project = writable(conn, &viewer, id)?;
        let in_org: i64 = users::table
            .filter(users::id.eq(user.to_string()))
            .filter(users::organization_id.eq(viewer.organization_id.to_string()))
            .count()
            .get_result(conn)?;
        if in_org == 0 {
            return Err(WorkshopError::NotFound);
        }
        let existing = project.members.iter().find(|m| m.user_id == user);
        if existing.is_some_and(|m| m.role == MemberRole::Owner) && role != MemberRole::Owner {
            guard_last_owner(&project)?;
        }
        if existing.is_some() {
            diesel::update(
                project_members::table
                    .filter(project_members::project_id.eq(id.to_string()))
                    .filter(project_members::user_id.eq(user.to_string())),
            )
            .set(project_members::role.eq(role.as_str()))
            .execute(conn)?;
        } else {
            diesel::insert_into(project_members::table)
                .values((
                    project_members::project_id.eq(id.to_string()),
                    project_members::user_id.eq(user.to_string()),
                    project_members::role.eq(role.as_str()),
                    project_members::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        audit(
            conn,
            ctx,
            EventType::ProjectMemberSet,
            Some(user),
            json!({"project_id": id, "role": role}),
            at,
        )?;
        visible(conn, &viewer, id)
    })
}

/// Removes `user` from a project (its owners and admins); the last owner stays.
pub fn remove_member(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: ProjectId,
    user: UserId,
    at: NaiveDateTime,
) -> Result<(), WorkshopError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let project = writable(conn, &viewer, id)?;
        let member = project
            .members
            .iter()
            .find(|m| m.user_id == user)
            .ok_or(WorkshopError::NotFound)?;
        if member.role == MemberRole::Owner {
            guard_last_owner(&project)?;
        }
        diesel::delete(
            project_members::table
                .filter(project_members::project_id.eq(id.to_string()))
                .filter(project_members::user_id.eq(user.to_string())),
        )
        .execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::ProjectMemberRemoved,
            Some(user),
            json!({"project_id": id}),
            at,
        )
    })
}

fn guard_last_owner(project: &Project) -> Result<(), WorkshopError> {
    let owners = project
        .members
        .iter()
        .filter(|m| m.role == MemberRole::Owner)
        .count();
    if owners <= 1 {
        return Err(WorkshopError::Conflict(
            "a project keeps at least one owner; make someone else owner first".into(),
        ));
    }
    Ok(())
}
