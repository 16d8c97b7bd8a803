//! Per-user grants: which models and tools a user may use.
//!
//! Semantics (documented for the API): `None` means "whatever the roles allow" (every model when
//! the roles grant `models:use`); `Some(list)` means "only these", so `Some([])` allows none.

/// A user's model and tool allowlists.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grants {
    /// Allowed model names, or `None` for no restriction.
    pub allowed_model_ids: Option<Vec<String>>,
    /// Allowed tool ids, or `None` for no restriction.
    pub allowed_tool_ids: Option<Vec<String>>,
}

/// Reads a stored JSON list column (NULL = no restriction; unreadable = nothing allowed, the
/// safe reading of a damaged value).
pub fn parse_list(stored: Option<&str>) -> Option<Vec<String>> {
    stored.map(|text| serde_json::from_str(text).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::parse_list;

    #[test]
    fn null_is_unrestricted_and_garbage_allows_nothing() {
        assert_eq!(parse_list(None), None);
        assert_eq!(
            parse_list(Some("[\"llama3\"]")),
            Some(vec!["llama3".to_owned()])
        );
        assert_eq!(parse_list(Some("[]")), Some(vec![]));
        assert_eq!(parse_list(Some("{oops")), Some(vec![]));
    }
}
