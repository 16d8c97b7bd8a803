//! The one visibility rule of workshop content (prompts, tools and agents).
//!
//! Every item has an organization, an owner, a [`Visibility`] and maybe a project:
//! - another organization's item is hidden from everyone (404, never 403);
//! - `content:manage` (admins) may read and change every item of their organization;
//! - the owner sees their items; `project` items are seen by the project's members; `org`
//!   items by everyone in the organization;
//! - changing needs `content:write` and one of: being the owner, being an `owner`/`editor`
//!   of the project of a `project` item, or `content:publish` for an `org` item.
//!
//! Hidden is [`WorkshopError::NotFound`], visible but not writable [`WorkshopError::Forbidden`].
//! A [`Viewer`] is loaded once per operation ([`Viewer::load`]); [`Viewer::access`] is pure,
//! and lists filter with `visible_filter!` so a page never holds an item its reader may not
//! see.

use diesel::prelude::*;
use owp_db::ids::{OrganizationId, ProjectId, UserId, parse_stored_id};
use owp_db::schema::{project_members, projects};
use owp_db::{AnyConnection, StoreError};
use owp_rbac::Principal;
use owp_rbac::permissions::{CONTENT_MANAGE, CONTENT_PUBLISH, CONTENT_WRITE};

use crate::WorkshopError;
use crate::projects::MemberRole;

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

    /// `Ok` when the viewer may read `item`; else `NotFound`.
    pub fn require_read(&self, item: &Ownership) -> Result<(), WorkshopError> {
        match self.access(item) {
            Access::Hidden => Err(WorkshopError::NotFound),
            Access::Read | Access::Write => Ok(()),
        }
    }

    /// `Ok` when the viewer may change `item`; `NotFound` when hidden, else `Forbidden`.
    pub fn require_write(&self, item: &Ownership) -> Result<(), WorkshopError> {
        match self.access(item) {
            Access::Hidden => Err(WorkshopError::NotFound),
            Access::Read => Err(WorkshopError::Forbidden(
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
    ) -> Result<(), WorkshopError> {
        if !self.write && !self.manage {
            return Err(WorkshopError::Forbidden(
                "this needs the content:write permission".into(),
            ));
        }
        if visibility != Visibility::Private && !self.publish && !self.manage {
            return Err(WorkshopError::Forbidden(format!(
                "publishing to visibility {:?} needs the content:publish permission",
                visibility.as_str()
            )));
        }
        let Some(project) = project else {
            if visibility == Visibility::Project {
                return Err(WorkshopError::invalid(
                    "project_id",
                    "is required for visibility \"project\"",
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
            return Err(WorkshopError::invalid("project_id", "no such project"));
        }
        if !self.manage && !role.is_some_and(MemberRole::may_write) {
            return Err(WorkshopError::Forbidden(
                "project viewers may not add content to the project".into(),
            ));
        }
        Ok(())
    }
}

/// Filters a boxed query of an item table (`prompts`, `tools`, `agents`) to the rows `viewer` may
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
mod tests {
    use super::*;

    fn viewer(write: bool, publish: bool, manage: bool) -> Viewer {
        Viewer {
            organization_id: OrganizationId::new(),
            user_id: UserId::new(),
            write,
            publish,
            manage,
            memberships: Vec::new(),
        }
    }

    fn item(
        v: &Viewer,
        owner: UserId,
        visibility: Visibility,
        project: Option<ProjectId>,
    ) -> Ownership {
        Ownership {
            organization_id: v.organization_id,
            owner_id: owner,
            visibility,
            project_id: project,
        }
    }

    #[test]
    fn owners_write_their_own_and_nobody_else_sees_private_items() {
        let user = viewer(true, false, false);
        let mine = item(&user, user.user_id, Visibility::Private, None);
        assert_eq!(user.access(&mine), Access::Write);
        let theirs = item(&user, UserId::new(), Visibility::Private, None);
        assert_eq!(user.access(&theirs), Access::Hidden);
        let guest = viewer(false, false, false);
        let own_but_read_only = item(&guest, guest.user_id, Visibility::Private, None);
        assert_eq!(guest.access(&own_but_read_only), Access::Read);
    }

    #[test]
    fn org_items_are_read_by_all_and_written_by_publishers() {
        let user = viewer(true, false, false);
        let published = item(&user, UserId::new(), Visibility::Org, None);
        assert_eq!(user.access(&published), Access::Read);
        let instructor = Viewer {
            organization_id: user.organization_id,
            ..viewer(true, true, false)
        };
        assert_eq!(instructor.access(&published), Access::Write);
    }

    #[test]
    fn project_items_follow_membership_roles() {
        let project = ProjectId::new();
        let mut member = viewer(true, false, false);
        let shared = item(&member, UserId::new(), Visibility::Project, Some(project));
        assert_eq!(member.access(&shared), Access::Hidden);
        member.memberships = vec![(project, MemberRole::Viewer)];
        assert_eq!(member.access(&shared), Access::Read);
        member.memberships = vec![(project, MemberRole::Editor)];
        assert_eq!(member.access(&shared), Access::Write);
        let private_in_project = item(&member, UserId::new(), Visibility::Private, Some(project));
        assert_eq!(member.access(&private_in_project), Access::Hidden);
    }

    #[test]
    fn admins_see_their_organization_only() {
        let admin = viewer(true, true, true);
        let theirs = item(&admin, UserId::new(), Visibility::Private, None);
        assert_eq!(admin.access(&theirs), Access::Write);
        let foreign = Ownership {
            organization_id: OrganizationId::new(),
            ..theirs
        };
        assert_eq!(admin.access(&foreign), Access::Hidden);
        assert_eq!(admin.require_read(&foreign), Err(WorkshopError::NotFound));
    }
}
