//! Workshop content an organisation shares with its members: projects and their members,
//! prompts (versions, typed variables, a pure renderer), tools (function definitions) and
//! agents (a model with its system prompt, tools and options), all under one visibility rule
//! ([`visibility`], defined in `owp_rbac::visibility` and shared with documents).
//!
//! Every operation takes the [`owp_rbac::Principal`], its input and the time `at`, checks
//! visibility and policy, writes and records its audit event in one transaction. Conversations
//! and the model-call pipeline live in `owp-chat` (crate order: workshop → rbac, audit, db).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod agents;
mod error;
mod patch;
pub mod projects;
pub mod prompts;
mod text;
pub mod tools;
pub mod visibility;

pub use error::WorkshopError;
pub use owp_rbac::visible_filter;
pub use visibility::{Access, Ownership, Viewer, Visibility};
