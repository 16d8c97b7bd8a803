//! OpenAI's messages and tools as Ollama's.

use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use serde_json::{Value, json};

use crate::ChatError;

/// A refusal naming the field.
pub(super) fn refuse(field: &str, why: &str) -> ChatError {
    ChatError::invalid(field, why)
}

/// A tool in OpenAI's function format as Ollama's; `description` and `parameters` may be left
/// out, as OpenAI allows (no description; no parameters).
pub fn tool_of(tool: &Value, field: &str) -> Result<ToolInfo, ChatError> {
    let mut tool = tool.clone();
    if let Some(function) = tool.get_mut("function").and_then(Value::as_object_mut) {
        function
            .entry("description")
            .or_insert_with(|| Value::String(String::new()));
        function
            .entry("parameters")
            .or_insert_with(|| json!({"type": "object", "properties": {}}));
    }
    serde_json::from_value(tool).map_err(|e| refuse(field, &e.to_string()))
}

/// One OpenAI message as Ollama's: text parts joined, `data:` images attached, an assistant's
/// `tool_calls` kept (arguments parsed from their JSON text), `developer` read as `system`.
pub(super) fn to_message(index: usize, message: &Value) -> Result<ChatMessage, ChatError> {
    let field = |name: &str| format!("messages[{index}].{name}");
    let role = match message["role"].as_str().unwrap_or_default() {
        "developer" => "system",
        role @ ("system" | "user" | "assistant" | "tool") => role,
        other => return Err(refuse(&field("role"), &format!("unknown role {other:?}"))),
    };
    let mut images = Vec::new();
    let content = match &message["content"] {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(parts) => {
            let mut text = String::new();
            for part in parts {
                match part["type"].as_str() {
                    Some("text") => text.push_str(part["text"].as_str().unwrap_or_default()),
                    Some("image_url") => images.push(data_image(
                        part["image_url"]["url"].as_str().unwrap_or_default(),
                        &field("content"),
                    )?),
                    other => {
                        return Err(refuse(
                            &field("content"),
                            &format!("part type {other:?} is not supported (text, image_url)"),
                        ));
                    }
                }
            }
            text
        }
        _ => return Err(refuse(&field("content"), "must be text or a list of parts")),
    };
    let mut ollama = json!({"role": role, "content": content});
    if !images.is_empty() {
        ollama["images"] = json!(images);
    }
    if let Some(calls) = message["tool_calls"].as_array() {
        let calls = calls
            .iter()
            .map(|call| {
                let arguments = match &call["function"]["arguments"] {
                    Value::String(text) => serde_json::from_str(text).map_err(|_| {
                        refuse(&field("tool_calls"), "function.arguments must be JSON text")
                    })?,
                    other => other.clone(),
                };
                Ok(json!({"function": {"name": call["function"]["name"], "arguments": arguments}}))
            })
            .collect::<Result<Vec<_>, ChatError>>()?;
        ollama["tool_calls"] = Value::Array(calls);
    }
    serde_json::from_value(ollama).map_err(|e| refuse(&field("content"), &e.to_string()))
}

/// The base64 payload of a `data:image/…;base64,` URL; any other URL is refused (the gateway
/// never fetches a URL a client names).
fn data_image(url: &str, field: &str) -> Result<String, ChatError> {
    url.strip_prefix("data:image/")
        .and_then(|rest| rest.split_once(";base64,"))
        .map(|(_, payload)| payload.to_owned())
        .ok_or_else(|| {
            refuse(
                field,
                "images must be data:image/…;base64 URLs; the gateway fetches no URL",
            )
        })
}
