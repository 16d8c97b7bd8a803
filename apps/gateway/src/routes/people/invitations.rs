//! Invitations: admins invite by email with roles; the invitee accepts with a password.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use owp_db::ids::InvitationId;
use owp_identity::invitations::{self, Invitation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::auth::{Auth, audit_context};
use crate::http::passwords::hash_new_password;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::routes::views::UserView;
use crate::state::AppState;
use owp_identity::users::visible_organization;

/// An invitation (never its token).
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    /// Id.
    id: String,
    /// Where the invitee lands.
    organization_id: String,
    /// Who is invited.
    email: String,
    /// Roles given on acceptance.
    roles: Vec<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    state: &'static str,
    /// The inviting admin.
    created_by: Option<String>,
    /// UTC.
    created_at: NaiveDateTime,
    /// UTC.
    expires_at: NaiveDateTime,
    /// When accepted.
    accepted_at: Option<NaiveDateTime>,
    /// When revoked.
    revoked_at: Option<NaiveDateTime>,
}

impl InvitationView {
    fn new(invitation: Invitation, now: NaiveDateTime) -> Self {
        Self {
            state: invitation.state(now),
            id: invitation.id.to_string(),
            organization_id: invitation.organization_id.to_string(),
            email: invitation.email,
            roles: invitation.roles,
            created_by: invitation.created_by,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            accepted_at: invitation.accepted_at,
            revoked_at: invitation.revoked_at,
        }
    }
}

/// Someone to invite.
#[derive(Deserialize, ToSchema)]
pub struct CreateInvitation {
    /// Their email.
    email: String,
    /// Role names given on acceptance (default `user`).
    roles: Option<Vec<String>>,
}

/// A new invitation and its one-time token.
#[derive(Serialize, ToSchema)]
pub struct CreatedInvitation {
    /// The invitation.
    invitation: InvitationView,
    /// Single-use token for `POST /api/v1/auth/accept-invite` (shown once).
    token: String,
    /// The SPA page that accepts it.
    link: String,
}

/// Invite someone to the caller's organization.
#[utoipa::path(
    tag = "invitations",
    request_body = CreateInvitation,
    responses((status = 201, body = CreatedInvitation), (status = 409, body = Problem, content_type = "application/problem+json", description = "the email has an account"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/invitations")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<CreateInvitation>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let (invitation, token) = state
        .db
        .run(move |conn| invitations::invite_as(conn, &auth.0, &ctx, &body.email, body.roles, at))
        .await?;
    let link = format!("/invite/accept?token={token}");
    Ok(HttpResponse::Created().json(CreatedInvitation {
        invitation: InvitationView::new(invitation, at),
        token,
        link,
    }))
}

/// A page of invitations.
#[derive(Serialize, ToSchema)]
pub struct InvitationPage {
    /// This page's invitations.
    items: Vec<InvitationView>,
    /// How many there are.
    total: i64,
}

/// List invitations, newest first.
#[utoipa::path(tag = "invitations", params(PageQuery), responses((status = 200, body = InvitationPage)), security(("bearer" = [])))]
#[get("/invitations")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PageQuery>,
) -> Result<web::Json<InvitationPage>, ApiError> {
    let page = page(query.limit, query.offset)?;
    let organization = visible_organization(&auth.0);
    let found = state
        .db
        .run(move |conn| invitations::list_invitations(conn, organization, page))
        .await?;
    let now = owp_db::time::now();
    Ok(web::Json(InvitationPage {
        items: found
            .items
            .into_iter()
            .map(|i| InvitationView::new(i, now))
            .collect(),
        total: found.total,
    }))
}

/// Withdraw an invitation.
#[utoipa::path(
    tag = "invitations",
    params(("id" = String, Path, description = "invitation id")),
    responses((status = 200, body = InvitationView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/invitations/{id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<InvitationId>,
) -> Result<web::Json<InvitationView>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let organization = visible_organization(&auth.0);
    let at = owp_db::time::now();
    let invitation = state
        .db
        .run(move |conn| invitations::revoke_invitation(conn, &ctx, organization, id, at))
        .await?;
    Ok(web::Json(InvitationView::new(invitation, at)))
}

/// Accepting an invitation.
#[derive(Deserialize, ToSchema)]
pub struct AcceptInvitation {
    /// The token from the invitation.
    token: String,
    /// The new account's password (at least 8 characters).
    password: String,
    /// Display name.
    full_name: Option<String>,
}

/// Accept an invitation: creates the active account with the invited roles.
#[utoipa::path(
    tag = "auth",
    request_body = AcceptInvitation,
    responses(
        (status = 201, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "unknown token"),
        (status = 410, body = Problem, content_type = "application/problem+json", description = "already used, revoked or expired"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/accept-invite")]
pub async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<AcceptInvitation>,
) -> Result<HttpResponse, ApiError> {
    crate::routes::account::throttle_registration(&state, &req).await?;
    let body = body.into_inner();
    let phc = hash_new_password("password", body.password).await?;
    let ctx = audit_context(&req, &state);
    let at = owp_db::time::now();
    let user = state
        .db
        .run(move |conn| {
            invitations::accept_invitation(conn, &ctx, &body.token, body.full_name, &phc, at)
        })
        .await?;
    Ok(HttpResponse::Created().json(UserView::from(user)))
}
