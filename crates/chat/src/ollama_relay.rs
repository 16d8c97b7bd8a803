//! Ollama's own chat and generate APIs relayed: the body sent is rebuilt from what was checked
//! (the model set to its canonical name), the answer is passed on byte for byte as it arrives,
//! and the caller is charged the final object's counts — or, cut off, one token per line.

use bytes::Bytes;
use futures_util::StreamExt;
use owp_db::Database;
use owp_db::time::Clock;
use owp_metering::Meter;
use owp_ollama_client::{ByteStream, GenerationStats, OllamaClient, RelayEndpoint};
use owp_rbac::Principal;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::pipeline::ensure_budget;
use crate::{ChatError, caller_of, check_grants, spend_of};

/// A relayed call as the caller parsed it.
#[derive(Debug, Clone)]
pub struct RelayCall {
    /// `/api/chat` or `/api/generate`.
    pub endpoint: RelayEndpoint,
    /// The model named (`model`, or the older `name`).
    pub model: String,
    /// The names of the tools it offers.
    pub tools: Vec<String>,
    /// The parsed body, relayed with the model set to the checked name.
    pub body: Map<String, Value>,
}

/// Ollama's answer, being relayed.
pub struct RelayAnswer {
    /// Ollama's content type (NDJSON when streaming).
    pub content_type: Option<String>,
    /// The bytes as they arrive, charged as they pass.
    pub body: ByteStream,
}

/// The body to relay: `object` with `model` set to the checked canonical name (and the older
/// `name` removed).
pub fn rebuilt(mut object: Map<String, Value>, model: &str) -> Value {
    object.remove("name");
    object.insert("model".to_owned(), Value::String(model.to_owned()));
    Value::Object(object)
}

/// Grants → budget (at `at`) → Ollama; the answer is charged to the caller as it passes.
pub async fn relay(
    db: &Database,
    ollama: &OllamaClient,
    principal: &Principal,
    call: RelayCall,
    clock: Clock,
) -> Result<RelayAnswer, ChatError> {
    let at = clock();
    let model = check_grants(
        principal,
        &call.model,
        call.tools.iter().map(String::as_str),
    )?;
    ensure_budget(db, principal, at).await?;
    let body = Bytes::from(rebuilt(call.body, &model).to_string());
    let upstream = ollama.relay(call.endpoint, body).await?;
    // A whole (non-streamed) answer may end without a newline: add one so its counts are read.
    let tail = futures_util::stream::once(async { Ok(Bytes::from_static(b"\n")) });
    let is_stream = upstream
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("ndjson"));
    let source: ByteStream = if is_stream {
        upstream.body
    } else {
        upstream.body.chain(tail).boxed()
    };
    let meter = Meter::new(db.clone(), caller_of(principal), model, clock);
    Ok(RelayAnswer {
        content_type: upstream.content_type,
        body: metered_body(source, meter),
    })
}

/// Reads a relayed NDJSON (or single JSON) body line by line as it goes by and charges the
/// final object's counts (or, cut off, the lines relayed), without holding back any byte.
fn metered_body(body: ByteStream, meter: Meter) -> ByteStream {
    let start = (body, meter, Vec::new());
    futures_util::stream::unfold(start, |(mut body, mut meter, mut line)| async move {
        let item = body.next().await?;
        if let Ok(bytes) = &item {
            for &byte in bytes.iter() {
                if byte != b'\n' {
                    line.push(byte);
                    continue;
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    line.clear();
                    continue;
                }
                match final_stats(&line) {
                    Some(stats) => meter.settle(spend_of(&stats)).await,
                    None => meter.piece(),
                }
                line.clear();
            }
        }
        Some((item, (body, meter, line)))
    })
    .boxed()
}

/// The counts of a line that is Ollama's final object.
fn final_stats(line: &[u8]) -> Option<GenerationStats> {
    #[derive(Deserialize)]
    struct Final {
        #[serde(default)]
        done: bool,
        #[serde(flatten)]
        stats: GenerationStats,
    }
    let parsed: Final = serde_json::from_slice(line).ok()?;
    parsed.done.then_some(parsed.stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_final_line_carries_counts() {
        let last = br#"{"done":true,"prompt_eval_count":3,"eval_count":4}"#;
        let stats = final_stats(last).unwrap();
        assert_eq!(spend_of(&stats).total(), 7);
        assert!(final_stats(br#"{"done":false,"message":{"content":"a"}}"#).is_none());
        assert!(final_stats(b"not json").is_none());
    }

    #[test]
    fn the_relayed_body_names_the_checked_model() {
        let Value::Object(object) = json!({"name": "Llama3.2", "stream": false}) else {
            unreachable!()
        };
        let body = rebuilt(object, "llama3.2:latest");
        assert_eq!(body, json!({"model": "llama3.2:latest", "stream": false}));
    }
}
