//! Who holds which role: turning role names into assignable ids, replacing a user's roles
//! (audited), and reading a user's roles and effective permissions.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{OrganizationId, RoleId, UserId, parse_stored_id};
use owp_db::schema::{role_permissions, roles, user_roles};
use owp_db::{AnyConnection, StoreError};

use crate::roles::RbacError;

/// Turns role names into ids of roles `organization` may assign (system or its own).
pub fn resolve_role_names(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    names: &[String],
) -> Result<Vec<RoleId>, RbacError> {
    let found: Vec<(String, String)> = roles::table
        .filter(roles::name.eq_any(names))
        .filter(
            roles::organization_id
                .is_null()
                .or(roles::organization_id.eq(organization.to_string())),
        )
        .select((roles::id, roles::name))
        .load(conn)?;
    names
        .iter()
        .map(|name| {
            found
                .iter()
                .find(|(_, n)| n == name)
                .ok_or_else(|| RbacError::UnknownRole(name.clone()))
                .and_then(|(id, _)| Ok(parse_stored_id(id)?))
        })
        .collect()
}

/// Replaces `user`'s roles; audited `roles_changed` with the old and new names.
pub fn set_user_roles(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: UserId,
    role_ids: &[RoleId],
    at: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    owp_db::write_transaction(conn, |conn| {
        let before = role_names_of(conn, user)?;
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user.to_string())))
            .execute(conn)?;
        let unique: BTreeSet<String> = role_ids.iter().map(ToString::to_string).collect();
        for role in &unique {
            diesel::insert_into(user_roles::table)
                .values((
                    user_roles::user_id.eq(user.to_string()),
                    user_roles::role_id.eq(role),
                ))
                .execute(conn)?;
        }
        let after = role_names_of(conn, user)?;
        if before != after {
            let event = NewAuditEvent::new(EventType::RolesChanged)
                .subject(user)
                .detail(serde_json::json!({"before": before, "after": after}));
            record(conn, ctx, &event, at)?;
        }
        Ok(after)
    })
}

/// `user`'s role names, sorted.
pub fn role_names_of(conn: &mut AnyConnection, user: UserId) -> Result<Vec<String>, StoreError> {
    Ok(user_roles::table
        .inner_join(roles::table)
        .filter(user_roles::user_id.eq(user.to_string()))
        .order(roles::name.asc())
        .select(roles::name)
        .load(conn)?)
}

/// The union of `user`'s roles' permissions.
pub fn permissions_of(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<BTreeSet<String>, StoreError> {
    let names: Vec<String> = user_roles::table
        .inner_join(role_permissions::table.on(role_permissions::role_id.eq(user_roles::role_id)))
        .filter(user_roles::user_id.eq(user.to_string()))
        .select(role_permissions::permission)
        .load(conn)?;
    Ok(names.into_iter().collect())
}

/// `user`'s role names and the union of their permissions in one query, for the per-request
/// principal.
pub fn roles_and_permissions_of(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<(Vec<String>, BTreeSet<String>), StoreError> {
    let pairs: Vec<(String, Option<String>)> = user_roles::table
        .inner_join(roles::table.left_join(role_permissions::table))
        .filter(user_roles::user_id.eq(user.to_string()))
        .select((roles::name, role_permissions::permission.nullable()))
        .load(conn)?;
    let mut names: Vec<String> = pairs.iter().map(|(name, _)| name.clone()).collect();
    names.sort();
    names.dedup();
    let permissions = pairs.into_iter().filter_map(|(_, p)| p).collect();
    Ok((names, permissions))
}
