//! [`Grounding`]: retrieved knowledge a turn is grounded in (set by `owp-rag`), and how its
//! fields join the stored reply's metadata.

use serde_json::Value;

/// Knowledge a turn is grounded in: a system message the model reads after the agent's system
/// prompt (never stored, like it), and fields kept in the reply's metadata (the citations).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grounding {
    /// The system message with the retrieved context.
    pub system: String,
    /// Merged into the stored reply's metadata.
    pub metadata: serde_json::Map<String, Value>,
}

/// `metadata` with the grounding's fields added.
pub(crate) fn with_grounding(
    mut metadata: Value,
    grounding: &serde_json::Map<String, Value>,
) -> Value {
    if let Value::Object(fields) = &mut metadata {
        fields.extend(grounding.clone());
    }
    metadata
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn grounding_fields_join_the_metadata_and_win_over_nothing_else() {
        let mut fields = serde_json::Map::new();
        fields.insert("sources".into(), json!([{"n": 1}]));
        let merged = with_grounding(json!({"done_reason": "stop", "tool_calls": []}), &fields);
        assert_eq!(
            merged,
            json!({"done_reason": "stop", "tool_calls": [], "sources": [{"n": 1}]})
        );
        let untouched = with_grounding(json!({"done_reason": "stop"}), &serde_json::Map::new());
        assert_eq!(untouched, json!({"done_reason": "stop"}));
    }
}
