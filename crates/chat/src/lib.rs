//! Chat: conversations and their messages, and the model-call pipeline every model API shares —
//! the native chat (`/api/v1/chat`), the OpenAI-compatible (`/v1/…`) and the Ollama-compatible
//! (`/ollama/api/…`) routes: grants → budget → Ollama → spend, and the turn lifecycle of a
//! stored conversation (begin, relay bookkeeping, finish, incomplete when the client hangs up).
//!
//! Store functions take a `&mut AnyConnection` and the time `at`; the async entry points take a
//! [`owp_db::Database`], an [`owp_ollama_client::OllamaClient`], the [`Principal`], the input and
//! the time the call began. Nothing here knows HTTP: callers frame the results (SSE, NDJSON,
//! OpenAI chunks) themselves (crate order: chat → metering, rbac, audit, ollama-client, db).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod budgets;
mod content;
pub mod conversations;
pub mod embeddings;
mod error;
mod grants;
mod grounding;
pub mod models;
pub mod ollama_relay;
pub mod openai;
mod pipeline;
pub mod stream;
pub mod turn;

pub use error::{ChatError, describe_ollama};
pub use grants::check_grants;
pub use owp_metering::{Caller, Spend};
/// The client every entry point takes and what it answers, re-exported so crates built on chat
/// (RAG) name them without depending on the client crate themselves.
pub use owp_ollama_client::{ChatChunk, ChatStream, OllamaClient};
pub use pipeline::{ToolCall, metered, spend_of, tool_calls_of};

use owp_rbac::Principal;

/// The [`Caller`] a principal acts as: what ownership, usage and budgets are keyed on.
pub fn caller_of(principal: &Principal) -> Caller {
    Caller {
        organization_id: principal.organization_id,
        user_id: principal.user_id,
        key_id: principal.credential_id,
    }
}
