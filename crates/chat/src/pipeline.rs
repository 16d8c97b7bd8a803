//! Pieces every model API shares: Ollama's counts as a [`Spend`], a chat stream charged as it
//! passes, tool calls with their ids, and the budget check at the start of a call.

use chrono::NaiveDateTime;
use futures_util::StreamExt;
use owp_db::Database;
use owp_metering::{Meter, Spend};
use owp_ollama_client::{ChatChunk, ChatStream, GenerationStats};
use owp_rbac::Principal;
use serde_json::{Value, json};

use crate::{ChatError, caller_of};

/// Ollama's counts on a final chunk as a [`Spend`].
pub fn spend_of(stats: &GenerationStats) -> Spend {
    Spend::from_counts(stats.prompt_eval_count, stats.eval_count)
}

/// A tool call the model made, with the id the client's `tool` answer names.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ToolCall {
    /// `call_<uuid v7>`: unique, so an answer can name the call it answers.
    pub id: String,
    /// The tool's (function's) name.
    pub name: String,
    /// The arguments, as the model produced them.
    pub arguments: Value,
}

impl ToolCall {
    /// How a reply's metadata keeps the call: Ollama's shape plus the id, so stored history
    /// is sent back to Ollama as it is.
    pub fn stored(&self) -> Value {
        json!({"id": self.id, "function": {"name": self.name, "arguments": self.arguments}})
    }
}

/// The tool calls of a piece, each given a new id.
pub fn tool_calls_of(chunk: &ChatChunk) -> Vec<ToolCall> {
    chunk
        .message
        .tool_calls
        .iter()
        .map(|call| ToolCall {
            id: format!("call_{}", uuid::Uuid::now_v7().simple()),
            name: call.function.name.clone(),
            arguments: call.function.arguments.clone(),
        })
        .collect()
}

/// `Ok` when every budget of `principal` has tokens left at `at`.
pub(crate) async fn ensure_budget(
    db: &Database,
    principal: &Principal,
    at: NaiveDateTime,
) -> Result<(), ChatError> {
    Ok(owp_metering::ensure_budget(db, caller_of(principal), at).await?)
}

/// Passes a chat stream through, charging its spend when the final piece goes by (before the
/// piece is handed on, so a client that saw the end sees it in its usage).
pub fn metered(upstream: ChatStream, meter: Meter) -> ChatStream {
    futures_util::stream::unfold((upstream, meter), |(mut upstream, mut meter)| async move {
        let item = upstream.next().await?;
        match &item {
            Ok(piece) if piece.done => meter.settle(spend_of(&piece.stats)).await,
            Ok(_) => meter.piece(),
            Err(_) => {}
        }
        Some((item, (upstream, meter)))
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_counts_are_the_spend() {
        let stats = GenerationStats {
            prompt_eval_count: Some(5),
            eval_count: Some(7),
            ..GenerationStats::default()
        };
        let spend = spend_of(&stats);
        assert_eq!((spend.prompt_tokens, spend.completion_tokens), (5, 7));
        assert_eq!(spend_of(&GenerationStats::default()).total(), 0);
    }

    #[test]
    fn pieces_without_tool_calls_have_none() {
        let chunk: ChatChunk = serde_json::from_value(json!({
            "model": "m", "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": "hi"}, "done": false
        }))
        .unwrap();
        assert!(tool_calls_of(&chunk).is_empty());
        let chunk: ChatChunk = serde_json::from_value(json!({
            "model": "m", "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": "",
                "tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}]},
            "done": false
        }))
        .unwrap();
        let calls = tool_calls_of(&chunk);
        assert_eq!(
            (calls[0].name.as_str(), &calls[0].arguments),
            ("f", &json!({"x": 1}))
        );
        assert!(calls[0].id.starts_with("call_"));
        assert_eq!(
            calls[0].stored(),
            json!({"id": calls[0].id, "function": {"name": "f", "arguments": {"x": 1}}})
        );
        assert_ne!(
            tool_calls_of(&chunk)[0].id,
            calls[0].id,
            "every call gets its own id"
        );
    }
}
