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
use owp_rag::Citation;
use owp_rag::retrieval::mark_cited;
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

/// The bytes of one step of the turn; before `done`, the `citations` event with the sources
/// the answer so far (`answer`, the text relayed) names marked `cited`.
fn frame(
    turn: &Turn,
    step: TurnEvent,
    answer: &mut String,
    citations: Option<&[Citation]>,
) -> Bytes {
    match step {
        TurnEvent::Delta {
            content,
            tool_calls,
        } => {
            answer.push_str(&content);
            let mut out = Vec::new();
            said(&mut out, &content, &tool_calls, tool_calls.is_empty());
            Bytes::from(out)
        }
        TurnEvent::End {
            tail,
            tool_calls,
            stored,
        } => {
            answer.push_str(&tail);
            let mut out = Vec::new();
            said(&mut out, &tail, &tool_calls, false);
            if let Some(citations) = citations {
                let marked = mark_cited(citations.to_vec(), answer);
                out.extend_from_slice(&event("citations", &json!({ "citations": marked })));
            }
            match stored {
                Ok(done) => out.extend_from_slice(&done_event(turn, &done)),
                Err(err) => out.extend_from_slice(&error_event(err.into())),
            }
            Bytes::from(out)
        }
        TurnEvent::Failed(err) => error_event(err.into()),
    }
}

/// The SSE body: `start`, then a `delta` per piece, then — when the turn was grounded in
/// sources — `citations`, then `done` (or `error`).
pub(crate) fn relay_with_citations(
    relay: TurnRelay,
    citations: Option<Vec<Citation>>,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
    let start = event(
        "start",
        &json!({"conversation_id": relay.turn().conversation_id, "message_id": relay.turn().reply_id}),
    );
    let state = (relay, String::new(), citations);
    let body = stream::unfold(state, |(mut relay, mut answer, citations)| async move {
        let step = relay.next().await?;
        let bytes = frame(relay.turn(), step, &mut answer, citations.as_deref());
        Some((bytes, (relay, answer, citations)))
    });
    stream::once(async move { start })
        .chain(body)
        .map(Ok::<_, actix_web::Error>)
}
