//! Integration tests: the real client against the in-process fake Ollama.

mod chat;
mod embed;
mod failures;
mod generate;
mod model_cache;
mod models;
mod pull;
mod relay;
mod support;
