//! The fake's generating endpoints (`/api/chat`, `/api/generate`, `/api/pull`) and the NDJSON
//! body that writes their chunks as they are produced.

use std::collections::VecDeque;
use std::io;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::content::{count_tokens, digest, reply_tokens};
use super::routes::{
    Answer, FakeBody, Refusal, find_model, json_response, mark_running, now, requested_model,
    with_body,
};
use super::{FakeModel, ModelKind, Shared, lock};

/// Runs once the last chunk of a stream has been produced.
type OnComplete = Box<dyn FnOnce() + Send>;

/// What a request asks of a generating endpoint, read under the state lock.
struct Job {
    requested: Value,
    tokens: usize,
    delay: Duration,
    stream: bool,
    shared: Shared,
}

fn job(body: &Value, shared: &Shared, action: &str) -> Result<Job, Refusal> {
    let mut state = lock(shared);
    let model = find_model(&state, &requested_model(body)?)?;
    if model.kind == ModelKind::Embedding {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("\"{}\" does not support {action}", model.name),
        ));
    }
    mark_running(&mut state, &model);
    Ok(Job {
        requested: body["model"].clone(),
        tokens: state.tokens_per_reply,
        delay: state.token_delay,
        stream: body.get("stream").and_then(Value::as_bool).unwrap_or(true),
        shared: shared.clone(),
    })
}

/// `POST /api/chat`.
pub(crate) async fn chat(body: &Value, shared: &Shared, disconnect_after: Option<usize>) -> Answer {
    let job = job(body, shared, "chat")?;
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if messages.is_empty() {
        return Ok(loaded(
            &job,
            "message",
            json!({ "role": "assistant", "content": "" }),
        ));
    }
    let last = messages
        .iter()
        .rev()
        .find(|m| matches!(m["role"].as_str(), Some("user" | "tool")));
    let source = last.and_then(|m| m["content"].as_str()).unwrap_or("");
    let prompt_tokens: u64 = messages
        .iter()
        .filter_map(|m| m["content"].as_str())
        .map(count_tokens)
        .sum();
    let tool_call = body
        .get("tools")
        .and_then(Value::as_array)
        .and_then(|tools| tools.first())
        .filter(|_| last.is_some_and(|m| m["role"] == "user"))
        .map(|tool| call_of(tool, source));
    let pieces: Vec<Value> = match &tool_call {
        Some(call) => vec![json!({ "role": "assistant", "content": "", "tool_calls": [call] })],
        None => reply_tokens(source, job.tokens)
            .into_iter()
            .map(|token| json!({ "role": "assistant", "content": token }))
            .collect(),
    };
    let eval_count = pieces.len() as u64;
    let whole = json!({
        "role": "assistant",
        "content": pieces.iter().filter_map(|p| p["content"].as_str()).collect::<String>(),
        "tool_calls": tool_call.map(|call| vec![call]).unwrap_or_default(),
    });
    let chunks = pieces.into_iter().map(|piece| json!({ "message": piece }));
    let last_message = json!({ "role": "assistant", "content": "" });
    Ok(respond(
        job,
        chunks.collect(),
        ("message", last_message, whole),
        prompt_tokens,
        eval_count,
        disconnect_after,
    )
    .await)
}

/// `POST /api/generate`.
pub(crate) async fn generate(
    body: &Value,
    shared: &Shared,
    disconnect_after: Option<usize>,
) -> Answer {
    let job = job(body, shared, "generate")?;
    let prompt = body.get("prompt").and_then(Value::as_str).unwrap_or("");
    if prompt.is_empty() {
        return Ok(loaded(&job, "response", json!("")));
    }
    let tokens = reply_tokens(prompt, job.tokens);
    let eval_count = tokens.len() as u64;
    let whole = json!(tokens.concat());
    let chunks = tokens
        .into_iter()
        .map(|token| json!({ "response": token }))
        .collect();
    Ok(respond(
        job,
        chunks,
        ("response", json!(""), whole),
        count_tokens(prompt),
        eval_count,
        disconnect_after,
    )
    .await)
}

/// `POST /api/pull`: progress lines per Ollama's documentation, then the model is installed.
pub(crate) fn pull(body: &Value, shared: &Shared, disconnect_after: Option<usize>) -> Answer {
    let name = requested_model(body)?;
    let model = FakeModel::chat(&name);
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(true);
    let delay = lock(shared).token_delay;
    let install: OnComplete = {
        let shared = shared.clone();
        let model = model.clone();
        Box::new(move || {
            let mut state = lock(&shared);
            state.models.retain(|m| m.name != model.name);
            state.models.push(model);
        })
    };
    if !stream {
        install();
        return Ok(json_response(
            StatusCode::OK,
            &json!({ "status": "success" }),
        ));
    }
    let mut lines = vec![json!({ "status": "pulling manifest" })];
    let weights = model.size - 1_024;
    for (layer, total) in [(0, weights), (1, 1_024)] {
        let digest = format!("sha256:{}", digest(&format!("{}#{layer}", model.name)));
        let status = format!("downloading {digest}");
        lines.push(json!({ "status": status, "digest": digest, "total": total }));
        lines.push(
            json!({ "status": status, "digest": digest, "total": total, "completed": total / 2 }),
        );
        lines.push(
            json!({ "status": status, "digest": digest, "total": total, "completed": total }),
        );
    }
    for status in [
        "verifying sha256 digest",
        "writing manifest",
        "removing any unused layers",
        "success",
    ] {
        lines.push(json!({ "status": status }));
    }
    Ok(ndjson(lines, delay, disconnect_after, Some(install), None))
}

