//! Response shapes shared by several routes, with their OpenAPI schemas.

use chrono::NaiveDateTime;
use owp_identity::users::User;
use serde::Serialize;
use utoipa::ToSchema;

/// A user as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Stable id.
    pub id: String,
    /// The tenant.
    pub organization_id: String,
    /// Login name.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
    /// `pending`, `active`, `disabled` or `rejected`.
    pub status: String,
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
    /// Allowed models (`null` = whatever the roles allow).
    pub allowed_model_ids: Option<Vec<String>>,
    /// Allowed tools (`null` = whatever the roles allow).
    pub allowed_tool_ids: Option<Vec<String>>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        Self {
            id: user.id.to_string(),
            organization_id: user.organization_id.to_string(),
            email: user.email,
            full_name: user.full_name,
            status: user.status.as_str().to_owned(),
            approved_by: user.approved_by,
            approved_at: user.approved_at,
            admin_notes: user.admin_notes,
            last_login_at: user.last_login_at,
            roles: user.roles,
            allowed_model_ids: user.grants.allowed_model_ids,
            allowed_tool_ids: user.grants.allowed_tool_ids,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// A page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    /// This page's users.
    pub items: Vec<UserView>,
    /// Size of the whole filtered list.
    pub total: i64,
}

impl From<owp_db::Paged<User>> for UserPage {
    fn from(page: owp_db::Paged<User>) -> Self {
        Self {
            items: page.items.into_iter().map(UserView::from).collect(),
            total: page.total,
        }
    }
}
