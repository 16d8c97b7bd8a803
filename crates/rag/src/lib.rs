//! RAG systems: questions answered from an organisation's collections with citations.
//!
//! A RAG system names collections, a chat model, a prompt template (with `{{context}}` and
//! `{{question}}`) and retrieval settings, under the one visibility rule. A query retrieves the
//! best chunks from the collections the caller may read (the caller must be granted each
//! collection's embedding model), numbers them as sources, renders the template, and runs one
//! turn of the chat pipeline (grants, budget, Ollama, usage, the stored conversation) with the
//! rendered prompt as a system message the model reads but the conversation does not store.
//! The answer's `[n]` markers map to the numbered sources ([`Citation`]); the citations are kept
//! in the reply's metadata. Chat turns can be grounded the same way ([`knowledge`]).
//!
//! Crate order (DESIGN §2): rag → vectors, workshop, chat, rbac, audit, db.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod error;
pub mod knowledge;
pub mod query;
pub mod retrieval;
pub mod systems;

pub use error::RagError;
pub use retrieval::Citation;
