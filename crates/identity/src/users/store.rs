//! Reading and creating users.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{OrganizationId, RoleId, UserId, parse_stored_id};
use owp_db::schema::{roles, user_roles, users};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::{Grants, parse_list, role_names_of, set_user_roles};

use super::email::normalize_email;
use crate::IdentityError;

/// Where an account is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    /// Registered, waiting for approval; cannot sign in.
    Pending,
    /// Can sign in.
    Active,
    /// Switched off by an admin; history stays.
    Disabled,
    /// Registration refused.
    Rejected,
}

impl UserStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Pending => "pending",
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
            UserStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "pending" => Ok(UserStatus::Pending),
            "active" => Ok(UserStatus::Active),
            "disabled" => Ok(UserStatus::Disabled),
            "rejected" => Ok(UserStatus::Rejected),
            other => Err(StoreError::Internal(format!(
                "unknown user status {other:?}"
            ))),
        }
    }
}

/// A user as the API shows it (never any credential).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// The tenant.
    pub organization_id: OrganizationId,
    /// Login name, as typed.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
    /// Lifecycle state.
    pub status: UserStatus,
    /// Who approved or rejected the registration.
    pub approved_by: Option<String>,
    /// When.
    pub approved_at: Option<NaiveDateTime>,
    /// The approving admin's note.
    pub admin_notes: Option<String>,
    /// Last successful sign-in.
    pub last_login_at: Option<NaiveDateTime>,
    /// Role names.
    pub roles: Vec<String>,
    /// Model and tool allowlists.
    pub grants: Grants,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(super) struct UserRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub full_name: Option<String>,
    pub status: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub admin_notes: Option<String>,
    pub allowed_model_ids: Option<String>,
    pub allowed_tool_ids: Option<String>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub(super) fn hydrate(conn: &mut AnyConnection, row: UserRow) -> Result<User, StoreError> {
    let id: UserId = parse_stored_id(&row.id)?;
    let roles = role_names_of(conn, id)?;
    with_roles(row, roles)
}

fn with_roles(row: UserRow, roles: Vec<String>) -> Result<User, StoreError> {
    Ok(User {
        id: parse_stored_id(&row.id)?,
        organization_id: parse_stored_id(&row.organization_id)?,
        roles,
        grants: Grants {
            allowed_model_ids: parse_list(row.allowed_model_ids.as_deref()),
            allowed_tool_ids: parse_list(row.allowed_tool_ids.as_deref()),
        },
        email: row.email,
        full_name: row.full_name,
        status: UserStatus::parse(&row.status)?,
        approved_by: row.approved_by,
        approved_at: row.approved_at,
        admin_notes: row.admin_notes,
        last_login_at: row.last_login_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The tenant.
    pub organization_id: OrganizationId,
    /// Login name.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
    /// Initial state.
    pub status: UserStatus,
    /// Initial roles.
    pub roles: Vec<RoleId>,
}

/// Creates a user with its roles and records `event` (`user_created` or `user_registered`) in
/// one transaction. A taken email (any case) is a Conflict on `email`.
pub fn create_user(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    new: &NewUser,
    event: EventType,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    let (email, key) = normalize_email(&new.email)?;
    let full_name = new
        .full_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if full_name.is_some_and(|n| n.chars().count() > 200) {
        return Err(IdentityError::Invalid(
            "full_name",
            "must be at most 200 characters".into(),
        ));
    }
    let id = UserId::new();
    owp_db::write_transaction(conn, |conn| {
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id.to_string()),
                users::organization_id.eq(new.organization_id.to_string()),
                users::email.eq(&email),
                users::email_normalized.eq(&key),
                users::full_name.eq(full_name),
                users::status.eq(new.status.as_str()),
                users::created_at.eq(at),
                users::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(|e| rename_conflict(e.into()))?;
        if !new.roles.is_empty() {
            set_user_roles(conn, ctx, id, &new.roles, at)?;
        }
        let audit = NewAuditEvent::new(event)
            .subject(id)
            .detail(serde_json::json!({"email": email, "status": new.status.as_str()}));
        record(conn, ctx, &audit, at)?;
        Ok(get_user(conn, id)?)
    })
}

/// Creates a user and its password credential in one transaction (registration, invitations,
/// admin creation with a password), so no account exists without its password.
pub fn create_user_with_password(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    new: &NewUser,
    event: EventType,
    password_phc: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let user = create_user(conn, ctx, new, event, at)?;
        owp_credentials::store_password_hash(
            conn,
            ctx,
            user.id,
            password_phc,
            EventType::PasswordSet,
            at,
        )?;
        Ok(user)
    })
}

