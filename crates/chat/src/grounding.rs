//! [`Grounding`]: retrieved knowledge a turn is grounded in (set by `owp-rag`), and how its
//! fields join the stored reply's metadata.

use serde_json::Value;

/// Brings a grounding's metadata fields up to date with the reply's text.
pub type Answered = fn(&mut serde_json::Map<String, Value>, &str);

/// Knowledge a turn is grounded in: a system message the model reads after the agent's system
/// prompt (never stored, like it), and fields kept in the reply's metadata (the citations).
#[derive(Debug, Clone, Default)]
pub struct Grounding {
    /// The system message with the retrieved context.
    pub system: String,
    /// Merged into the stored reply's metadata.
    pub metadata: serde_json::Map<String, Value>,
    /// Brings [`Grounding::metadata`] up to date with the reply's text when the reply is stored
    /// (whole, streamed or cut off): e.g. which sources the answer cites.
    pub answered: Option<Answered>,
}

/// `metadata` with the grounding's fields added, as they stand after `answer`.
pub(crate) fn with_grounding(mut metadata: Value, grounding: &Grounding, answer: &str) -> Value {
    if let Value::Object(fields) = &mut metadata {
        let mut kept = grounding.metadata.clone();
        if let Some(answered) = grounding.answered {
            answered(&mut kept, answer);
        }
        fields.extend(kept);
    }
    metadata
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn grounding_fields_join_the_metadata_and_win_over_nothing_else() {
        let mut grounding = Grounding::default();
        grounding
            .metadata
            .insert("sources".into(), json!([{"n": 1}]));
        let merged = with_grounding(
            json!({"done_reason": "stop", "tool_calls": []}),
            &grounding,
            "an answer",
        );
        assert_eq!(
            merged,
            json!({"done_reason": "stop", "tool_calls": [], "sources": [{"n": 1}]})
        );
        let untouched = with_grounding(json!({"done_reason": "stop"}), &Grounding::default(), "");
        assert_eq!(untouched, json!({"done_reason": "stop"}));
    }

    #[test]
    fn the_fields_follow_the_answer_when_told_how() {
        fn length(fields: &mut serde_json::Map<String, Value>, answer: &str) {
            fields.insert("length".into(), json!(answer.len()));
        }
        let grounding = Grounding {
            answered: Some(length),
            ..Grounding::default()
        };
        let merged = with_grounding(json!({}), &grounding, "four");
        assert_eq!(merged, json!({"length": 4}));
    }
}
