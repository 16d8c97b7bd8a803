//! Answer types that `ollama-rs` does not model, or models too narrowly.
//!
//! `ollama-rs`'s chat and generate responses drop `done_reason` (which an OpenAI-compatible
//! `finish_reason` needs), its model list drops the digest and details, and it has no type for
//! `/api/ps` at all. Everything else (messages, requests, tool calls, model information, pull
//! status, embeddings) is `ollama-rs`'s own.

use ollama_rs::generation::chat::ChatMessage;
use serde::{Deserialize, Serialize};

/// Timing and token counts Ollama attaches to the final chunk of a chat or generation.
/// Durations are nanoseconds; every field is absent on non-final chunks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationStats {
    /// Time spent on the whole request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_duration: Option<u64>,
    /// Time spent loading the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_duration: Option<u64>,
    /// Number of tokens in the prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_eval_count: Option<u64>,
    /// Time spent evaluating the prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_eval_duration: Option<u64>,
    /// Number of tokens generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_count: Option<u64>,
    /// Time spent generating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eval_duration: Option<u64>,
}

/// One object of an `/api/chat` answer: a streamed piece, or the whole reply when not streaming.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatChunk {
    /// Model that produced the chunk.
    pub model: String,
    /// When Ollama produced the chunk (RFC 3339).
    pub created_at: String,
    /// The assistant's message piece: text, thinking and tool calls.
    #[serde(default = "empty_assistant_message")]
    pub message: ChatMessage,
    /// True on the last chunk.
    pub done: bool,
    /// Why generation stopped (`stop`, `length`, `load`, `unload`); final chunk only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_reason: Option<String>,
    /// Counts and timings; final chunk only.
    #[serde(flatten)]
    pub stats: GenerationStats,
}

/// One object of an `/api/generate` answer: a streamed piece, or the whole reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateChunk {
    /// Model that produced the chunk.
    pub model: String,
    /// When Ollama produced the chunk (RFC 3339).
    pub created_at: String,
    /// The generated text piece (empty on the final chunk of a stream).
    #[serde(default)]
    pub response: String,
    /// Reasoning text of thinking models, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<String>,
    /// True on the last chunk.
    pub done: bool,
    /// Why generation stopped; final chunk only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_reason: Option<String>,
    /// Conversation encoding to send back for short memory (deprecated by Ollama); final only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Vec<i64>>,
    /// Counts and timings; final chunk only.
    #[serde(flatten)]
    pub stats: GenerationStats,
}

/// Model family and size facts shown next to a model name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelDetails {
    /// Model this one was derived from, if any.
    #[serde(default)]
    pub parent_model: String,
    /// File format, e.g. `gguf`.
    #[serde(default)]
    pub format: String,
    /// Architecture family, e.g. `llama`.
    #[serde(default)]
    pub family: String,
    /// All families the model belongs to.
    #[serde(default)]
    pub families: Option<Vec<String>>,
    /// Human-readable parameter count, e.g. `3.2B`.
    #[serde(default)]
    pub parameter_size: String,
    /// Quantisation, e.g. `Q4_K_M`.
    #[serde(default)]
    pub quantization_level: String,
}

/// A model installed in Ollama (`GET /api/tags`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// Name with tag, e.g. `llama3.2:latest`.
    pub name: String,
    /// Same as `name` on current Ollama versions.
    #[serde(default)]
    pub model: String,
    /// Last modification time (RFC 3339).
    #[serde(default)]
    pub modified_at: String,
    /// Size on disk in bytes.
    #[serde(default)]
    pub size: u64,
    /// Content digest of the model manifest.
    #[serde(default)]
    pub digest: String,
    /// Family and size facts.
    #[serde(default)]
    pub details: ModelDetails,
}

/// A model currently loaded in memory (`GET /api/ps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningModel {
    /// Name with tag.
    pub name: String,
    /// Same as `name` on current Ollama versions.
    #[serde(default)]
    pub model: String,
    /// Memory used in bytes.
    #[serde(default)]
    pub size: u64,
    /// Content digest of the model manifest.
    #[serde(default)]
    pub digest: String,
    /// Family and size facts.
    #[serde(default)]
    pub details: ModelDetails,
    /// When Ollama will unload the model (RFC 3339).
    #[serde(default)]
    pub expires_at: String,
    /// Part of `size` held in GPU memory.
    #[serde(default)]
    pub size_vram: u64,
}

/// Which generation endpoint a raw relay forwards to; a closed set so a proxy can never be
/// steered to another Ollama endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayEndpoint {
    /// `POST /api/chat`.
    Chat,
    /// `POST /api/generate`.
    Generate,
}

impl RelayEndpoint {
    /// Path below the base URL.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::Chat => "api/chat",
            Self::Generate => "api/generate",
        }
    }
}

/// `GET /api/version` answer.
#[derive(Deserialize)]
pub(crate) struct VersionBody {
    pub(crate) version: String,
}

/// `GET /api/tags` and `GET /api/ps` answers.
#[derive(Deserialize)]
pub(crate) struct ModelsBody<T> {
    pub(crate) models: Vec<T>,
}

fn empty_assistant_message() -> ChatMessage {
    ChatMessage::assistant(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_chat_chunk_without_message_parses_with_stats() {
        let chunk: ChatChunk = serde_json::from_str(
            r#"{"model":"m","created_at":"t","done":true,"done_reason":"stop",
                "total_duration":5,"load_duration":1,"prompt_eval_count":3,
                "prompt_eval_duration":2,"eval_count":4,"eval_duration":2}"#,
        )
        .unwrap();
        assert!(chunk.done);
        assert_eq!(chunk.message.content, "");
        assert_eq!(chunk.done_reason.as_deref(), Some("stop"));
        assert_eq!(chunk.stats.eval_count, Some(4));
        assert_eq!(chunk.stats.prompt_eval_count, Some(3));
    }

    #[test]
    fn streamed_chat_chunk_has_no_stats() {
        let chunk: ChatChunk = serde_json::from_str(
            r#"{"model":"m","created_at":"t","message":{"role":"assistant","content":"Hi"},"done":false}"#,
        )
        .unwrap();
        assert_eq!(chunk.message.content, "Hi");
        assert_eq!(chunk.stats, GenerationStats::default());
        assert!(chunk.done_reason.is_none());
    }

    #[test]
    fn summary_tolerates_missing_details() {
        let model: ModelSummary = serde_json::from_str(r#"{"name":"a:latest"}"#).unwrap();
        assert_eq!(model.name, "a:latest");
        assert_eq!(model.details, ModelDetails::default());
    }
}
