//! Workshop content an organisation shares with its members: prompts (versions, typed
//! variables, a pure renderer), tools (function definitions), projects and their members, and
//! agent configurations — arriving with the next issue.
//!
//! Conversations and the model-call pipeline live in `owp-chat`, budgets and usage in
//! `owp-metering` (crate order: workshop → rbac, audit, db).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]
