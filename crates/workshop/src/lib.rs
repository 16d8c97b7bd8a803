//! Workshop content an organisation shares with its members: prompts, tools, documents and their
//! chunks, vector collections and embeddings, RAG systems, conversations and their messages,
//! projects and agent configurations — and the accounting of what members spend on models.
//!
//! Everything here is scoped to an organisation and a user, and every function takes a
//! `&mut AnyConnection` and the time, so the same code runs on SQLite and PostgreSQL and tests
//! control the clock (crate order: workshop → rbac, audit, ollama-client, db).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod conversations;
mod error;
pub mod quotas;
pub mod usage;

pub use error::WorkshopError;

use owp_db::ids::{CredentialId, OrganizationId, UserId};

/// Who acts: the user, their tenant and the API key they came with, which is what ownership,
/// usage accounting and budgets are keyed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The tenant.
    pub organization_id: OrganizationId,
    /// The user.
    pub user_id: UserId,
    /// The API key, when the call came with one.
    pub key_id: Option<CredentialId>,
}

impl From<&owp_rbac::Principal> for Caller {
    fn from(principal: &owp_rbac::Principal) -> Self {
        Self {
            organization_id: principal.organization_id,
            user_id: principal.user_id,
            key_id: principal.credential_id,
        }
    }
}
