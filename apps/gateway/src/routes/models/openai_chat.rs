//! `POST /v1/chat/completions`: OpenAI's chat API over Ollama, whole or streamed exactly like
//! OpenAI (`data: {chunk}` lines ending `data: [DONE]`), with the caller's model grants checked
//! before anything reaches Ollama. An agent with knowledge (`agent:<slug>`) is grounded by
//! `owp-rag`; its sources come back in the extra field `citations` (of the completion, or of the
//! stream's chunk that carries `finish_reason`).

use actix_web::{HttpResponse, post, web};
use futures_util::StreamExt;
use owp_chat::openai::{self, CompletionRequest};
use owp_ollama_client::ChatChunk;
use owp_rag::knowledge;
use owp_rag::retrieval::mark_cited;
use serde_json::{Value, json};

use crate::http::auth::Auth;
use crate::http::problem::ApiError;
use crate::state::AppState;

fn tool_calls(chunk: &ChatChunk) -> Option<Value> {
    if chunk.message.tool_calls.is_empty() {
        return None;
    }
    let calls: Vec<Value> = chunk
        .message
        .tool_calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            json!({
                "index": i,
                "id": format!("call_{}", uuid::Uuid::now_v7().simple()),
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments.to_string()},
            })
        })
        .collect();
    Some(Value::Array(calls))
}

fn finish_reason(chunk: &ChatChunk, saw_tool_calls: bool) -> &'static str {
    if saw_tool_calls {
        "tool_calls"
    } else if chunk.done_reason.as_deref() == Some("length") {
        "length"
    } else {
        "stop"
    }
}

fn usage(chunk: &ChatChunk) -> Value {
    let prompt = chunk.stats.prompt_eval_count.unwrap_or(0);
    let completion = chunk.stats.eval_count.unwrap_or(0);
    json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion})
}

/// Chat completion, OpenAI-style.
#[utoipa::path(
    tag = "openai",
    request_body = CompletionRequest,
    responses((status = 200, description = "a chat.completion object, or chat.completion.chunk events when streaming; for an agent with knowledge, the extra field `citations` (numbered sources {n, document_title, text, score, position, cited, …}) on the completion or on the chunk with `finish_reason`")),
    security(("bearer" = []))
)]
#[post("/chat/completions")]
pub async fn completions(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<CompletionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let (db, ollama, clock) = (&state.db, &state.ollama_client, owp_db::time::now);
    let indexes = &state.indexes;
    let id = format!("chatcmpl-{}", uuid::Uuid::now_v7().simple());
    let created = chrono::Utc::now().timestamp();
    if !body.stream {
        let (reply, citations) = if body.model.starts_with(openai::AGENT_PREFIX) {
            knowledge::openai_complete(db, ollama, indexes, &auth.0, &body, clock).await?
        } else {
            (
                openai::complete(db, ollama, &auth.0, &body, None, clock).await?,
                None,
            )
        };
        let calls = tool_calls(&reply);
        let mut message = json!({"role": "assistant", "content": reply.message.content});
        if let Some(calls) = &calls {
            message["tool_calls"] = calls.clone();
        }
        let mut completion = json!({
            "id": id, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(&reply, calls.is_some())}],
            "usage": usage(&reply),
        });
        if let Some(citations) = citations {
            completion["citations"] = json!(citations);
        }
        return Ok(HttpResponse::Ok().json(completion));
    }
    let include_usage = body
        .stream_options
        .as_ref()
        .is_some_and(|o| o["include_usage"] == json!(true));
    let (upstream, citations) = if body.model.starts_with(openai::AGENT_PREFIX) {
        knowledge::openai_complete_streamed(db, ollama, indexes, &auth.0, &body, clock).await?
    } else {
        (
            openai::complete_streamed(db, ollama, &auth.0, &body, None, clock).await?,
            None,
        )
    };
    let mut answer = String::new();
    let model = body.model;
    let mut first = true;
    let mut saw_tool_calls = false;
    let chunk = move |choices: Value, extra: Option<(&str, Value)>| {
        let mut object = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": choices});
        if let Some((field, value)) = extra {
            object[field] = value;
        }
        web::Bytes::from(format!("data: {object}\n\n"))
    };
    let events = upstream
        .map(move |item| match item {
            Ok(piece) => {
                answer.push_str(&piece.message.content);
                let mut delta = json!({"content": piece.message.content});
                if std::mem::take(&mut first) {
                    delta["role"] = json!("assistant");
                }
                if let Some(calls) = tool_calls(&piece) {
                    saw_tool_calls = true;
                    delta["tool_calls"] = calls;
                }
                let mut out = Vec::new();
                if piece.done {
                    if !piece.message.content.is_empty() || delta.get("tool_calls").is_some() {
                        out.push(chunk(json!([{"index": 0, "delta": delta, "finish_reason": null}]), None));
                    }
                    let reason = finish_reason(&piece, saw_tool_calls);
                    let cited = citations
                        .as_ref()
                        .map(|c| ("citations", json!(mark_cited(c.clone(), &answer))));
                    out.push(chunk(json!([{"index": 0, "delta": {}, "finish_reason": reason}]), cited));
                    if include_usage {
                        out.push(chunk(json!([]), Some(("usage", usage(&piece)))));
                    }
                    out.push(web::Bytes::from_static(b"data: [DONE]\n\n"));
                } else {
                    out.push(chunk(json!([{"index": 0, "delta": delta, "finish_reason": null}]), None));
                }
                out
            }
            Err(err) => {
                let error = json!({"error": {"message": ApiError::from(err).to_string(), "type": "api_error", "code": "upstream_error"}});
                vec![web::Bytes::from(format!("data: {error}\n\n"))]
            }
        })
        .flat_map(|parts| futures_util::stream::iter(parts.into_iter().map(Ok::<_, actix_web::Error>)));
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(events))
}
