//! Workshop content an organisation shares with its members: prompts, tools, documents and their
//! chunks, vector collections and embeddings, RAG systems, conversations and their messages,
//! projects and agent configurations.
//!
//! Everything here is scoped to an organisation and checked against the caller's principal; the
//! Ollama and content issues fill this crate (crate order: workshop → rbac, audit, ollama-client, db).
