//! What the platform's operator does from the `owp` command line (`owp user …`,
//! `owp api-key …`): one function per command, each naming users by email and running the same
//! operation an admin's HTTP request runs — with its checks and its audit events in one
//! transaction — as the operator [`Principal`]: every permission, across organizations, no
//! account of its own. Callers pass an [`AuditContext::cli`] so every event says the CLI acted.

use chrono::NaiveDateTime;
use owp_audit::{AuditContext, EventType};
use owp_credentials::{ApiKeyInfo, api_key_owner, generate_api_key, hash_api_key};
use owp_db::ids::{CredentialId, UserId};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::{Grants, Principal, permissions, resolve_role_names};

use crate::IdentityError;
use crate::api_keys::{KeyRequest, issue_key_as, list_keys_as, prepare_key, revoke_key_as};
use crate::organizations::default_organization;
use crate::users::{
    Decision, NewUser, User, UserFilter, UserPatch, UserStatus, create_user_with_password,
    decide_registration, disable_user_as, find_login, get_user, list_visible_users,
    set_password_as, update_user_as,
};

/// The operator: every permission (a super admin), in the default organization, with the nil
/// user id, which no account has, so the self-lockout and own-key rules never apply to it.
fn operator(conn: &mut AnyConnection) -> Result<Principal, IdentityError> {
    let organization = default_organization(conn)?;
    Ok(Principal {
        user_id: UserId(uuid::Uuid::nil()),
        organization_id: organization.id,
        roles: vec!["super_admin".to_owned()],
        permissions: permissions::ALL.iter().map(|p| p.name.to_owned()).collect(),
        allowed_model_ids: None,
        allowed_tool_ids: None,
        allowed_tool_names: None,
        session_id: None,
        credential_id: None,
    })
}

/// The id of the user with login `email` (any case); an unknown email is refused by name.
fn user_by_email(conn: &mut AnyConnection, email: &str) -> Result<UserId, IdentityError> {
    find_login(conn, email)?
        .map(|found| found.id)
        .ok_or_else(|| IdentityError::Invalid("email", format!("no user has the email {email:?}")))
}

/// Users of every organization matching `filter`, newest first.
pub fn list_users(
    conn: &mut AnyConnection,
    filter: UserFilter,
    page: Page,
) -> Result<Paged<User>, IdentityError> {
    let operator = operator(conn)?;
    list_visible_users(conn, &operator, filter, page)
}

/// A user the operator creates: active in the default organization, with these roles.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
    /// Role names (each must exist).
    pub roles: Vec<String>,
}

/// Creates an active user with its roles and password (`phc`, hashed by the caller off the
/// async workers) in one transaction; audited `user_created`, `roles_changed`, `password_set`.
pub fn create_user(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    account: NewAccount,
    phc: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let organization = default_organization(conn)?;
    let roles = resolve_role_names(conn, organization.id, &account.roles)?;
    let new = NewUser {
        organization_id: organization.id,
        email: account.email,
        full_name: account.full_name,
        status: UserStatus::Active,
        roles,
    };
    create_user_with_password(conn, ctx, &new, EventType::UserCreated, phc, at)
}

/// Approves a pending user with `roles` (none given: `user`); audited `user_approved`.
pub fn approve_user(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    roles: Vec<String>,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let operator = operator(conn)?;
    let id = user_by_email(conn, email)?;
    let decision = Decision {
        approved: true,
        roles: (!roles.is_empty()).then_some(roles),
        grants: Grants::default(),
        admin_notes: None,
    };
    decide_registration(conn, &operator, ctx, id, decision, at)
}

/// Disables a user and ends their sessions; audited `user_disabled` (nothing when already).
pub fn disable_user(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let operator = operator(conn)?;
    let id = user_by_email(conn, email)?;
    disable_user_as(conn, &operator, ctx, id, at)
}

/// Sets a user's password (`phc`, hashed by the caller) and ends every session of theirs;
/// audited `password_set`.
pub fn set_password(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    phc: &str,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    let operator = operator(conn)?;
    let id = user_by_email(conn, email)?;
    set_password_as(conn, &operator, ctx, id, phc, at)
}

/// Adds role `role` to a user's roles (holding it already changes nothing); audited
/// `roles_changed`.
pub fn grant_role(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    role: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let operator = operator(conn)?;
    owp_db::write_transaction(conn, |conn| {
        let id = user_by_email(conn, email)?;
        let mut roles = get_user(conn, id)?.roles;
        if roles.iter().any(|held| held == role) {
            return Ok(get_user(conn, id)?);
        }
        roles.push(role.to_owned());
        let patch = UserPatch {
            roles: Some(roles),
            ..UserPatch::default()
        };
        update_user_as(conn, &operator, ctx, id, patch, at)
    })
}

/// Issues an API key for a user and returns it with its secret, to be shown once; audited
/// `api_key_issued`. The secret is hashed (argon2) between the checks and the write, outside
/// any transaction.
pub fn issue_key(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    email: &str,
    request: KeyRequest,
    at: NaiveDateTime,
) -> Result<(ApiKeyInfo, String), IdentityError> {
    let operator = operator(conn)?;
    let owner = user_by_email(conn, email)?;
    let key = prepare_key(conn, &operator, owner, request, at)?;
    let (prefix, secret) = generate_api_key();
    let hash = hash_api_key(&secret).map_err(|e| StoreError::Internal(e.to_string()))?;
    let info = issue_key_as(conn, &operator, ctx, owner, &key, &prefix, &hash, at)?;
    Ok((info, secret))
}

/// A user's API keys, revoked ones included (never a secret or hash).
pub fn list_keys(conn: &mut AnyConnection, email: &str) -> Result<Vec<ApiKeyInfo>, IdentityError> {
    let operator = operator(conn)?;
    let owner = user_by_email(conn, email)?;
    list_keys_as(conn, &operator, owner)
}

/// Revokes the API key `key` whoever owns it; audited `api_key_revoked` once.
pub fn revoke_key(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    key: CredentialId,
    at: NaiveDateTime,
) -> Result<ApiKeyInfo, IdentityError> {
    let operator = operator(conn)?;
    let owner = api_key_owner(conn, key).map_err(|err| match err {
        StoreError::NotFound => {
            IdentityError::Invalid("key", format!("no API key has the id {key}"))
        }
        other => other.into(),
    })?;
    revoke_key_as(conn, &operator, ctx, owner, key, at)
}
