//! Projects: a named group of members (`owner`, `editor`, `viewer`) whose `project`-visible
//! content they share. A project is seen by its members and the organization's admins
//! (`content:manage`); its owners and the admins change it and its members.

mod members;
mod store;

pub use members::{remove_member, set_member};
pub use store::{create_project, delete_project, get_project, list_projects, update_project};

use chrono::NaiveDateTime;
use owp_db::ids::{ProjectId, UserId};
/// A member's role in a project; defined beside the visibility rule that reads it.
pub use owp_rbac::visibility::MemberRole;

/// Longest project name.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A member of a project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// The user.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub user_id: UserId,
    /// Their role.
    pub role: MemberRole,
}

/// A project as its members see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ProjectId,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Members and their roles.
    pub members: Vec<Member>,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

/// A project to create; the creator becomes its owner.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// 1 to 120 characters.
    pub name: String,
    /// Up to 2000 characters.
    #[serde(default)]
    pub description: String,
}

/// Changes to a project; absent fields stay.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectChange {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}
