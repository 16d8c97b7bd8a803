//! `POST /v1/chat/completions`: OpenAI's chat API over Ollama, whole or streamed exactly like
//! OpenAI (`data: {chunk}` lines ending `data: [DONE]`), with the caller's model grants checked
//! before anything reaches Ollama.

use actix_web::{HttpResponse, post, web};
use futures_util::StreamExt;
use owp_ollama_client::ChatChunk;
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use owp_ollama_client::ollama_rs::models::ModelOptions;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use owp_workshop::Caller;

use super::grants::check_grants;
use crate::http::auth::Auth;
use crate::http::metering::{Meter, ensure_budget, metered, record_spend, spend_of};
use crate::http::problem::ApiError;
use crate::state::AppState;

/// OpenAI's chat request (the fields Ollama can honour).
#[derive(Deserialize, ToSchema)]
pub struct CompletionRequest {
    /// Model name.
    model: String,
    /// The conversation: `{role, content}` with roles system, user, assistant, tool.
    #[schema(value_type = Vec<Object>)]
    messages: Vec<Value>,
    /// Stream as Server-Sent Events.
    #[serde(default)]
    stream: bool,
    /// `{"include_usage": true}` adds a usage chunk before `[DONE]`.
    #[schema(value_type = Option<Object>)]
    stream_options: Option<Value>,
    /// Sampling temperature.
    temperature: Option<f32>,
    /// Nucleus sampling.
    top_p: Option<f32>,
    /// Most tokens to generate.
    max_tokens: Option<i32>,
    /// Tools in OpenAI's function format.
    #[schema(value_type = Option<Vec<Object>>)]
    tools: Option<Vec<Value>>,
}

fn to_ollama(body: &CompletionRequest) -> Result<ChatMessageRequest, ApiError> {
    if body.messages.is_empty() {
        return Err(ApiError::invalid_field("messages", "must not be empty"));
    }
    let messages = body
        .messages
        .iter()
        .map(|m| {
            let role = m["role"].as_str().unwrap_or_default();
            if !matches!(role, "system" | "user" | "assistant" | "tool") {
                return Err(ApiError::invalid_field(
                    "messages",
                    format!("unknown role {role:?}"),
                ));
            }
            let content = match &m["content"] {
                Value::String(text) => text.clone(),
                Value::Null => String::new(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join(""),
                _ => return Err(ApiError::invalid_field("messages", "content must be text")),
            };
            serde_json::from_value::<ChatMessage>(json!({"role": role, "content": content}))
                .map_err(|e| ApiError::invalid_field("messages", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = serde_json::Map::new();
    if let Some(t) = body.temperature {
        options.insert("temperature".into(), json!(t));
    }
    if let Some(p) = body.top_p {
        options.insert("top_p".into(), json!(p));
    }
    if let Some(n) = body.max_tokens {
        options.insert("num_predict".into(), json!(n));
    }
    let options: ModelOptions = serde_json::from_value(Value::Object(options))
        .map_err(|e| ApiError::invalid_field("temperature", e.to_string()))?;
    let mut request = ChatMessageRequest::new(body.model.clone(), messages).options(options);
    if let Some(tools) = &body.tools {
        let tools = tools
            .iter()
            .map(|t| {
                serde_json::from_value::<ToolInfo>(t.clone())
                    .map_err(|e| ApiError::invalid_field("tools", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        request = request.tools(tools);
    }
    Ok(request)
}

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
    responses((status = 200, description = "a chat.completion object, or chat.completion.chunk events when streaming")),
    security(("bearer" = []))
)]
#[post("/chat/completions")]
pub async fn completions(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<CompletionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let request = to_ollama(&body)?;
    check_grants(
        &auth.0,
        &body.model,
        request.tools.iter().map(|t| t.function.name.as_str()),
    )?;
    ensure_budget(&state, &auth.0).await?;
    let caller = Caller::from(&auth.0);
    let id = format!("chatcmpl-{}", uuid::Uuid::now_v7().simple());
    let created = chrono::Utc::now().timestamp();
    if !body.stream {
        let reply = state.ollama_client.chat(&request).await?;
        record_spend(&state, caller, body.model.clone(), spend_of(&reply.stats)).await;
        let calls = tool_calls(&reply);
        let mut message = json!({"role": "assistant", "content": reply.message.content});
        if let Some(calls) = &calls {
            message["tool_calls"] = calls.clone();
        }
        return Ok(HttpResponse::Ok().json(json!({
            "id": id, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(&reply, calls.is_some())}],
            "usage": usage(&reply),
        })));
    }
    let include_usage = body
        .stream_options
        .as_ref()
        .is_some_and(|o| o["include_usage"] == json!(true));
    let upstream = state.ollama_client.chat_stream(&request).await?;
    let model = body.model;
    let upstream = metered(
        upstream,
        Meter::new(state.get_ref().clone(), caller, model.clone()),
    );
    let mut first = true;
    let mut saw_tool_calls = false;
    let chunk = move |choices: Value, usage: Option<Value>| {
        let mut object = json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": choices});
        if let Some(usage) = usage {
            object["usage"] = usage;
        }
        web::Bytes::from(format!("data: {object}\n\n"))
    };
    let events = upstream
        .map(move |item| match item {
            Ok(piece) => {
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
                    out.push(chunk(json!([{"index": 0, "delta": {}, "finish_reason": reason}]), None));
                    if include_usage {
                        out.push(chunk(json!([]), Some(usage(&piece))));
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
