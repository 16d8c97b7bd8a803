//! Authorisation: `resource:action` permissions, system and custom roles, role assignment and
//! per-user grants (allowed models and tools), folded into the [`Principal`] every request is
//! checked against.
//!
//! [`visibility`] holds the one rule of who sees and changes shared content (workshop items,
//! documents), below the content crates so they all follow it.
//!
//! Kept apart from identity so services that only check a principal do not pull in sign-in and
//! token code. Role assignment is audited, so this crate records events through `owp-audit`
//! (DESIGN §2 lets rbac use audit and db only).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod assignments;
mod grants;
pub mod permissions;
mod principal;
mod roles;
mod seed;
pub mod visibility;

pub use assignments::{
    permissions_of, resolve_role_names, role_names_of, roles_and_permissions_of, set_user_roles,
};
pub use grants::{Grants, check_tool_ids, forget_tool, parse_list, tool_names_of};
pub use principal::{Forbidden, Principal};
pub use roles::{
    NewRole, RbacError, Role, RoleChange, create_role, delete_role, get_role, list_roles,
    update_role,
};
pub use seed::{SYSTEM_ROLES, SystemRole, seed_system_roles};
