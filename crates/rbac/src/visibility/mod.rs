//! The one visibility rule of shared content (prompts, tools, agents, documents).
//!
//! Every item has an organization, an owner, a [`Visibility`] and maybe a project:
//! - another organization's item is hidden from everyone (404, never 403);
//! - `content:manage` (admins) may read and change every item of their organization;
//! - the owner sees their items; `project` items are seen by the project's members; `org`
//!   items by everyone in the organization;
//! - changing needs `content:write` and one of: being the owner, being an `owner`/`editor`
//!   of the project of a `project` item, or `content:publish` for an `org` item.
//!
//! It lives in rbac, below every content crate, so workshop and documents (which may not import
//! each other, DESIGN §2) follow one rule. Hidden is [`Refusal::Hidden`] (404), visible but not
//! writable [`Refusal::ReadOnly`] (403); each content crate maps a [`Refusal`] into its own error.
//! A [`Viewer`] is loaded once per operation ([`Viewer::load`]); [`Viewer::access`] is pure,
//! and lists filter with `visible_filter!` so a page never holds an item its reader may not
//! see.

use diesel::prelude::*;
use owp_db::ids::{OrganizationId, ProjectId, UserId, parse_stored_id};
use owp_db::schema::{project_members, projects};
use owp_db::{AnyConnection, StoreError};

use crate::Principal;
use crate::permissions::{CONTENT_MANAGE, CONTENT_PUBLISH, CONTENT_WRITE};

/// Why the rule refused: content crates turn it into their own error (404 / 403 / 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The item does not exist for the viewer: 404, never 403.
    #[error("not found")]
    Hidden,
    /// The viewer may see the item but not do this (the message says why): 403.
    #[error("{0}")]
    ReadOnly(String),
    /// A field breaks the placement rule (`field`, `message`): 422.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// The store failed while checking.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for Refusal {
    fn from(err: diesel::result::Error) -> Self {
        Refusal::Store(err.into())
    }
}

/// A member's role in a project (the rule reads it for `project` items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    /// Changes the project, its members and its content.
    Owner,
    /// Changes the project's content.
    Editor,
    /// Reads the project's content.
    Viewer,
}

impl MemberRole {
    /// Whether the role may change the project's content.
    pub fn may_write(self) -> bool {
        matches!(self, MemberRole::Owner | MemberRole::Editor)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Editor => "editor",
            MemberRole::Viewer => "viewer",
        }
    }

    /// Reads a stored name; anything else is a fault of the store.
    pub fn from_stored(text: &str) -> Result<Self, StoreError> {
        match text {
            "owner" => Ok(MemberRole::Owner),
            "editor" => Ok(MemberRole::Editor),
            "viewer" => Ok(MemberRole::Viewer),
            other => Err(StoreError::Internal(format!(
                "unknown project role {other:?} in the store"
            ))),
        }
    }
}

/// Who may see an item besides its owner and the organization's admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The owner only.
    Private,
    /// The members of the item's project.
    Project,
    /// Everyone in the organization.
    Org,
}

impl Visibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Project => "project",
            Visibility::Org => "org",
        }
    }

    /// Reads a stored name; anything else is a fault of the store.
    pub fn from_stored(text: &str) -> Result<Self, StoreError> {
        match text {
            "private" => Ok(Visibility::Private),
            "project" => Ok(Visibility::Project),
            "org" => Ok(Visibility::Org),
            other => Err(StoreError::Internal(format!(
                "unknown visibility {other:?} in the store"
            ))),
        }
    }
}

/// The columns of an item the rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    /// The item's tenant.
    pub organization_id: OrganizationId,
    /// Who created it.
    pub owner_id: UserId,
    /// Who may see it.
    pub visibility: Visibility,
    /// The project it belongs to.
    pub project_id: Option<ProjectId>,
}

/// What a viewer may do with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Nothing: the item does not exist for them (404).
    Hidden,
    /// Read and use it.
    Read,
    /// Also change and delete it.
    Write,
}

/// A principal as the rule sees it: tenant, user, the content permissions and project roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The tenant.
    pub organization_id: OrganizationId,
    /// The user.
    pub user_id: UserId,
    /// Holds `content:write`.
    pub write: bool,
    /// Holds `content:publish`.
    pub publish: bool,
    /// Holds `content:manage`.
    pub manage: bool,
    /// The viewer's projects and roles in them.
    pub memberships: Vec<(ProjectId, MemberRole)>,
}

