//! Who is who: organizations (tenants), users and their lifecycle (registration, approval,
//! admin management), sign-in sessions with rotating refresh tokens, JWT access tokens, the
//! per-request [`owp_rbac::Principal`] and the bootstrap admin.
//!
//! Every function takes a `&mut AnyConnection` and the current time where it matters, so the same
//! code runs on SQLite and PostgreSQL and tests control the clock. Password hashing is left to
//! the caller's blocking pool (see `owp-credentials`). Crate order: identity → credentials, rbac,
//! audit, db.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod api_keys;
pub mod bootstrap;
mod error;
pub mod invitations;
pub mod operator;
pub mod organizations;
pub mod principal;
pub mod sessions;
pub mod sign_in;
pub mod tokens;
pub mod users;

pub use error::IdentityError;
