//! Roles: the system ones plus each organization's custom roles, and who holds which.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{OrganizationId, RoleId, parse_stored_id};
use owp_db::schema::{role_permissions, roles, user_roles};
use owp_db::{AnyConnection, StoreError};

use crate::permissions;
use crate::seed::SYSTEM_ROLES;

/// A role and what it grants.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Role {
    /// Stable id.
    pub id: RoleId,
    /// `None` for system roles.
    pub organization_id: Option<OrganizationId>,
    /// Unique within its organization (and never a system role's name).
    pub name: String,
    /// What it is for.
    pub description: String,
    /// System roles cannot be changed or deleted.
    pub is_system: bool,
    /// Granted permissions, sorted.
    pub permissions: Vec<String>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

/// A custom role to create.
#[derive(Debug, Clone)]
pub struct NewRole {
    /// Name (1..=64 of `a-z0-9_-`).
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Permissions from the catalogue.
    pub permissions: Vec<String>,
}

/// Changes to a custom role; `add`/`remove` are the bulk assign/revoke of permissions.
#[derive(Debug, Clone, Default)]
pub struct RoleChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Replace the permission set.
    pub permissions: Option<Vec<String>>,
    /// Permissions to add.
    pub add_permissions: Vec<String>,
    /// Permissions to remove.
    pub remove_permissions: Vec<String>,
}

