//! The first admin: created once, with a password and a `bootstrap` API key whose secrets are
//! handed back exactly once for the caller to print.

use chrono::NaiveDateTime;
use owp_audit::{AuditContext, EventType};
use owp_credentials::{
    NewApiKey, has_api_key_labelled, hash_password, issue_api_key, password_hash_of,
    store_password_hash,
};
use owp_db::AnyConnection;
use owp_rbac::{resolve_role_names, seed_system_roles};
use rand::RngCore;

use crate::IdentityError;
use crate::organizations::default_organization;
use crate::users::{NewUser, UserStatus, create_user, find_login};

/// The bootstrap admin's login.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// Label of the bootstrap API key.
pub const BOOTSTRAP_KEY_LABEL: &str = "bootstrap";

/// How to set the admin password.
#[derive(Debug, Clone, Default)]
pub struct BootstrapOptions {
    /// `ADMIN_BOOTSTRAP_PASSWORD`; `None` means `admin` locally and a random one in prod.
    pub password: Option<String>,
    /// `ADMIN_BOOTSTRAP_PASSWORD_FORCE`: reset an existing admin's password.
    pub force: bool,
    /// Production: never fall back to `admin`.
    pub prod: bool,
}

/// Secrets created by this run; `None` where nothing new was made.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BootstrapReport {
    /// The admin login.
    pub email: String,
    /// The password, when set by this run.
    pub password: Option<String>,
    /// The API key, when issued by this run.
    pub api_key: Option<String>,
}

impl std::fmt::Debug for BootstrapReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BootstrapReport")
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .finish()
    }
}

/// How the bootstrap admin stands, for `owp doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminState {
    /// Active with a password: an operator can sign in.
    Usable,
    /// Not created yet (`owp seed` or the first `owp serve` creates it).
    Missing,
    /// Exists but may not sign in (disabled, …).
    Inactive(&'static str),
    /// Exists without a password credential.
    NoPassword,
}

/// Whether the bootstrap admin (`admin@example.com`) can sign in.
pub fn admin_state(conn: &mut AnyConnection) -> Result<AdminState, IdentityError> {
    let Some(admin) = find_login(conn, ADMIN_EMAIL)? else {
        return Ok(AdminState::Missing);
    };
    if admin.status != UserStatus::Active {
        return Ok(AdminState::Inactive(admin.status.as_str()));
    }
    if password_hash_of(conn, admin.id)?.is_none() {
        return Ok(AdminState::NoPassword);
    }
    Ok(AdminState::Usable)
}

/// A random password (36 hex characters), for accounts whose first password nobody chose.
pub fn random_password() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Seeds system roles and makes sure the admin exists with a password and a bootstrap key.
/// Running it again changes nothing unless `force` asks for a new password. Its events are
/// recorded under `ctx` (the system context, carrying the server's audit chain key).
pub fn bootstrap(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    options: &BootstrapOptions,
    at: NaiveDateTime,
) -> Result<BootstrapReport, IdentityError> {
    seed_system_roles(conn, at)?;
    let mut report = BootstrapReport {
        email: ADMIN_EMAIL.to_owned(),
        ..BootstrapReport::default()
    };
    let chosen_password = || {
        options.password.clone().unwrap_or_else(|| {
            if options.prod {
                random_password()
            } else {
                "admin".to_owned()
            }
        })
    };
    let admin = match find_login(conn, ADMIN_EMAIL)? {
        Some(existing) => {
            if options.force {
                let password = chosen_password();
                store(
                    conn,
                    ctx,
                    existing.id,
                    &password,
                    EventType::PasswordSet,
                    at,
                )?;
                report.password = Some(password);
            }
            existing.id
        }
        None => {
            let organization = default_organization(conn)?;
            let roles = resolve_role_names(
                conn,
                organization.id,
                &["super_admin".into(), "admin".into()],
            )?;
            let new = NewUser {
                organization_id: organization.id,
                email: ADMIN_EMAIL.to_owned(),
                full_name: Some("Administrator".to_owned()),
                status: UserStatus::Active,
                roles,
            };
            let user = create_user(conn, ctx, &new, EventType::UserCreated, at)?;
            let password = chosen_password();
            store(conn, ctx, user.id, &password, EventType::PasswordSet, at)?;
            report.password = Some(password);
            user.id
        }
    };
    if !has_api_key_labelled(conn, admin, BOOTSTRAP_KEY_LABEL)? {
        let key = NewApiKey {
            label: BOOTSTRAP_KEY_LABEL.to_owned(),
            expires_at: None,
            scopes: None,
            allowed_model_ids: None,
        };
        let (_, secret) = issue_api_key(conn, ctx, admin, &key, at)
            .map_err(|e| IdentityError::Invalid("api_key", e.to_string()))?;
        report.api_key = Some(secret);
    }
    Ok(report)
}

fn store(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    user: owp_db::ids::UserId,
    password: &str,
    event: EventType,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    let phc =
        hash_password(password).map_err(|e| IdentityError::Invalid("password", e.to_string()))?;
    store_password_hash(conn, ctx, user, &phc, event, at)?;
    Ok(())
}
