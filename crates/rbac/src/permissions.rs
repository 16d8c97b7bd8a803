//! The permission catalogue: every `resource:action` pair a role can grant. Routes name one of
//! these; a role can only hold names from this list.

/// A permission and what it allows, for `GET /api/v1/permissions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PermissionInfo {
    /// `resource:action`.
    pub name: &'static str,
    /// What it allows.
    pub description: &'static str,
}

/// Manage every organization (super admins).
pub const ORGANIZATIONS_WRITE: &str = "organizations:write";
/// See organizations (one's own, or all with `organizations:write`).
pub const ORGANIZATIONS_READ: &str = "organizations:read";
/// See users of one's organization.
pub const USERS_READ: &str = "users:read";
/// Create, approve, update, disable users and set their passwords and grants.
pub const USERS_WRITE: &str = "users:write";
/// See roles.
pub const ROLES_READ: &str = "roles:read";
/// Create, change and delete custom roles.
pub const ROLES_WRITE: &str = "roles:write";
/// See other users' API keys.
pub const API_KEYS_READ: &str = "api_keys:read";
/// Issue and revoke other users' API keys.
pub const API_KEYS_WRITE: &str = "api_keys:write";
/// Issue and revoke one's own API keys.
pub const API_KEYS_SELF: &str = "api_keys:self";
/// Read and export the audit trail.
pub const AUDIT_READ: &str = "audit:read";
/// Invite people to one's organization.
pub const INVITATIONS_WRITE: &str = "invitations:write";
/// Chat with and embed through models.
pub const MODELS_USE: &str = "models:use";
/// Pull and delete models.
pub const MODELS_MANAGE: &str = "models:manage";
/// Read workshop content.
pub const CONTENT_READ: &str = "content:read";
/// Create and change one's own private workshop content (and, with project roles, a
/// project's content).
pub const CONTENT_WRITE: &str = "content:write";
/// Publish workshop content to a project or the whole organization, and change content
/// published to the organization.
pub const CONTENT_PUBLISH: &str = "content:publish";
/// See and change all of the organization's workshop content and projects (admins).
pub const CONTENT_MANAGE: &str = "content:manage";
/// See the organization's usage.
pub const USAGE_READ: &str = "usage:read";

/// Every permission, in display order.
pub const ALL: [PermissionInfo; 18] = [
    info(ORGANIZATIONS_READ, "See organizations"),
    info(
        ORGANIZATIONS_WRITE,
        "Create, change and delete any organization",
    ),
    info(USERS_READ, "See the organization's users"),
    info(USERS_WRITE, "Create, approve, change and disable users"),
    info(ROLES_READ, "See roles and their permissions"),
    info(ROLES_WRITE, "Create, change and delete custom roles"),
    info(API_KEYS_READ, "See other users' API keys"),
    info(API_KEYS_WRITE, "Issue and revoke other users' API keys"),
    info(API_KEYS_SELF, "Issue and revoke one's own API keys"),
    info(AUDIT_READ, "Read and export the audit trail"),
    info(INVITATIONS_WRITE, "Invite people to the organization"),
    info(MODELS_USE, "Chat with and embed through allowed models"),
    info(MODELS_MANAGE, "Pull and delete models"),
    info(CONTENT_READ, "Read workshop content"),
    info(
        CONTENT_WRITE,
        "Create and change one's own workshop content",
    ),
    info(
        CONTENT_PUBLISH,
        "Publish workshop content to projects and the organization",
    ),
    info(
        CONTENT_MANAGE,
        "See and change all of the organization's workshop content",
    ),
    info(USAGE_READ, "See the organization's usage"),
];

const fn info(name: &'static str, description: &'static str) -> PermissionInfo {
    PermissionInfo { name, description }
}

/// Whether `name` is in the catalogue.
pub fn is_known(name: &str) -> bool {
    ALL.iter().any(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_resource_action_pairs() {
        let mut names: Vec<&str> = ALL.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert!(names.iter().all(|n| n.split(':').count() == 2));
        assert!(is_known("users:read"));
        assert!(!is_known("users:delete"));
    }
}
