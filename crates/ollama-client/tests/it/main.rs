//! Integration tests: the real client against the in-process fake Ollama.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers panic with the cause of a failed set-up"
)]

mod chat;
mod embed;
mod failures;
mod generate;
mod models;
mod pull;
mod relay;
mod support;
