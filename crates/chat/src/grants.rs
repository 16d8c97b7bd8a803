//! The caller's model and tool grants, checked the same way by every model API before anything
//! reaches Ollama.

use owp_db::model_name::canonical_or_same;
use owp_rbac::Principal;

use crate::ChatError;

/// The canonical spelling of `model` (what is then sent to Ollama, so the model checked is the
/// model run) when it is named and granted and every one of `tools` is granted; else
/// [`ChatError::Invalid`] for a missing model, [`ChatError::NotGranted`] naming what is not
/// granted.
pub fn check_grants<'a>(
    principal: &Principal,
    model: &str,
    tools: impl IntoIterator<Item = &'a str>,
) -> Result<String, ChatError> {
    if model.trim().is_empty() {
        return Err(ChatError::invalid("model", "is required"));
    }
    if !principal.can_use_model(model) {
        return Err(ChatError::NotGranted(format!(
            "you may not use model {model:?}"
        )));
    }
    if let Some(tool) = tools.into_iter().find(|t| !principal.can_use_tool(t)) {
        return Err(ChatError::NotGranted(format!(
            "you may not use tool {tool:?}"
        )));
    }
    Ok(canonical_or_same(model))
}
