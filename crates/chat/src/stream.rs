//! The bookkeeping of a streamed chat turn: each Ollama piece is handed on as it arrives (never
//! buffered) as a [`TurnEvent`], and the reply is stored when the stream ends — complete, or
//! marked incomplete with what arrived when Ollama fails or the client goes away (dropping the
//! relay drops the upstream request, which cancels it, and stores the partial reply).

use std::time::Instant;

use futures_util::StreamExt;
use owp_db::time::Clock;
use owp_db::{AnyConnection, Database};
use owp_metering::finish_detached;
use owp_ollama_client::{ChatChunk, ChatStream, GenerationStats};
use serde_json::{Value, json};

use crate::conversations::{self, ReplyOutcome, Turn};
use crate::grounding::{Grounding, with_grounding};
use crate::{Caller, ChatError, Spend, ToolCall, spend_of, tool_calls_of};

/// Milliseconds since `started`.
pub(crate) fn elapsed_ms(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// What has arrived of a reply, stored when the stream ends. If it is dropped first (the
/// client went away), `Drop` stores the partial reply, marked incomplete.
pub(crate) struct ReplyLog {
    db: Database,
    caller: Caller,
    turn: Turn,
    model: String,
    started: Instant,
    clock: Clock,
    content: String,
    pieces: i64,
    tool_calls: Vec<Value>,
    stored: bool,
    grounding: Grounding,
}

impl ReplyLog {
    /// A log for `turn`'s reply, timed from `started`, stamped with `clock` when it is stored.
    pub(crate) fn new(
        db: Database,
        caller: Caller,
        turn: Turn,
        model: String,
        started: Instant,
        clock: Clock,
        grounding: Grounding,
    ) -> Self {
        Self {
            db,
            caller,
            turn,
            model,
            started,
            clock,
            content: String::new(),
            pieces: 0,
            tool_calls: Vec::new(),
            stored: false,
            grounding,
        }
    }

    /// Takes in a piece and its tool calls (given their ids once, by the caller, so the
    /// stored calls and the relayed ones agree).
    fn absorb(&mut self, chunk: &ChatChunk, calls: &[ToolCall]) {
        self.content.push_str(&chunk.message.content);
        if !chunk.done {
            self.pieces += 1;
        }
        self.tool_calls.extend(calls.iter().map(ToolCall::stored));
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
            processing_time_ms: elapsed_ms(self.started),
            metadata: with_grounding(
                json!({"error": error, "tool_calls": self.tool_calls}),
                &self.grounding,
                &self.content,
            ),
            complete: false,
        }
    }

    /// The store work for `outcome`, stamped when it runs.
    fn work(
        &self,
        outcome: ReplyOutcome,
    ) -> impl FnOnce(&mut AnyConnection) -> Result<(), ChatError> + Send + 'static {
        let (caller, turn, model) = (self.caller, self.turn.clone(), self.model.clone());
        let clock = self.clock;
        move |conn| {
            let at = clock();
            conversations::finish_reply(conn, &caller, &turn, &model, &outcome, at)
        }
    }

    async fn store(&mut self, outcome: ReplyOutcome) -> Result<(), ChatError> {
        self.stored = true;
        self.db.run(self.work(outcome)).await
    }

    async fn store_failed(&mut self, err: &ChatError) {
        let outcome = self.cut_off(&err.to_string());
        if let Err(store) = self.store(outcome).await {
            tracing::error!(error = %store, "a failed reply could not be stored");
        }
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

/// How a reply ended well: what the final piece said, and what it cost.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Why generation stopped (`stop`, `length`, …).
    pub done_reason: Option<String>,
    /// Tokens Ollama counted.
    pub spend: Spend,
    /// Time from the request to the reply being stored.
    pub total_ms: i64,
    /// Ollama's counts and timings.
    pub stats: GenerationStats,
}

/// One step of a streamed turn.
#[derive(Debug)]
pub enum TurnEvent {
    /// A piece of the reply: its text and the tool calls it makes.
    Delta {
        /// The text.
        content: String,
        /// Tool calls, each with its id (usually none).
        tool_calls: Vec<ToolCall>,
    },
    /// The final piece arrived: its text (`tail`, possibly empty), then the reply stored —
    /// or the error that kept it from being stored.
    End {
        /// The final piece's text.
        tail: String,
        /// Tool calls the final piece makes.
        tool_calls: Vec<ToolCall>,
        /// How it ended, once stored.
        stored: Result<Finished, ChatError>,
    },
    /// Ollama failed or its stream ended early; the partial reply was stored as incomplete.
    Failed(ChatError),
}

/// A streamed turn: pull [`TurnRelay::next`] until it answers `None`.
pub struct TurnRelay {
    upstream: ChatStream,
    log: ReplyLog,
    finished: bool,
}

impl TurnRelay {
    pub(crate) fn new(upstream: ChatStream, log: ReplyLog) -> Self {
        Self {
            upstream,
            log,
            finished: false,
        }
    }

    /// The stored turn: its conversation and the reply's message id.
    pub fn turn(&self) -> &Turn {
        &self.log.turn
    }

    /// The next step; `None` once the reply has ended (well or not).
    pub async fn next(&mut self) -> Option<TurnEvent> {
        if self.finished {
            return None;
        }
        match self.upstream.next().await {
            Some(Ok(chunk)) if !chunk.done => {
                let tool_calls = tool_calls_of(&chunk);
                self.log.absorb(&chunk, &tool_calls);
                Some(TurnEvent::Delta {
                    tool_calls,
                    content: chunk.message.content,
                })
            }
            Some(Ok(last)) => {
                self.finished = true;
                let tool_calls = tool_calls_of(&last);
                self.log.absorb(&last, &tool_calls);
                let spend = spend_of(&last.stats);
                let outcome = ReplyOutcome {
                    content: self.log.content.clone(),
                    spend,
                    processing_time_ms: elapsed_ms(self.log.started),
                    metadata: with_grounding(
                        json!({"done_reason": last.done_reason, "tool_calls": self.log.tool_calls}),
                        &self.log.grounding,
                        &self.log.content,
                    ),
                    complete: true,
                };
                let stored = self.log.store(outcome).await.map(|()| Finished {
                    done_reason: last.done_reason,
                    spend,
                    total_ms: elapsed_ms(self.log.started),
                    stats: last.stats,
                });
                Some(TurnEvent::End {
                    tail: last.message.content,
                    tool_calls,
                    stored,
                })
            }
            Some(Err(err)) => {
                self.finished = true;
                let err = ChatError::Ollama(err);
                self.log.store_failed(&err).await;
                Some(TurnEvent::Failed(err))
            }
            None => {
                self.finished = true;
                let err = ChatError::Broken("Ollama's answer ended without its final piece".into());
                self.log.store_failed(&err).await;
                Some(TurnEvent::Failed(err))
            }
        }
    }
}
