//! The SSE framing of `POST /api/v1/chat`: `start`, a `delta` per piece as it arrives (never
//! buffered) and a `tool_call` {id, name, arguments} per call the model makes, then `done` or
//! `error`. The turn's bookkeeping — storing the reply complete, or
//! incomplete when Ollama fails or the client goes away — is `owp_chat::stream`'s.

use actix_web::ResponseError;
use actix_web::web::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use owp_chat::conversations::Turn;
use owp_chat::stream::{Finished, TurnEvent, TurnRelay};
use owp_chat::{Spend, ToolCall};
use serde_json::{Value, json};

use crate::http::problem::ApiError;

/// One Server-Sent Event.
fn event(name: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// Token counts as the API reports them.
pub(crate) fn usage_of(spend: Spend) -> Value {
    json!({
        "prompt_tokens": spend.prompt_tokens,
        "completion_tokens": spend.completion_tokens,
        "total_tokens": spend.total(),
    })
}

fn millis(nanos: Option<u64>) -> Value {
    nanos.map_or(Value::Null, |n| json!(n / 1_000_000))
}

fn done_event(turn: &Turn, done: &Finished) -> Bytes {
    event(
        "done",
        &json!({
            "conversation_id": turn.conversation_id,
            "message_id": turn.reply_id,
            "done_reason": done.done_reason,
            "usage": usage_of(done.spend),
            "timings": {
                "total_ms": done.total_ms,
                "load_ms": millis(done.stats.load_duration),
                "prompt_eval_ms": millis(done.stats.prompt_eval_duration),
                "eval_ms": millis(done.stats.eval_duration),
            },
        }),
    )
}

fn error_event(err: ApiError) -> Bytes {
    event(
        "error",
        &json!({"status": err.status_code().as_u16(), "detail": err.to_string()}),
    )
}

/// A `delta` for the text (skipped when empty, unless `always`), then a `tool_call` per call.
fn said(out: &mut Vec<u8>, content: &str, tool_calls: &[ToolCall], always: bool) {
    if always || !content.is_empty() {
        out.extend_from_slice(&event("delta", &json!({ "content": content })));
    }
    for call in tool_calls {
        out.extend_from_slice(&event("tool_call", &json!(call)));
    }
}

/// The bytes of one step of the turn.
fn frame(turn: &Turn, step: TurnEvent) -> Bytes {
    match step {
        TurnEvent::Delta {
            content,
            tool_calls,
        } => {
            let mut out = Vec::new();
            said(&mut out, &content, &tool_calls, tool_calls.is_empty());
            Bytes::from(out)
        }
        TurnEvent::End {
            tail,
            tool_calls,
            stored,
        } => {
            let mut out = Vec::new();
            said(&mut out, &tail, &tool_calls, false);
            match stored {
                Ok(done) => out.extend_from_slice(&done_event(turn, &done)),
                Err(err) => out.extend_from_slice(&error_event(err.into())),
            }
            Bytes::from(out)
        }
        TurnEvent::Failed(err) => error_event(err.into()),
    }
}

/// The SSE body: `start`, then a `delta` per piece, then `done` (or `error`).
pub(crate) fn relay(
    relay: TurnRelay,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
    let start = event(
        "start",
        &json!({"conversation_id": relay.turn().conversation_id, "message_id": relay.turn().reply_id}),
    );
    let body = stream::unfold(relay, |mut relay| async move {
        let step = relay.next().await?;
        let bytes = frame(relay.turn(), step);
        Some((bytes, relay))
    });
    stream::once(async move { start })
        .chain(body)
        .map(Ok::<_, actix_web::Error>)
}