/// Why a role operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RbacError {
    /// A permission name outside the catalogue.
    #[error("unknown permission {0:?}")]
    UnknownPermission(String),
    /// A role name that does not exist for this organization.
    #[error("unknown role {0:?}")]
    UnknownRole(String),
    /// System roles are defined by the platform.
    #[error("system roles cannot be changed or deleted")]
    SystemRole,
    /// A granted tool id that is no tool of the user's organization.
    #[error("no such tool {0:?}")]
    UnknownTool(String),
    /// The name breaks the naming rule.
    #[error("role names are 1 to 64 characters of a-z, 0-9, '_' and '-'")]
    InvalidName,
    /// The store failed (NotFound, Conflict on the name, …).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for RbacError {
    fn from(err: diesel::result::Error) -> Self {
        RbacError::Store(err.into())
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = roles)]
struct RoleRow {
    id: String,
    organization_id: Option<String>,
    name: String,
    description: String,
    is_system: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn hydrate(conn: &mut AnyConnection, rows: Vec<RoleRow>) -> Result<Vec<Role>, StoreError> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let pairs: Vec<(String, String)> = role_permissions::table
        .filter(role_permissions::role_id.eq_any(ids))
        .order(role_permissions::permission.asc())
        .select((role_permissions::role_id, role_permissions::permission))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok(Role {
                id: parse_stored_id(&row.id)?,
                organization_id: row
                    .organization_id
                    .as_deref()
                    .map(parse_stored_id)
                    .transpose()?,
                permissions: pairs
                    .iter()
                    .filter(|(role, _)| *role == row.id)
                    .map(|(_, p)| p.clone())
                    .collect(),
                name: row.name,
                description: row.description,
                is_system: row.is_system,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// System roles and `organization`'s custom roles, system roles first.
pub fn list_roles(
    conn: &mut AnyConnection,
    organization: OrganizationId,
) -> Result<Vec<Role>, StoreError> {
    let rows = roles::table
        .filter(
            roles::organization_id
                .is_null()
                .or(roles::organization_id.eq(organization.to_string())),
        )
        .order((roles::is_system.desc(), roles::name.asc()))
        .select(RoleRow::as_select())
        .load(conn)?;
    hydrate(conn, rows)
}

/// A role visible to `organization` (another organization's role is NotFound).
pub fn get_role(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    id: RoleId,
) -> Result<Role, StoreError> {
    let row = roles::table
        .find(id.to_string())
        .filter(
            roles::organization_id
                .is_null()
                .or(roles::organization_id.eq(organization.to_string())),
        )
        .select(RoleRow::as_select())
        .first(conn)?;
    hydrate(conn, vec![row])?.pop().ok_or(StoreError::NotFound)
}

fn check_name(name: &str) -> Result<(), RbacError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if !valid {
        return Err(RbacError::InvalidName);
    }
    if SYSTEM_ROLES.iter().any(|r| r.name == name) {
        return Err(RbacError::Store(StoreError::Conflict {
            field: "name".into(),
        }));
    }
    Ok(())
}

fn check_permissions(names: &[String]) -> Result<(), RbacError> {
    match names.iter().find(|p| !permissions::is_known(p)) {
        Some(unknown) => Err(RbacError::UnknownPermission(unknown.clone())),
        None => Ok(()),
    }
}

fn replace_permissions(
    conn: &mut AnyConnection,
    role: &str,
    set: &BTreeSet<String>,
) -> Result<(), StoreError> {
    diesel::delete(role_permissions::table.filter(role_permissions::role_id.eq(role)))
        .execute(conn)?;
    for permission in set {
        diesel::insert_into(role_permissions::table)
            .values((
                role_permissions::role_id.eq(role),
                role_permissions::permission.eq(permission),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Creates a custom role in `organization`; audited `role_created`.
pub fn create_role(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    organization: OrganizationId,
    new: &NewRole,
    at: NaiveDateTime,
) -> Result<Role, RbacError> {
    check_name(&new.name)?;
    check_permissions(&new.permissions)?;
    let id = RoleId::new();
    owp_db::write_transaction(conn, |conn| {
        diesel::insert_into(roles::table)
            .values((
                roles::id.eq(id.to_string()),
                roles::organization_id.eq(organization.to_string()),
                roles::name.eq(&new.name),
                roles::description.eq(&new.description),
                roles::is_system.eq(false),
                roles::created_at.eq(at),
                roles::updated_at.eq(at),
            ))
            .execute(conn)?;
        replace_permissions(
            conn,
            &id.to_string(),
            &new.permissions.iter().cloned().collect(),
        )?;
        let event = NewAuditEvent::new(EventType::RoleCreated)
            .detail(serde_json::json!({"role": new.name, "permissions": new.permissions}));
        record(conn, ctx, &event, at)?;
        Ok(get_role(conn, organization, id)?)
    })
}

/// Changes a custom role; audited `role_updated`.
pub fn update_role(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    organization: OrganizationId,
    id: RoleId,
    change: &RoleChange,
    at: NaiveDateTime,
) -> Result<Role, RbacError> {
    owp_db::write_transaction(conn, |conn| {
        let current = get_role(conn, organization, id)?;
        if current.is_system {
            return Err(RbacError::SystemRole);
        }
        if let Some(name) = &change.name {
            check_name(name)?;
        }
        let mut set: BTreeSet<String> = change
            .permissions
            .clone()
            .unwrap_or_else(|| current.permissions.clone())
            .into_iter()
            .collect();
        set.extend(change.add_permissions.iter().cloned());
        for removed in &change.remove_permissions {
            set.remove(removed);
        }
        check_permissions(
            &set.iter()
                .cloned()
                .chain(change.remove_permissions.iter().cloned())
                .collect::<Vec<_>>(),
        )?;
        diesel::update(roles::table.find(id.to_string()))
            .set((
                roles::name.eq(change.name.as_ref().unwrap_or(&current.name)),
                roles::description.eq(change.description.as_ref().unwrap_or(&current.description)),
                roles::updated_at.eq(at),
            ))
            .execute(conn)?;
        replace_permissions(conn, &id.to_string(), &set)?;
        let event = NewAuditEvent::new(EventType::RoleUpdated).detail(serde_json::json!({
            "role": change.name.as_ref().unwrap_or(&current.name),
            "permissions": set,
        }));
        record(conn, ctx, &event, at)?;
        Ok(get_role(conn, organization, id)?)
    })
}

/// Deletes a custom role (its holders lose it); audited `role_deleted`.
pub fn delete_role(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    organization: OrganizationId,
    id: RoleId,
    at: NaiveDateTime,
) -> Result<(), RbacError> {
    owp_db::write_transaction(conn, |conn| {
        let current = get_role(conn, organization, id)?;
        if current.is_system {
            return Err(RbacError::SystemRole);
        }
        diesel::delete(user_roles::table.filter(user_roles::role_id.eq(id.to_string())))
            .execute(conn)?;
        diesel::delete(
            role_permissions::table.filter(role_permissions::role_id.eq(id.to_string())),
        )
        .execute(conn)?;
        diesel::delete(roles::table.find(id.to_string())).execute(conn)?;
        let event = NewAuditEvent::new(EventType::RoleDeleted)
            .detail(serde_json::json!({"role": current.name}));
        record(conn, ctx, &event, at)?;
        Ok(())
    })
}
