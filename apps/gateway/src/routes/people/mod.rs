//! Accounts and who may do what: sign-in and sessions, one's own account, users, grants and
//! approvals, API keys, invitations, organizations and roles.

pub mod account;
pub mod api_keys;
pub mod auth;
pub mod invitations;
pub mod organizations;
pub mod roles;
pub mod user_access;
pub mod users;
