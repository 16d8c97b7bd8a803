//! Authorisation: roles, `resource:action` permissions, role assignment and per-user grants
//! (allowed models and tools), folded into the `Principal` every request is checked against.
//!
//! Kept apart from identity so that services which only need to check a principal do not pull in
//! sign-in and token code. The account-lifecycle issue fills this crate (crate order: rbac → db).
