//! Accounts people create for themselves (`SIGNUP_MODE`), and changing one's own password:
//! each one operation that decides the policy, writes and audits in one transaction.

use chrono::NaiveDateTime;
use owp_audit::{AuditContext, EventType};
use owp_credentials::{
    hash_password, password_hash_of, store_password_hash, validate_new_password, verify_password,
};
use owp_db::{AnyConnection, Database, StoreError, spawn_blocking};
use owp_rbac::{Principal, resolve_role_names};

use super::store::{NewUser, User, UserStatus, create_user_with_password};
use crate::IdentityError;
use crate::organizations::default_organization;
use crate::sessions::close_other_sessions;

/// Who may create an account without an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupMode {
    /// New accounts wait for an admin's approval.
    Approval,
    /// New accounts are active at once with the `user` role.
    Open,
    /// Registration is refused.
    Closed,
}

impl SignupMode {
    /// Refuses registration when it is closed, before anything is hashed or counted.
    pub fn check_open(self) -> Result<(), IdentityError> {
        match self {
            SignupMode::Closed => Err(IdentityError::Forbidden(
                "registration is closed; ask an admin for an invitation".into(),
            )),
            SignupMode::Approval | SignupMode::Open => Ok(()),
        }
    }
}

/// A person's own registration.
#[derive(Debug, Clone)]
pub struct SelfRegistration {
    /// Login name.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
}

/// Creates the account in the default organization: pending in approval mode, active with the
/// `user` role in open mode; audited `user_registered` under that organization. `phc` is the
/// password hashed by the caller on its blocking pool.
pub fn register(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    mode: SignupMode,
    input: SelfRegistration,
    phc: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    mode.check_open()?;
    owp_db::write_transaction(conn, |conn| {
        let organization = default_organization(conn)?;
        let (status, roles) = match mode {
            SignupMode::Open => (
                UserStatus::Active,
                resolve_role_names(conn, organization.id, &["user".to_owned()])?,
            ),
            _ => (UserStatus::Pending, Vec::new()),
        };
        let new = NewUser {
            organization_id: organization.id,
            email: input.email,
            full_name: input.full_name,
            status,
            roles,
        };
        let mut ctx = ctx.clone();
        ctx.organization_id = Some(organization.id);
        create_user_with_password(conn, &ctx, &new, EventType::UserRegistered, phc, at)
    })
}

/// Changes the caller's own password: the new one must follow the rules (422 naming
/// `new_password`) and `current` must be the stored one (422 naming `current_password`); then
/// the new hash is stored and every other session of the account ends, audited
/// `password_changed`, in one transaction. Argon2 runs on the blocking pool between two short
/// store visits, so no pooled connection waits on it.
pub async fn change_own_password(
    db: &Database,
    principal: &Principal,
    ctx: AuditContext,
    current: String,
    new: String,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    validate_new_password(&new)
        .map_err(|e| IdentityError::Invalid("new_password", e.to_string()))?;
    let user = principal.user_id;
    let stored = db.run(move |conn| password_hash_of(conn, user)).await?;
    let hashed = spawn_blocking(move || {
        let matches = stored.is_some_and(|(_, phc)| verify_password(&phc, &current));
        matches.then(|| hash_password(&new))
    })
    .await?
    .ok_or_else(|| IdentityError::Invalid("current_password", "is not correct".into()))?
    .map_err(|e| IdentityError::Store(StoreError::Internal(e.to_string())))?;
    let session = principal.session_id;
    db.run(move |conn| {
        owp_db::write_transaction(conn, |conn| {
            store_password_hash(conn, &ctx, user, &hashed, EventType::PasswordChanged, at)?;
            close_other_sessions(conn, user, session, at)?;
            Ok(())
        })
    })
    .await
}

/// The caller's own account and organization ("who am I"), read together.
pub fn own_account(
    conn: &mut AnyConnection,
    principal: &Principal,
) -> Result<(User, crate::organizations::Organization), IdentityError> {
    Ok((
        super::store::get_user(conn, principal.user_id)?,
        crate::organizations::get(conn, principal.organization_id)?,
    ))
}