/// The call of `tool` the fake model makes: its first (required) parameter set to `source`.
fn call_of(tool: &Value, source: &str) -> Value {
    let parameters = &tool["function"]["parameters"];
    let first = parameters["required"]
        .get(0)
        .and_then(Value::as_str)
        .or_else(|| {
            parameters["properties"]
                .as_object()
                .and_then(|p| p.keys().next().map(String::as_str))
        });
    let mut arguments = Map::new();
    if let Some(name) = first {
        arguments.insert(name.to_owned(), json!(source));
    }
    json!({ "function": { "name": tool["function"]["name"], "arguments": arguments } })
}

/// Ollama's answer to an empty request: the model is loaded, nothing generated.
fn loaded(job: &Job, field: &str, empty: Value) -> Response<FakeBody> {
    let mut answer =
        json!({ "model": job.requested, "created_at": now(), "done": true, "done_reason": "load" });
    answer[field] = empty;
    json_response(StatusCode::OK, &answer)
}

/// Streams `chunks` then a final chunk with statistics, or answers everything at once.
/// `last` is (field, its value on the final streamed chunk, its value in a whole answer).
async fn respond(
    job: Job,
    chunks: Vec<Value>,
    last: (&str, Value, Value),
    prompt_tokens: u64,
    eval_count: u64,
    disconnect_after: Option<usize>,
) -> Response<FakeBody> {
    let (field, streamed_last, whole) = last;
    let eval_duration = (job.delay.as_nanos() as u64)
        .saturating_mul(eval_count)
        .max(1);
    let mut final_chunk = json!({
        "model": job.requested,
        "done": true,
        "done_reason": "stop",
        "total_duration": 1_000_000 + prompt_tokens * 1_000 + eval_duration,
        "load_duration": 1_000_000,
        "prompt_eval_count": prompt_tokens.max(1),
        "prompt_eval_duration": prompt_tokens.max(1) * 1_000,
        "eval_count": eval_count,
        "eval_duration": eval_duration,
    });
    if !job.stream {
        tokio::time::sleep(job.delay.saturating_mul(eval_count as u32)).await;
        final_chunk[field] = whole;
        final_chunk["created_at"] = json!(now());
        return json_response(StatusCode::OK, &final_chunk);
    }
    final_chunk[field] = streamed_last;
    let mut lines: Vec<Value> = chunks
        .into_iter()
        .map(|mut chunk| {
            chunk["model"] = job.requested.clone();
            chunk["done"] = json!(false);
            chunk
        })
        .collect();
    lines.push(final_chunk);
    ndjson(lines, job.delay, disconnect_after, None, Some(job.shared))
}

struct Emitter {
    lines: VecDeque<Value>,
    delay: Duration,
    sent: usize,
    disconnect_after: Option<usize>,
    on_complete: Option<OnComplete>,
    /// Counts this answer in `abandoned_streams` if the client drops it before its end.
    watch: Option<Shared>,
}

impl Drop for Emitter {
    fn drop(&mut self) {
        if let Some(shared) = &self.watch
            && !self.lines.is_empty()
        {
            lock(shared).abandoned_streams += 1;
        }
    }
}

/// An NDJSON response whose lines are produced one by one, `delay` before each but the last,
/// each stamped with `created_at` when produced (for objects that carry a `model`). After
/// `disconnect_after` lines the body fails, which makes hyper drop the connection mid-body.
fn ndjson(
    lines: Vec<Value>,
    delay: Duration,
    disconnect_after: Option<usize>,
    on_complete: Option<OnComplete>,
    watch: Option<Shared>,
) -> Response<FakeBody> {
    let emitter = Emitter {
        lines: lines.into(),
        delay,
        sent: 0,
        disconnect_after,
        on_complete,
        watch,
    };
    let frames = stream::unfold(emitter, |mut emitter| async move {
        let mut line = emitter.lines.pop_front()?;
        if emitter.disconnect_after == Some(emitter.sent) {
            // Give hyper one pending poll to flush what was sent, as a crashing Ollama would
            // have, before cutting the body.
            tokio::task::yield_now().await;
            emitter.lines.clear();
            let cut = io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "fake ollama: scripted disconnect",
            );
            return Some((Err(cut), emitter));
        }
        if !emitter.lines.is_empty() && !emitter.delay.is_zero() {
            tokio::time::sleep(emitter.delay).await;
        }
        if line.get("model").is_some() {
            line["created_at"] = json!(now());
        }
        if emitter.lines.is_empty()
            && let Some(on_complete) = emitter.on_complete.take()
        {
            on_complete();
        }
        emitter.sent += 1;
        let mut bytes = line.to_string().into_bytes();
        bytes.push(b'\n');
        Some((Ok(Frame::data(Bytes::from(bytes))), emitter))
    });
    with_body(
        StatusCode::OK,
        "application/x-ndjson",
        StreamBody::new(frames).boxed_unsync(),
    )
}
