//! Invitations: single-use, expiring tokens that let someone create an active account in an
//! organization with preset roles, without open registration.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{InvitationId, OrganizationId};
use owp_db::schema::{invitations, users};
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::{Principal, resolve_role_names};
use rand::RngCore;

use crate::IdentityError;
use crate::sessions::token_digest;
use crate::users::{
    NewUser, User, UserStatus, assignable_roles, create_user_with_password, normalize_email,
};

/// How long an invitation stays valid.
pub const INVITATION_TTL: TimeDelta = TimeDelta::days(7);

/// An invitation as admins see it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invitation {
    /// Id.
    pub id: InvitationId,
    /// Where the invitee lands.
    pub organization_id: OrganizationId,
    /// Who is invited.
    pub email: String,
    /// Roles given on acceptance.
    pub roles: Vec<String>,
    /// The inviting admin.
    pub created_by: Option<String>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub expires_at: NaiveDateTime,
    /// When accepted.
    pub accepted_at: Option<NaiveDateTime>,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl Invitation {
    /// `pending`, `accepted`, `revoked` or `expired` at `now`.
    pub fn state(&self, now: NaiveDateTime) -> &'static str {
        if self.accepted_at.is_some() {
            "accepted"
        } else if self.revoked_at.is_some() {
            "revoked"
        } else if self.expires_at <= now {
            "expired"
        } else {
            "pending"
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations)]
struct InvitationRow {
    id: String,
    organization_id: String,
    email: String,
    roles: String,
    created_by: Option<String>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    accepted_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = StoreError;

    fn try_from(row: InvitationRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Internal(format!("malformed invitation {what}"));
        Ok(Invitation {
            id: row.id.parse().map_err(|_| bad("id"))?,
            organization_id: row
                .organization_id
                .parse()
                .map_err(|_| bad("organization"))?,
            email: row.email,
            roles: serde_json::from_str(&row.roles).map_err(|_| bad("roles"))?,
            created_by: row.created_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
            accepted_at: row.accepted_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// An admin invites `email` into their own organization with role names (default `user`;
/// `super_admin` only from a super admin); returns the invitation and its one-time token.
pub fn invite_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    email: &str,
    roles: Option<Vec<String>>,
    at: NaiveDateTime,
) -> Result<(Invitation, String), IdentityError> {
    let roles = roles.unwrap_or_else(|| vec!["user".to_owned()]);
    let organization = principal.organization_id;
    assignable_roles(conn, principal, organization, &roles)?;
    create_invitation(conn, ctx, organization, email, &roles, at)
}

/// Invites `email` into `organization` with `roles`; returns the invitation and its one-time
/// token. An email that already has an account is a Conflict on `email`.
pub fn create_invitation(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    organization: OrganizationId,
    email: &str,
    roles: &[String],
    at: NaiveDateTime,
) -> Result<(Invitation, String), IdentityError> {
    let (email, key) = normalize_email(email)?;
    resolve_role_names(conn, organization, roles)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let id = InvitationId::new();
    owp_db::write_transaction(conn, |conn| {
        let taken: i64 = users::table
            .filter(users::email_normalized.eq(&key))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(StoreError::Conflict {
                field: "email".into(),
            }
            .into());
        }
        diesel::insert_into(invitations::table)
            .values((
                invitations::id.eq(id.to_string()),
                invitations::organization_id.eq(organization.to_string()),
                invitations::email.eq(&email),
                invitations::roles.eq(serde_json::json!(roles).to_string()),
                invitations::token_hash.eq(token_digest(&token)),
                invitations::created_by.eq(ctx.actor_user_id.map(|u| u.to_string())),
                invitations::created_at.eq(at),
                invitations::expires_at.eq(at + INVITATION_TTL),
            ))
            .execute(conn)?;
        let event = NewAuditEvent::new(EventType::InvitationCreated)
            .detail(serde_json::json!({"invitation_id": id, "email": email, "roles": roles}));
        record(conn, ctx, &event, at)?;
        Ok((get(conn, id)?, token))
    })
}

fn get(conn: &mut AnyConnection, id: InvitationId) -> Result<Invitation, StoreError> {
    invitations::table
        .find(id.to_string())
        .select(InvitationRow::as_select())
        .first(conn)?
        .try_into()
}

/// Invitations of `organization` (`None` = all), newest first.
pub fn list_invitations(
    conn: &mut AnyConnection,
    organization: Option<OrganizationId>,
    page: Page,
) -> Result<Paged<Invitation>, StoreError> {
    let scoped = || {
        let mut q = invitations::table.into_boxed();
        if let Some(org) = organization {
            q = q.filter(invitations::organization_id.eq(org.to_string()));
        }
        q
    };
    let total = scoped().count().get_result(conn)?;
    let rows = scoped()
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(InvitationRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Invitation::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// Withdraws a pending invitation of `organization` (`None` = any); another organization's is
/// NotFound.
pub fn revoke_invitation(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    organization: Option<OrganizationId>,
    id: InvitationId,
    at: NaiveDateTime,
) -> Result<Invitation, StoreError> {
    owp_db::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        if organization.is_some_and(|org| org != current.organization_id) {
            return Err(StoreError::NotFound);
        }
        if current.state(at) != "pending" {
            return Ok(current);
        }
        diesel::update(invitations::table.find(id.to_string()))
            .set(invitations::revoked_at.eq(at))
            .execute(conn)?;
        let event = NewAuditEvent::new(EventType::InvitationRevoked)
            .detail(serde_json::json!({"invitation_id": id}));
        record(conn, ctx, &event, at)?;
        get(conn, id)
    })
}

/// Creates the invited account (active, with the invitation's roles and this password) and
/// marks the invitation used, in one transaction.
pub fn accept_invitation(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    token: &str,
    full_name: Option<String>,
    password_phc: &str,
    at: NaiveDateTime,
) -> Result<User, IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let row: Option<InvitationRow> = invitations::table
            .filter(invitations::token_hash.eq(token_digest(token)))
            .select(InvitationRow::as_select())
            .first(conn)
            .optional()?;
        let invitation = Invitation::try_from(row.ok_or(IdentityError::UnknownInvitation)?)?;
        match invitation.state(at) {
            "pending" => {}
            used => return Err(IdentityError::SpentInvitation(used)),
        }
        let roles = resolve_role_names(conn, invitation.organization_id, &invitation.roles)
            .map_err(IdentityError::from)?;
        let mut ctx = ctx.clone();
        ctx.organization_id = Some(invitation.organization_id);
        let new = NewUser {
            organization_id: invitation.organization_id,
            email: invitation.email.clone(),
            full_name,
            status: UserStatus::Active,
            roles,
        };
        let user =
            create_user_with_password(conn, &ctx, &new, EventType::UserCreated, password_phc, at)?;
        diesel::update(invitations::table.find(invitation.id.to_string()))
            .set((
                invitations::accepted_at.eq(at),
                invitations::accepted_user_id.eq(user.id.to_string()),
            ))
            .execute(conn)?;
        let event = NewAuditEvent::new(EventType::InvitationAccepted)
            .subject(user.id)
            .detail(serde_json::json!({"invitation_id": invitation.id}));
        record(conn, &ctx, &event, at)?;
        Ok(user)
    })
}
