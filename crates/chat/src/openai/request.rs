//! OpenAI's chat request, and its translation into Ollama's: every field the official SDKs send
//! is either honoured (mapped to what Ollama does) or refused with a 422 naming it — never
//! silently dropped when dropping it would change the answer.

use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::ollama_rs::generation::parameters::FormatType;
use owp_ollama_client::ollama_rs::models::ModelOptions;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::translate::{refuse, to_message, tool_of};
use crate::ChatError;

/// OpenAI's chat request: the fields Ollama can honour, and those refused by name.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletionRequest {
    /// Model name (any spelling Ollama accepts: `llama3.2` is `llama3.2:latest`).
    pub model: String,
    /// The conversation: roles system, developer (read as system), user, assistant (with
    /// `tool_calls`), tool. Content is text or parts: `text`, and `image_url` as a `data:` URL.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    messages: Vec<Value>,
    /// Stream as Server-Sent Events.
    #[serde(default)]
    pub stream: bool,
    /// `{"include_usage": true}` adds a usage chunk before `[DONE]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub stream_options: Option<Value>,
    /// Sampling temperature.
    temperature: Option<f32>,
    /// Nucleus sampling.
    top_p: Option<f32>,
    /// Most tokens to generate (older name of `max_completion_tokens`).
    max_tokens: Option<i32>,
    /// Most tokens to generate.
    max_completion_tokens: Option<i32>,
    /// Seed for repeatable sampling.
    seed: Option<i64>,
    /// A stop sequence or a list of them.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    stop: Option<Value>,
    /// Penalises tokens already present.
    presence_penalty: Option<f32>,
    /// Penalises frequent tokens.
    frequency_penalty: Option<f32>,
    /// Only 1: Ollama gives one answer per request.
    n: Option<u32>,
    /// `text`, `json_object` or `json_schema` (Ollama's `format`).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    response_format: Option<Value>,
    /// Tools in OpenAI's function format.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub tools: Option<Vec<Value>>,
    /// `auto` or `none`; Ollama cannot be made to call a tool.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    tool_choice: Option<Value>,
    /// Accepted; Ollama decides how many calls it makes.
    parallel_tool_calls: Option<bool>,
    /// Only `false`: token log-probabilities are not relayed.
    logprobs: Option<bool>,
    /// Refused: token log-probabilities are not relayed.
    top_logprobs: Option<u32>,
    /// Refused unless empty: Ollama has no logit bias.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    logit_bias: Option<Map<String, Value>>,
    /// Only `["text"]`.
    modalities: Option<Vec<String>>,
    /// Refused: no audio output.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    audio: Option<Value>,
    /// Refused: no predicted outputs.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    prediction: Option<Value>,
    /// Accepted and ignored (an end-user id for abuse monitoring).
    #[expect(dead_code, reason = "accepted so SDK calls that send it succeed")]
    user: Option<String>,
}

impl CompletionRequest {
    /// Refuses what Ollama cannot do, naming the field.
    fn check_supported(&self) -> Result<(), ChatError> {
        if self.n.is_some_and(|n| n != 1) {
            return Err(refuse("n", "only 1 is supported: Ollama gives one answer"));
        }
        if self.logprobs == Some(true) || self.top_logprobs.is_some() {
            let field = if self.top_logprobs.is_some() {
                "top_logprobs"
            } else {
                "logprobs"
            };
            return Err(refuse(field, "log-probabilities are not supported"));
        }
        if self.logit_bias.as_ref().is_some_and(|b| !b.is_empty()) {
            return Err(refuse("logit_bias", "is not supported by Ollama"));
        }
        if self
            .modalities
            .as_ref()
            .is_some_and(|m| m.iter().any(|m| m != "text"))
        {
            return Err(refuse("modalities", "only \"text\" is supported"));
        }
        if self.audio.is_some() {
            return Err(refuse("audio", "audio output is not supported"));
        }
        if self.prediction.is_some() {
            return Err(refuse("prediction", "predicted outputs are not supported"));
        }
        if let Some(choice) = &self.tool_choice
            && !matches!(choice.as_str(), Some("auto" | "none"))
        {
            return Err(refuse(
                "tool_choice",
                "only \"auto\" and \"none\": Ollama cannot be made to call a tool",
            ));
        }
        if self.parallel_tool_calls.is_some() && self.tools.is_none() {
            return Err(refuse("parallel_tool_calls", "needs tools"));
        }
        Ok(())
    }

