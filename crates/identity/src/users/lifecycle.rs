//! Changing users: profile, active flag, roles, approval, grants, sign-in bookkeeping.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::AnyConnection;
use owp_db::ids::{RoleId, UserId};
use owp_db::model_name::canonical_list;
use owp_db::schema::{sessions, users};
use owp_rbac::{Grants, set_user_roles};

use super::store::{User, UserStatus, get_user};
use crate::IdentityError;

/// An admin's change to a user; unset fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// New display name (empty clears it).
    pub full_name: Option<String>,
    /// `true` activates a disabled user, `false` disables an active one.
    pub active: Option<bool>,
    /// Replace the role set.
    pub roles: Option<Vec<RoleId>>,
}

/// Applies `change`; audited `user_updated`, plus `user_disabled` and `roles_changed` when those
/// happen. Disabling ends the user's sessions at once.
pub fn update_user(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    id: UserId,
    change: &UserChange,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let current = get_user(conn, id)?;
        if let Some(name) = &change.full_name {
            let name = name.trim();
            if name.chars().count() > 200 {
                return Err(IdentityError::Invalid(
                    "full_name",
                    "must be at most 200 characters".into(),
                ));
            }
            diesel::update(users::table.find(id.to_string()))
                .set(users::full_name.eq((!name.is_empty()).then_some(name)))
                .execute(conn)?;
        }
        if let Some(active) = change.active {
            let next = match (current.status, active) {
                (UserStatus::Active | UserStatus::Disabled, true) => UserStatus::Active,
                (UserStatus::Active | UserStatus::Disabled, false) => UserStatus::Disabled,
                (status, _) => {
                    return Err(IdentityError::WrongState(format!(
                        "a {} user is activated through approval, not this flag",
                        status.as_str()
                    )));
                }
            };
            set_status(conn, ctx, &current, next, at)?;
        }
        if let Some(roles) = &change.roles {
            set_user_roles(conn, ctx, id, roles, at)?;
        }
        diesel::update(users::table.find(id.to_string()))
            .set(users::updated_at.eq(at))
            .execute(conn)?;
        let event = NewAuditEvent::new(EventType::UserUpdated)
            .subject(id)
            .detail(serde_json::json!({
                "full_name": change.full_name.is_some(),
                "active": change.active,
                "roles": change.roles.is_some(),
            }));
        record(conn, ctx, &event, at)?;
        Ok(get_user(conn, id)?)
    })
}

fn set_status(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: &User,
    next: UserStatus,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    if user.status == next {
        return Ok(());
    }
    diesel::update(users::table.find(user.id.to_string()))
        .set(users::status.eq(next.as_str()))
        .execute(conn)?;
    if next == UserStatus::Disabled {
        diesel::update(
            sessions::table
                .filter(sessions::user_id.eq(user.id.to_string()))
                .filter(sessions::revoked_at.is_null()),
        )
        .set(sessions::revoked_at.eq(at))
        .execute(conn)?;
        record(
            conn,
            ctx,
            &NewAuditEvent::new(EventType::UserDisabled).subject(user.id),
            at,
        )?;
    }
    Ok(())
}

/// An admin's decision on a pending registration.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    /// Approve (active) or reject.
    pub approved: bool,
    /// Roles to give on approval.
    pub roles: Vec<RoleId>,
    /// Allowlists to set on approval.
    pub grants: Grants,
    /// A note kept on the user.
    pub admin_notes: Option<String>,
}

/// Approves or rejects a pending user; audited `user_approved` / `user_rejected` (plus
/// `roles_changed` and `grant_changed` when approval sets them).
pub fn approve(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    id: UserId,
    decision: &Approval,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let current = get_user(conn, id)?;
        if current.status != UserStatus::Pending {
            return Err(IdentityError::WrongState(format!(
                "only pending users can be approved or rejected; this one is {}",
                current.status.as_str()
            )));
        }
        let (status, event) = if decision.approved {
            (UserStatus::Active, EventType::UserApproved)
        } else {
            (UserStatus::Rejected, EventType::UserRejected)
        };
        diesel::update(users::table.find(id.to_string()))
            .set((
                users::status.eq(status.as_str()),
                users::approved_by.eq(ctx.actor_user_id.map(|a| a.to_string())),
                users::approved_at.eq(at),
                users::admin_notes.eq(&decision.admin_notes),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if decision.approved {
            set_user_roles(conn, ctx, id, &decision.roles, at)?;
            if decision.grants != Grants::default() {
                set_grants(conn, ctx, id, &decision.grants, at)?;
            }
        }
        record(conn, ctx, &NewAuditEvent::new(event).subject(id), at)?;
        Ok(get_user(conn, id)?)
    })
}

/// Replaces a user's model and tool allowlists; audited `grant_changed`. Model names are stored
/// in their canonical spelling; one that is not a model name is refused, and so is a tool id
/// that is no tool of the user's organization.
pub fn set_grants(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    id: UserId,
    grants: &Grants,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let encode =
        |list: &Option<Vec<String>>| list.as_ref().map(|l| serde_json::json!(l).to_string());
    let grants = &Grants {
        allowed_model_ids: grants
            .allowed_model_ids
            .as_deref()
            .map(canonical_list)
            .transpose()
            .map_err(|e| IdentityError::Invalid("allowed_model_ids", e.to_string()))?,
        allowed_tool_ids: grants.allowed_tool_ids.clone(),
    };
    owp_db::write_transaction(conn, |conn| {
        if let Some(tools) = &grants.allowed_tool_ids {
            let organization: String = users::table
                .find(id.to_string())
                .select(users::organization_id)
                .first(conn)?;
            let organization = owp_db::ids::parse_stored_id(&organization)?;
            owp_rbac::check_tool_ids(conn, organization, tools)?;
        }
        let changed = diesel::update(users::table.find(id.to_string()))
            .set((
                users::allowed_model_ids.eq(encode(&grants.allowed_model_ids)),
                users::allowed_tool_ids.eq(encode(&grants.allowed_tool_ids)),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(owp_db::StoreError::NotFound.into());
        }
        let event = NewAuditEvent::new(EventType::GrantChanged)
            .subject(id)
            .detail(serde_json::json!(grants));
        record(conn, ctx, &event, at)?;
        Ok(get_user(conn, id)?)
    })
}

/// Stamps a successful sign-in and records `login_success`.
pub fn record_login(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    id: UserId,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        diesel::update(users::table.find(id.to_string()))
            .set(users::last_login_at.eq(at))
            .execute(conn)?;
        record(
            conn,
            ctx,
            &NewAuditEvent::new(EventType::LoginSuccess).subject(id),
            at,
        )?;
        Ok(())
    })
}
