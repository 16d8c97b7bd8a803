//! Who is who: organizations (tenants) and, with the account-lifecycle issue, users,
//! registration and approval, sign-in, access and refresh tokens, sign-out and password change.
//!
//! Every function takes a `&mut AnyConnection` and the current time where it matters, so the same
//! code runs on SQLite and PostgreSQL and tests control the clock. Crate order: identity →
//! credentials, rbac, audit, db.

pub mod organizations;
