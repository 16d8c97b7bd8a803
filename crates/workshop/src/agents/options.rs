//! [`AgentOptions`]: the Ollama options an agent sets on every call, typed and range-checked
//! when saved, so a fault is a 422 naming `options.<field>` instead of an error from Ollama in
//! the middle of a chat.

use serde_json::{Map, Value, json};

use crate::WorkshopError;

/// Largest context window accepted (1 Mi tokens).
pub const MAX_NUM_CTX: u32 = 1_048_576;
/// Most stop sequences.
pub const MAX_STOP: usize = 8;

/// The option names an agent may set.
const NAMES: [&str; 8] = [
    "temperature",
    "top_p",
    "top_k",
    "num_ctx",
    "num_predict",
    "seed",
    "stop",
    "repeat_penalty",
];

/// Ollama options of an agent; unset ones are left out when serialized, so the chat crate
/// merges exactly what the agent sets into Ollama's `options` object.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentOptions {
    /// 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// At least 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// 1 to 1 048 576 tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_ctx: Option<u32>,
    /// Most tokens to generate (-1: no limit, as Ollama reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_predict: Option<i32>,
    /// Fixed seed for reproducible answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Up to 8 non-empty stop sequences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Vec<String>>,
    /// At least 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_penalty: Option<f64>,
}

fn invalid(name: &str, message: impl Into<String>) -> WorkshopError {
    WorkshopError::invalid(format!("options.{name}"), message)
}

fn within(name: &str, value: Option<f64>, low: f64, high: f64) -> Result<(), WorkshopError> {
    match value {
        Some(v) if !(low..=high).contains(&v) => {
            Err(invalid(name, format!("must be from {low} to {high}")))
        }
        _ => Ok(()),
    }
}

impl AgentOptions {
    /// Reads options a client sent (`null` is none set): an unknown name, a value of the wrong
    /// type or out of range is `Invalid` naming `options.<field>`.
    pub fn from_json(value: &Value) -> Result<Self, WorkshopError> {
        let map = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => map,
            _ => return Err(WorkshopError::invalid("options", "must be an object")),
        };
        for (name, v) in map {
            if !NAMES.contains(&name.as_str()) {
                return Err(invalid(
                    name,
                    format!("is not an agent option (known: {})", NAMES.join(", ")),
                ));
            }
            if let Err(e) = serde_json::from_value::<Self>(json!({ name: v })) {
                return Err(invalid(name, format!("has the wrong type: {e}")));
            }
        }
        let options: Self = serde_json::from_value(Value::Object(map.clone()))
            .map_err(|e| WorkshopError::invalid("options", e.to_string()))?;
        options.check()?;
        Ok(options)
    }

    /// The options as the JSON object stored (and merged into Ollama's `options`).
    pub fn to_json(&self) -> Map<String, Value> {
        match json!(self) {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn check(&self) -> Result<(), WorkshopError> {
        within("temperature", self.temperature, 0.0, 2.0)?;
        within("top_p", self.top_p, 0.0, 1.0)?;
        if self.repeat_penalty.is_some_and(|p| p < 0.0) {
            return Err(invalid("repeat_penalty", "must be at least 0"));
        }
        if self.top_k == Some(0) {
            return Err(invalid("top_k", "must be at least 1"));
        }
        if self.num_ctx.is_some_and(|n| n == 0 || n > MAX_NUM_CTX) {
            return Err(invalid(
                "num_ctx",
                format!("must be from 1 to {MAX_NUM_CTX}"),
            ));
        }
        if let Some(stop) = &self.stop {
            if stop.len() > MAX_STOP {
                return Err(invalid("stop", format!("at most {MAX_STOP} sequences")));
            }
            if stop.iter().any(|s| s.is_empty() || s.contains('\0')) {
                return Err(invalid("stop", "sequences must be non-empty text"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(value: Value) -> String {
        match AgentOptions::from_json(&value) {
            Err(WorkshopError::Invalid(field, _)) => field,
            other => panic!("{value} was accepted: {other:?}"),
        }
    }

    #[test]
    fn options_are_typed_and_range_checked_by_name() {
        let options = AgentOptions::from_json(&json!({
            "temperature": 0.2, "top_k": 40, "num_ctx": 8192, "seed": -1, "stop": ["###"]
        }))
        .unwrap();
        assert_eq!(options.temperature, Some(0.2));
        assert_eq!(
            Value::Object(options.to_json()),
            json!({"temperature": 0.2, "top_k": 40, "num_ctx": 8192, "seed": -1, "stop": ["###"]})
        );
        assert_eq!(
            AgentOptions::from_json(&Value::Null).unwrap(),
            AgentOptions::default()
        );
        assert_eq!(field_of(json!({"mirostat": 1})), "options.mirostat");
        assert_eq!(field_of(json!({"temperature": 2.5})), "options.temperature");
        assert_eq!(
            field_of(json!({"temperature": "hot"})),
            "options.temperature"
        );
        assert_eq!(field_of(json!({"top_p": -0.1})), "options.top_p");
        assert_eq!(field_of(json!({"top_k": 0})), "options.top_k");
        assert_eq!(field_of(json!({"top_k": -3})), "options.top_k");
        assert_eq!(field_of(json!({"num_ctx": 2_000_000})), "options.num_ctx");
        assert_eq!(field_of(json!({"stop": [""]})), "options.stop");
        assert_eq!(field_of(json!({"stop": vec!["x"; 9]})), "options.stop");
        assert_eq!(
            field_of(json!({"repeat_penalty": -1})),
            "options.repeat_penalty"
        );
        assert_eq!(field_of(json!([1])), "options");
    }
}