    fn options(&self) -> Result<Option<ModelOptions>, ChatError> {
        let mut options = Map::new();
        let mut set = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                options.insert(key.to_owned(), value);
            }
        };
        set("temperature", self.temperature.map(|v| json!(v)));
        set("top_p", self.top_p.map(|v| json!(v)));
        set(
            "num_predict",
            self.max_completion_tokens
                .or(self.max_tokens)
                .map(|v| json!(v)),
        );
        set("presence_penalty", self.presence_penalty.map(|v| json!(v)));
        set(
            "frequency_penalty",
            self.frequency_penalty.map(|v| json!(v)),
        );
        if let Some(seed) = self.seed {
            let seed = i32::try_from(seed)
                .map_err(|_| refuse("seed", "must fit in 32 bits for Ollama"))?;
            set("seed", Some(json!(seed)));
        }
        match &self.stop {
            None | Some(Value::Null) => {}
            Some(Value::String(one)) => set("stop", Some(json!([one]))),
            Some(Value::Array(list)) if list.iter().all(Value::is_string) => {
                set("stop", Some(Value::Array(list.clone())));
            }
            Some(_) => return Err(refuse("stop", "must be a string or a list of strings")),
        }
        if options.is_empty() {
            return Ok(None);
        }
        serde_json::from_value(Value::Object(options))
            .map(Some)
            .map_err(|e| refuse("temperature", &e.to_string()))
    }

    fn format(&self) -> Result<Option<FormatType>, ChatError> {
        let Some(format) = &self.response_format else {
            return Ok(None);
        };
        match format["type"].as_str() {
            Some("text") => Ok(None),
            Some("json_object") => Ok(Some(FormatType::Json)),
            Some("json_schema") => {
                let schema = format["json_schema"]["schema"].clone();
                if !schema.is_object() {
                    return Err(refuse(
                        "response_format",
                        "json_schema needs json_schema.schema, an object",
                    ));
                }
                serde_json::from_value(schema)
                    .map(Some)
                    .map_err(|e| refuse("response_format", &e.to_string()))
            }
            _ => Err(refuse(
                "response_format",
                "type must be text, json_object or json_schema",
            )),
        }
    }

    /// `tool_choice: "none"`: no tool is offered to the model (an agent's neither).
    pub(crate) fn tools_off(&self) -> bool {
        self.tool_choice.as_ref().and_then(Value::as_str) == Some("none")
    }

    /// The text of the last user message (text parts joined): what grounding retrieves for.
    pub fn last_user_text(&self) -> Option<String> {
        let message = self.messages.iter().rev().find(|m| m["role"] == "user")?;
        match &message["content"] {
            Value::String(text) => Some(text.clone()),
            Value::Array(parts) => Some(
                parts
                    .iter()
                    .filter(|p| p["type"] == "text")
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => None,
        }
    }

    /// The Ollama request for this OpenAI request (model as given; the caller sets the checked
    /// canonical name).
    pub fn to_ollama(&self) -> Result<ChatMessageRequest, ChatError> {
        self.check_supported()?;
        if self.messages.is_empty() {
            return Err(refuse("messages", "must not be empty"));
        }
        let messages = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| to_message(i, m))
            .collect::<Result<Vec<_>, _>>()?;
        let mut request = ChatMessageRequest::new(self.model.clone(), messages);
        if let Some(options) = self.options()? {
            request = request.options(options);
        }
        if let Some(format) = self.format()? {
            request = request.format(format);
        }
        if let Some(tools) = self.tools.as_ref().filter(|_| !self.tools_off()) {
            let tools = tools
                .iter()
                .enumerate()
                .map(|(i, t)| tool_of(t, &format!("tools[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            request = request.tools(tools);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(extra: Value) -> Result<ChatMessageRequest, ChatError> {
        let mut body = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        serde_json::from_value::<CompletionRequest>(body)
            .unwrap()
            .to_ollama()
    }

    fn refused_field(extra: Value) -> String {
        match request(extra) {
            Err(ChatError::Invalid(field, _)) => field,
            other => panic!("not refused: {:?}", other.map(|r| r.model_name)),
        }
    }

    #[test]
    fn sdk_fields_are_honoured() {
        let r = request(json!({
            "seed": 7, "max_completion_tokens": 20, "max_tokens": 99, "stop": "END",
            "response_format": {"type": "json_object"}, "n": 1, "logprobs": false,
            "user": "u1", "tool_choice": "auto", "parallel_tool_calls": true,
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}],
        }))
        .unwrap();
        let sent = serde_json::to_value(&r).unwrap();
        assert_eq!(sent["options"]["seed"], 7);
        assert_eq!(sent["options"]["num_predict"], 20);
        assert_eq!(sent["options"]["stop"], json!(["END"]));
        assert_eq!(sent["format"], "json");
        assert_eq!(sent["tools"][0]["function"]["name"], "f");
        let none = request(json!({"tool_choice": "none", "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]})).unwrap();
        assert!(none.tools.is_empty(), "tool_choice none sends no tools");
    }

    #[test]
    fn what_ollama_cannot_do_is_refused_by_name() {
        assert_eq!(refused_field(json!({"n": 2})), "n");
        assert_eq!(refused_field(json!({"logprobs": true})), "logprobs");
        assert_eq!(refused_field(json!({"top_logprobs": 2})), "top_logprobs");
        assert_eq!(
            refused_field(json!({"tool_choice": "required"})),
            "tool_choice"
        );
        assert_eq!(
            refused_field(json!({"modalities": ["text", "audio"]})),
            "modalities"
        );
        assert_eq!(
            refused_field(json!({"logit_bias": {"50256": -100}})),
            "logit_bias"
        );
        assert_eq!(
            refused_field(
                json!({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x/y.png"}}]}]})
            ),
            "messages[0].content"
        );
        assert_eq!(
            refused_field(json!({"messages": [{"role": "robot", "content": "x"}]})),
            "messages[0].role"
        );
    }

    #[test]
    fn tool_history_and_images_reach_ollama() {
        let r = request(json!({"messages": [
            {"role": "developer", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "what is "}, {"type": "text", "text": "this"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "look", "arguments": "{\"x\":1}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "a cat"},
        ]}))
        .unwrap();
        let sent = serde_json::to_value(&r).unwrap();
        assert_eq!(sent["messages"][0]["role"], "system");
        assert_eq!(sent["messages"][1]["content"], "what is this");
        assert_eq!(sent["messages"][1]["images"], json!(["iVBORw0KGgo="]));
        assert_eq!(
            sent["messages"][2]["tool_calls"][0]["function"]["arguments"]["x"],
            1
        );
        assert_eq!(sent["messages"][3]["role"], "tool");
    }
}
