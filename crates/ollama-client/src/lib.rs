//! Typed async client for the Ollama HTTP API, and a fake Ollama to test against.
//!
//! This crate owns every conversation the platform has with Ollama: where Ollama lives
//! ([`ClientConfig`], resolved from `OLLAMA_BASE_URL` / `ENVIRONMENT` / `OLLAMA_TIMEOUT_SECS`),
//! the calls themselves ([`OllamaClient`]: version, models, show, running models, pull, delete,
//! chat, generate, embed, and a raw NDJSON relay for pass-through proxies), and what can go wrong
//! ([`OllamaError`], one enum that tells an unreachable Ollama from a missing model, an upstream
//! failure, a timeout, a broken stream and an answer that did not parse).
//!
//! The wire vocabulary comes from `ollama-rs` (requests, chat messages, tool descriptions, model
//! information, pull status, embeddings); HTTP goes through one `reqwest` client with connect and
//! read timeouts, because `ollama-rs` drops the HTTP status of failures, swallows errors that
//! arrive inside a stream and has no `/api/version` or `/api/ps`. The same client is handed to an
//! [`ollama_rs::Ollama`] for callers that want its higher-level helpers.
//!
//! With the `fake` feature, [`fake::FakeOllama`] is an in-process HTTP server speaking Ollama's wire
//! format, scriptable per test (models, reply length and pace, outages, failures, broken streams).
//!
//! Nothing here depends on another crate of the workspace, nor on actix-web.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod client;
mod config;
mod error;
mod model_cache;
mod ndjson;
mod streaming;
mod types;

#[cfg(feature = "fake")]
pub mod fake;

pub use client::OllamaClient;
pub use config::{
    ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOCAL_URL, DEFAULT_MODELS_TTL, DEFAULT_PROD_URL,
    DEFAULT_READ_TIMEOUT, parse_base_url, resolve_base_url, resolve_timeout,
};
pub use error::{OllamaError, Result};
pub use streaming::{ByteStream, ChatStream, GenerateStream, PullStream, RelayResponse};
pub use types::{
    ChatChunk, GenerateChunk, GenerationStats, ModelDetails, ModelSummary, RelayEndpoint,
    RunningModel,
};

/// Re-export of `ollama-rs`, whose request and message types this crate's API uses, so that
/// dependants name exactly the version this crate was built against.
pub use ollama_rs;
