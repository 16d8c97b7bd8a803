//! The SSE relay of `POST /api/v1/chat`: each Ollama piece is sent on as it arrives (never
//! buffered), and the reply is stored when the stream ends — complete, or marked incomplete
//! with what arrived when Ollama fails or the client goes away (dropping the stream also drops
//! the upstream request, which cancels it).

use std::time::Instant;

use actix_web::ResponseError;
use actix_web::web::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use owp_db::Database;
use owp_metering::Caller;
use owp_metering::usage::Spend;
use owp_ollama_client::{ChatChunk, ChatStream};
use owp_workshop::conversations::{self, ReplyOutcome, Turn};
use serde_json::{Value, json};

use crate::http::metering::{finish_detached, spend_of};
use crate::http::problem::ApiError;

/// One Server-Sent Event.
fn event(name: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// Tool calls of a piece in Ollama's shape, or `null`.
pub(crate) fn tool_calls_of(chunk: &ChatChunk) -> Value {
    if chunk.message.tool_calls.is_empty() {
        return Value::Null;
    }
    chunk
        .message
        .tool_calls
        .iter()
        .map(|call| json!({"function": {"name": call.function.name, "arguments": call.function.arguments}}))
        .collect()
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

/// What has arrived of a reply, stored when the stream ends. If the stream is dropped first
/// (the client went away), `Drop` stores the partial reply, marked incomplete.
pub(crate) struct ReplyLog {
    db: Database,
    caller: Caller,
    turn: Turn,
    model: String,
    started: Instant,
    content: String,
    pieces: i64,
    tool_calls: Vec<Value>,
    stored: bool,
}

impl ReplyLog {
    /// A log for `turn`'s reply, timed from `started`.
    pub(crate) fn new(
        db: Database,
        caller: Caller,
        turn: Turn,
        model: String,
        started: Instant,
    ) -> Self {
        Self {
            db,
            caller,
            turn,
            model,
            started,
            content: String::new(),
            pieces: 0,
            tool_calls: Vec::new(),
            stored: false,
        }
    }

    fn absorb(&mut self, chunk: &ChatChunk) {
        self.content.push_str(&chunk.message.content);
        if !chunk.done {
            self.pieces += 1;
        }
        if let Value::Array(calls) = tool_calls_of(chunk) {
            self.tool_calls.extend(calls);
        }
    }

    fn elapsed_ms(&self) -> i64 {
        i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// The outcome of a reply cut off by `error`: what arrived, each piece counted as a token
    /// so a client cannot dodge its budget by hanging up before Ollama's final counts.
    fn cut_off(&self, error: &str) -> ReplyOutcome {
        ReplyOutcome {
            content: self.content.clone(),
            spend: Spend {
                prompt_tokens: 0,
                completion_tokens: self.pieces,
            },
            processing_time_ms: self.elapsed_ms(),
            metadata: json!({"error": error, "tool_calls": self.tool_calls}),
            complete: false,
        }
    }

    fn work(
        &self,
        outcome: ReplyOutcome,
    ) -> impl FnOnce(&mut owp_db::AnyConnection) -> Result<(), owp_workshop::WorkshopError>
    + Send
    + 'static {
        let (caller, turn, model) = (self.caller, self.turn.clone(), self.model.clone());
        move |conn| {
            conversations::finish_reply(conn, &caller, &turn, &model, &outcome, owp_db::time::now())
        }
    }

    async fn store(&mut self, outcome: ReplyOutcome) -> Result<(), ApiError> {
        self.stored = true;
        self.db
            .run(self.work(outcome))
            .await
            .map_err(ApiError::from)
    }
}

impl Drop for ReplyLog {
    fn drop(&mut self) {
        if self.stored {
            return;
        }
        let work = self.work(self.cut_off("the client went away before the reply ended"));
        let db = self.db.clone();
        finish_detached("store a cut-off reply", async move {
            if let Err(err) = db.run(work).await {
                tracing::error!(error = %err, "a cut-off reply could not be stored");
            }
        });
    }
}

fn done_event(log: &ReplyLog, last: &ChatChunk, spend: Spend) -> Bytes {
    event(
        "done",
        &json!({
            "conversation_id": log.turn.conversation_id,
            "message_id": log.turn.reply_id,
            "done_reason": last.done_reason,
            "usage": usage_of(spend),
            "timings": {
                "total_ms": log.elapsed_ms(),
                "load_ms": millis(last.stats.load_duration),
                "prompt_eval_ms": millis(last.stats.prompt_eval_duration),
                "eval_ms": millis(last.stats.eval_duration),
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

struct Relay {
    upstream: ChatStream,
    log: ReplyLog,
    finished: bool,
}

impl Relay {
    async fn step(&mut self) -> Option<Bytes> {
        if self.finished {
            return None;
        }
        let item = self.upstream.next().await;
        match item {
            Some(Ok(chunk)) if !chunk.done => {
                self.log.absorb(&chunk);
                let mut delta = json!({"content": chunk.message.content});
                let calls = tool_calls_of(&chunk);
                if !calls.is_null() {
                    delta["tool_calls"] = calls;
                }
                Some(event("delta", &delta))
            }
            Some(Ok(last)) => {
                self.finished = true;
                self.log.absorb(&last);
                let spend = spend_of(&last.stats);
                let outcome = ReplyOutcome {
                    content: self.log.content.clone(),
                    spend,
                    processing_time_ms: self.log.elapsed_ms(),
                    metadata: json!({"done_reason": last.done_reason, "tool_calls": self.log.tool_calls}),
                    complete: true,
                };
                let mut out = Vec::new();
                if !last.message.content.is_empty() {
                    out.extend_from_slice(&event(
                        "delta",
                        &json!({"content": last.message.content}),
                    ));
                }
                match self.log.store(outcome).await {
                    Ok(()) => out.extend_from_slice(&done_event(&self.log, &last, spend)),
                    Err(err) => out.extend_from_slice(&error_event(err)),
                }
                Some(Bytes::from(out))
            }
            Some(Err(err)) => {
                self.finished = true;
                let err = ApiError::from(err);
                let outcome = self.log.cut_off(&err.to_string());
                if let Err(store) = self.log.store(outcome).await {
                    tracing::error!(error = %store, "a failed reply could not be stored");
                }
                Some(error_event(err))
            }
            None => {
                self.finished = true;
                let err =
                    ApiError::BadGateway("Ollama's answer ended without its final piece".into());
                let outcome = self.log.cut_off(&err.to_string());
                if let Err(store) = self.log.store(outcome).await {
                    tracing::error!(error = %store, "a failed reply could not be stored");
                }
                Some(error_event(err))
            }
        }
    }
}

/// The SSE body: `start`, then a `delta` per piece, then `done` (or `error`).
pub(crate) fn relay(
    upstream: ChatStream,
    log: ReplyLog,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> + 'static {
    let start = event(
        "start",
        &json!({"conversation_id": log.turn.conversation_id, "message_id": log.turn.reply_id}),
    );
    let relay = Relay {
        upstream,
        log,
        finished: false,
    };
    let body = stream::unfold(relay, |mut relay| async move {
        relay.step().await.map(|bytes| (bytes, relay))
    });
    stream::once(async move { start })
        .chain(body)
        .map(Ok::<_, actix_web::Error>)
}
