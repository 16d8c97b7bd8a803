//! Workshop content an organisation shares with its members: prompts, tools, documents and their
//! chunks, vector collections and embeddings, RAG systems, conversations and their messages,
//! projects and agent configurations — and the accounting of what members spend on models.
//!
//! Everything here is scoped to an organisation and a user, and every function takes a
//! `&mut AnyConnection` and the time, so the same code runs on SQLite and PostgreSQL and tests
//! control the clock (crate order: workshop → rbac, audit, ollama-client, db).

pub mod budgets;
pub mod conversations;
mod error;

pub use error::WorkshopError;
pub use owp_metering::Caller;

/// The [`Caller`] a principal acts as.
pub fn caller_of(principal: &owp_rbac::Principal) -> Caller {
    Caller {
        organization_id: principal.organization_id,
        user_id: principal.user_id,
        key_id: principal.credential_id,
    }
}
