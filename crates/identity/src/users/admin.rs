//! What an admin does to users, one operation each: every function takes the acting
//! [`Principal`], its input and the time, checks that the caller may see the user (another
//! organization's user is `NotFound`, never `Forbidden`, so ids of other tenants cannot be
//! probed) and the policy (no self-lockout, no privilege escalation), writes and records its
//! audit events in ONE transaction. The route table has already checked the permission.

use chrono::NaiveDateTime;
use owp_audit::{AuditContext, EventType};
use owp_credentials::store_password_hash;
use owp_db::ids::{OrganizationId, RoleId, UserId};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::{Grants, Principal, resolve_role_names};

use super::lifecycle::{Approval, UserChange, approve, set_grants, update_user};
use super::store::{NewUser, User, UserFilter, UserStatus, create_user, get_user, list_users};
use crate::IdentityError;
use crate::sessions::close_other_sessions;

/// The user `id` when `principal` may see it; another organization's user is `NotFound`.
pub fn get_visible_user(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: UserId,
) -> Result<User, IdentityError> {
    let user = get_user(conn, id)?;
    if principal.can_reach(user.organization_id) {
        Ok(user)
    } else {
        Err(StoreError::NotFound.into())
    }
}

/// The organization a principal's lists are limited to (`None` for super admins, who see all).
pub fn visible_organization(principal: &Principal) -> Option<OrganizationId> {
    (!principal.is_super_admin()).then_some(principal.organization_id)
}

/// Role names → ids in `organization`, refusing `super_admin` unless the caller is one (no
/// privilege escalation).
pub fn assignable_roles(
    conn: &mut AnyConnection,
    principal: &Principal,
    organization: OrganizationId,
    names: &[String],
) -> Result<Vec<RoleId>, IdentityError> {
    if !principal.is_super_admin() && names.iter().any(|n| n == "super_admin") {
        return Err(IdentityError::Forbidden(
            "only a super admin can grant super_admin".into(),
        ));
    }
    Ok(resolve_role_names(conn, organization, names)?)
}

/// Users the principal may see that match `filter` (its organization is narrowed to the
/// principal's unless a super admin asks).
pub fn list_visible_users(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: UserFilter,
    page: Page,
) -> Result<Paged<User>, IdentityError> {
    let filter = UserFilter {
        organization_id: visible_organization(principal),
        ..filter
    };
    Ok(list_users(conn, &filter, page)?)
}

/// A user an admin creates: active, no roles, no password until one is set.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    /// Login name.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
    /// Another organization (super admins only); `None` is the admin's own.
    pub organization_id: Option<OrganizationId>,
}

/// An admin creates a user; audited `user_created`.
pub fn create_user_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    input: CreatedUser,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let organization_id = input.organization_id.unwrap_or(principal.organization_id);
    if !principal.can_reach(organization_id) {
        return Err(IdentityError::Forbidden(
            "only a super admin can create users in another organization".into(),
        ));
    }
    let new = NewUser {
        organization_id,
        email: input.email,
        full_name: input.full_name,
        status: UserStatus::Active,
        roles: Vec::new(),
    };
    create_user(conn, ctx, &new, EventType::UserCreated, at)
}

/// Changes an admin asks for: a new name, the active flag, a new role set (names).
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    /// New display name.
    pub full_name: Option<String>,
    /// Activate or disable.
    pub active: Option<bool>,
    /// Replace the roles.
    pub roles: Option<Vec<String>>,
}

/// Admins cannot lock themselves out by disabling their own account.
fn guard_self(principal: &Principal, target: UserId, disabling: bool) -> Result<(), IdentityError> {
    if disabling && principal.user_id == target {
        return Err(IdentityError::WrongState(
            "you cannot disable your own account".into(),
        ));
    }
    Ok(())
}

/// An admin changes a user; audited per change (`user_updated`, `user_disabled`,
/// `roles_changed`).
pub fn update_user_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: UserId,
    patch: UserPatch,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    guard_self(principal, id, patch.active == Some(false))?;
    owp_db::write_transaction(conn, |conn| {
        let target = get_visible_user(conn, principal, id)?;
        let roles = match &patch.roles {
            Some(names) => Some(assignable_roles(
                conn,
                principal,
                target.organization_id,
                names,
            )?),
            None => None,
        };
        let change = UserChange {
            full_name: patch.full_name,
            active: patch.active,
            roles,
        };
        update_user(conn, ctx, id, &change, at)
    })
}

/// An admin disables a user (history and audit stay); disabling a disabled user changes
/// nothing.
pub fn disable_user_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: UserId,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    guard_self(principal, id, true)?;
    owp_db::write_transaction(conn, |conn| {
        let target = get_visible_user(conn, principal, id)?;
        if target.status == UserStatus::Disabled {
            return Ok(target);
        }
        let change = UserChange {
            active: Some(false),
            ..UserChange::default()
        };
        update_user(conn, ctx, id, &change, at)
    })
}

/// An admin sets a user's password (`phc`, hashed by the caller on the blocking pool) and
/// every session of that user ends but the admin's own; audited `password_set`.
pub fn set_password_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: UserId,
    phc: &str,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    let keep = (principal.user_id == id)
        .then_some(principal.session_id)
        .flatten();
    owp_db::write_transaction(conn, |conn| {
        get_visible_user(conn, principal, id)?;
        store_password_hash(conn, ctx, id, phc, EventType::PasswordSet, at)?;
        close_other_sessions(conn, id, keep, at)?;
        Ok(())
    })
}

/// An admin's decision on a pending registration: roles by name (default `user`).
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// Approve or reject.
    pub approved: bool,
    /// Role names to give on approval (`None`: `user`).
    pub roles: Option<Vec<String>>,
    /// Allowlists to set on approval.
    pub grants: Grants,
    /// A note kept on the user.
    pub admin_notes: Option<String>,
}

/// An admin approves or rejects a pending user.
pub fn decide_registration(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: UserId,
    decision: Decision,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let target = get_visible_user(conn, principal, id)?;
        let roles = if decision.approved {
            let names = decision.roles.unwrap_or_else(|| vec!["user".to_owned()]);
            assignable_roles(conn, principal, target.organization_id, &names)?
        } else {
            Vec::new()
        };
        let approval = Approval {
            approved: decision.approved,
            roles,
            grants: decision.grants,
            admin_notes: decision.admin_notes,
        };
        approve(conn, ctx, id, &approval, at)
    })
}

/// An admin replaces a user's model and tool allowlists.
pub fn set_grants_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: UserId,
    grants: &Grants,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        get_visible_user(conn, principal, id)?;
        set_grants(conn, ctx, id, grants, at)
    })
}