/// The unique key is on `email_normalized`; callers know the field as `email`.
pub(super) fn rename_conflict(err: StoreError) -> StoreError {
    match err {
        StoreError::Conflict { field } if field == "email_normalized" => StoreError::Conflict {
            field: "email".into(),
        },
        other => other,
    }
}

/// A user by id.
pub fn get_user(conn: &mut AnyConnection, id: UserId) -> Result<User, StoreError> {
    let row = users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)?;
    hydrate(conn, row)
}

/// What sign-in needs to know about an email.
#[derive(Debug, Clone)]
pub struct LoginCandidate {
    /// The account.
    pub id: UserId,
    /// Its tenant.
    pub organization_id: OrganizationId,
    /// Its state (only `active` may sign in).
    pub status: UserStatus,
}

/// Looks a login name up case-insensitively.
pub fn find_login(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<LoginCandidate>, StoreError> {
    let key = email.trim().to_lowercase();
    let row: Option<(String, String, String)> = users::table
        .filter(users::email_normalized.eq(key))
        .select((users::id, users::organization_id, users::status))
        .first(conn)
        .optional()?;
    row.map(|(id, org, status)| {
        Ok(LoginCandidate {
            id: parse_stored_id(&id)?,
            organization_id: parse_stored_id(&org)?,
            status: UserStatus::parse(&status)?,
        })
    })
    .transpose()
}

/// Narrows [`list_users`].
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Only this tenant (`None` = all, for super admins).
    pub organization_id: Option<OrganizationId>,
    /// Only this state.
    pub status: Option<UserStatus>,
    /// Only holders of this role name.
    pub role: Option<String>,
    /// Substring of email or name (case-insensitive).
    pub text: Option<String>,
}

fn filtered(filter: &UserFilter) -> users::BoxedQuery<'static, owp_db::AnyBackend> {
    let mut q = users::table.into_boxed();
    if let Some(org) = filter.organization_id {
        q = q.filter(users::organization_id.eq(org.to_string()));
    }
    if let Some(status) = filter.status {
        q = q.filter(users::status.eq(status.as_str()));
    }
    if let Some(role) = &filter.role {
        let holders = user_roles::table
            .inner_join(roles::table)
            .filter(roles::name.eq(role.clone()))
            .select(user_roles::user_id);
        q = q.filter(users::id.eq_any(holders));
    }
    if let Some(text) = &filter.text {
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        q = q.filter(
            users::email_normalized
                .like(pattern.clone())
                .escape('\\')
                .or(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "lower(coalesce(full_name, '')) LIKE ",
                )
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\'")),
        );
    }
    q
}

/// Users matching `filter`, newest first.
pub fn list_users(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    page: Page,
) -> Result<Paged<User>, StoreError> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((users::created_at.desc(), users::id.desc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(UserRow::as_select())
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let holdings: Vec<(String, String)> = user_roles::table
        .inner_join(roles::table)
        .filter(user_roles::user_id.eq_any(ids))
        .order(roles::name.asc())
        .select((user_roles::user_id, roles::name))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| {
            let names = holdings
                .iter()
                .filter(|(user, _)| *user == row.id)
                .map(|(_, name)| name.clone())
                .collect();
            with_roles(row, names)
        })
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}