impl Viewer {
    /// The viewer of `principal`, with its project memberships (one indexed query).
    pub fn load(conn: &mut AnyConnection, principal: &Principal) -> Result<Self, StoreError> {
        let rows: Vec<(String, String)> = project_members::table
            .inner_join(projects::table)
            .filter(project_members::user_id.eq(principal.user_id.to_string()))
            .filter(projects::organization_id.eq(principal.organization_id.to_string()))
            .select((project_members::project_id, project_members::role))
            .load(conn)?;
        let memberships = rows
            .into_iter()
            .map(|(project, role)| {
                Ok((parse_stored_id(&project)?, MemberRole::from_stored(&role)?))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Self {
            organization_id: principal.organization_id,
            user_id: principal.user_id,
            write: principal.has(CONTENT_WRITE),
            publish: principal.has(CONTENT_PUBLISH),
            manage: principal.has(CONTENT_MANAGE),
            memberships,
        })
    }

    /// The viewer's role in `project`, if a member.
    pub fn role_in(&self, project: ProjectId) -> Option<MemberRole> {
        self.memberships
            .iter()
            .find(|(id, _)| *id == project)
            .map(|(_, role)| *role)
    }

    /// Ids (as stored) of the projects whose `project` items the viewer sees.
    pub fn project_ids(&self) -> Vec<String> {
        self.memberships
            .iter()
            .map(|(id, _)| id.to_string())
            .collect()
    }

    /// The rule itself (see the module documentation).
    pub fn access(&self, item: &Ownership) -> Access {
        if item.organization_id != self.organization_id {
            return Access::Hidden;
        }
        if self.manage {
            return Access::Write;
        }
        let role = item.project_id.and_then(|p| self.role_in(p));
        let owner = item.owner_id == self.user_id;
        let readable = owner
            || item.visibility == Visibility::Org
            || (item.visibility == Visibility::Project && role.is_some());
        if !readable {
            return Access::Hidden;
        }
        let writable = self.write
            && (owner
                || (item.visibility == Visibility::Org && self.publish)
                || (item.visibility == Visibility::Project
                    && role.is_some_and(MemberRole::may_write)));
        if writable {
            Access::Write
        } else {
            Access::Read
        }
    }

    /// `Ok` when the viewer may read `item`; else `Hidden`.
    pub fn require_read(&self, item: &Ownership) -> Result<(), Refusal> {
        match self.access(item) {
            Access::Hidden => Err(Refusal::Hidden),
            Access::Read | Access::Write => Ok(()),
        }
    }

    /// `Ok` when the viewer may change `item`; `Hidden` when hidden, else `ReadOnly`.
    pub fn require_write(&self, item: &Ownership) -> Result<(), Refusal> {
        match self.access(item) {
            Access::Hidden => Err(Refusal::Hidden),
            Access::Read => Err(Refusal::ReadOnly(
                "you may see this but not change it".into(),
            )),
            Access::Write => Ok(()),
        }
    }

    /// Whether the viewer may put an item at `visibility` in `project` (on create, and when
    /// an update moves it): publishing beyond `private` needs `content:publish`, a `project`
    /// item needs a project, and the project must be one the viewer may write in (a project
    /// they cannot see is "no such project", 422).
    pub fn check_placement(
        &self,
        conn: &mut AnyConnection,
        visibility: Visibility,
        project: Option<ProjectId>,
    ) -> Result<(), Refusal> {
        if !self.write && !self.manage {
            return Err(Refusal::ReadOnly(
                "this needs the content:write permission".into(),
            ));
        }
        if visibility != Visibility::Private && !self.publish && !self.manage {
            return Err(Refusal::ReadOnly(format!(
                "publishing to visibility {:?} needs the content:publish permission",
                visibility.as_str()
            )));
        }
        let Some(project) = project else {
            if visibility == Visibility::Project {
                return Err(Refusal::Invalid(
                    "project_id".into(),
                    "is required for visibility \"project\"".into(),
                ));
            }
            return Ok(());
        };
        let found: i64 = projects::table
            .filter(projects::id.eq(project.to_string()))
            .filter(projects::organization_id.eq(self.organization_id.to_string()))
            .count()
            .get_result(conn)?;
        let role = self.role_in(project);
        if found == 0 || (role.is_none() && !self.manage) {
            return Err(Refusal::Invalid(
                "project_id".into(),
                "no such project".into(),
            ));
        }
        if !self.manage && !role.is_some_and(MemberRole::may_write) {
            return Err(Refusal::ReadOnly(
                "project viewers may not add content to the project".into(),
            ));
        }
        Ok(())
    }
}

/// Filters a boxed query of an item table (`prompts`, `tools`, `agents`, `documents`) to the rows `viewer` may
/// see: the same rule as [`Viewer::access`], in SQL, so paging and totals count only those.
/// Use it as `visible_filter!(table::table.into_boxed::<AnyBackend>(), table, &viewer)` with
/// `diesel::prelude::*` in scope; the table needs `organization_id`, `owner_id`, `visibility`
/// and `project_id` columns.
#[macro_export]
macro_rules! visible_filter {
    ($query:expr, $table:ident, $viewer:expr) => {{
        let viewer: &$crate::visibility::Viewer = $viewer;
        let query = $query.filter($table::organization_id.eq(viewer.organization_id.to_string()));
        if viewer.manage {
            query
        } else {
            query.filter(
                $table::owner_id
                    .eq(viewer.user_id.to_string())
                    .or($table::visibility.eq("org"))
                    .or($table::visibility.eq("project").and(
                        $table::project_id
                            .assume_not_null()
                            .eq_any(viewer.project_ids()),
                    )),
            )
        }
    }};
}

#[cfg(test)]
mod tests;
