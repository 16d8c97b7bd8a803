//! System roles: created and kept in step with the code at every start.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::schema::{role_permissions, roles};
use owp_db::{AnyConnection, StoreError};

use crate::permissions::{self as p, ALL};

/// A role every installation has; its permissions are defined here, not in the database.
#[derive(Debug, Clone, Copy)]
pub struct SystemRole {
    /// Fixed id, the same in every installation.
    pub id: &'static str,
    /// The name users and API clients use.
    pub name: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// What it grants.
    pub permissions: &'static [&'static str],
}

const ADMIN_PERMISSIONS: [&str; 17] = [
    p::ORGANIZATIONS_READ,
    p::USERS_READ,
    p::USERS_WRITE,
    p::ROLES_READ,
    p::ROLES_WRITE,
    p::API_KEYS_READ,
    p::API_KEYS_WRITE,
    p::API_KEYS_SELF,
    p::AUDIT_READ,
    p::INVITATIONS_WRITE,
    p::MODELS_USE,
    p::MODELS_MANAGE,
    p::CONTENT_READ,
    p::CONTENT_WRITE,
    p::CONTENT_PUBLISH,
    p::CONTENT_MANAGE,
    p::USAGE_READ,
];

const SUPER_ADMIN_PERMISSIONS: [&str; ALL.len()] = {
    let mut all = [""; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        all[i] = ALL[i].name;
        i += 1;
    }
    all
};

/// The five system roles.
pub const SYSTEM_ROLES: [SystemRole; 5] = [
    SystemRole {
        id: "019ab0c4-0000-7000-8000-0000000000a1",
        name: "super_admin",
        description: "Everything, in every organization",
        permissions: &SUPER_ADMIN_PERMISSIONS,
    },
    SystemRole {
        id: "019ab0c4-0000-7000-8000-0000000000a2",
        name: "admin",
        description: "Manages one organization: users, roles, keys, models, content, audit",
        permissions: &ADMIN_PERMISSIONS,
    },
    SystemRole {
        id: "019ab0c4-0000-7000-8000-0000000000a3",
        name: "instructor",
        description: "Runs workshops: sees users, writes content, uses models",
        permissions: &[
            p::USERS_READ,
            p::MODELS_USE,
            p::CONTENT_READ,
            p::CONTENT_WRITE,
            p::CONTENT_PUBLISH,
            p::API_KEYS_SELF,
        ],
    },
    SystemRole {
        id: "019ab0c4-0000-7000-8000-0000000000a4",
        name: "user",
        description: "Attends workshops: uses allowed models, reads content, keeps private content",
        permissions: &[
            p::MODELS_USE,
            p::CONTENT_READ,
            p::CONTENT_WRITE,
            p::API_KEYS_SELF,
        ],
    },
    SystemRole {
        id: "019ab0c4-0000-7000-8000-0000000000a5",
        name: "guest",
        description: "Reads content only",
        permissions: &[p::CONTENT_READ],
    },
];

/// Creates missing system roles and makes their permissions exactly what the code says, so an
/// upgrade that adds a permission reaches existing installations. Idempotent.
pub fn seed_system_roles(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<(), StoreError> {
    owp_db::write_transaction(conn, |conn| {
        for role in SYSTEM_ROLES {
            let exists: i64 = roles::table.find(role.id).count().get_result(conn)?;
            if exists == 0 {
                diesel::insert_into(roles::table)
                    .values((
                        roles::id.eq(role.id),
                        roles::organization_id.eq(None::<String>),
                        roles::name.eq(role.name),
                        roles::description.eq(role.description),
                        roles::is_system.eq(true),
                        roles::created_at.eq(at),
                        roles::updated_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            let stored: Vec<String> = role_permissions::table
                .filter(role_permissions::role_id.eq(role.id))
                .select(role_permissions::permission)
                .load(conn)?;
            for permission in role.permissions {
                if !stored.iter().any(|s| s == permission) {
                    diesel::insert_into(role_permissions::table)
                        .values((
                            role_permissions::role_id.eq(role.id),
                            role_permissions::permission.eq(*permission),
                        ))
                        .execute(conn)?;
                }
            }
            let extra: Vec<&String> = stored
                .iter()
                .filter(|s| !role.permissions.contains(&s.as_str()))
                .collect();
            if !extra.is_empty() {
                diesel::delete(
                    role_permissions::table
                        .filter(role_permissions::role_id.eq(role.id))
                        .filter(role_permissions::permission.eq_any(extra)),
                )
                .execute(conn)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_roles_only_grant_known_permissions() {
        for role in SYSTEM_ROLES {
            assert!(
                role.permissions
                    .iter()
                    .all(|p| crate::permissions::is_known(p)),
                "{}",
                role.name
            );
        }
        assert_eq!(SYSTEM_ROLES[0].permissions.len(), ALL.len());
        assert!(!ADMIN_PERMISSIONS.contains(&p::ORGANIZATIONS_WRITE));
    }
}
