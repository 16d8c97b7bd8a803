//! Model names as Ollama reads them: `[host/][namespace/]model[:tag]`, where the default host
//! (`registry.ollama.ai`), the default namespace (`library`) and the default tag (`latest`) may
//! be left out, and names compare case-insensitively. [`ModelName::canonical`] is the one
//! spelling the platform stores and compares (`llama3.2` → `llama3.2:latest`,
//! `registry.ollama.ai/library/Llama3.2:Latest` → `llama3.2:latest`), so a grant written one way
//! matches a model installed under another.

use std::fmt;

/// Ollama's default registry host.
pub const DEFAULT_HOST: &str = "registry.ollama.ai";
/// Ollama's default namespace.
pub const DEFAULT_NAMESPACE: &str = "library";
/// Ollama's default tag.
pub const DEFAULT_TAG: &str = "latest";

/// Longest namespace, model or tag part Ollama accepts.
const MAX_PART: usize = 80;
/// Longest host part Ollama accepts.
const MAX_HOST: usize = 350;

/// A parsed, valid model name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelName {
    host: Option<String>,
    namespace: Option<String>,
    model: String,
    tag: String,
}

/// Why a text is not a model name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelNameError {
    /// Empty or only spaces.
    #[error("a model name is required")]
    Empty,
    /// Breaks Ollama's grammar.
    #[error("`{name}` is not a model name ([namespace/]model[:tag]): {reason}")]
    Invalid {
        /// The text as given (control characters shown escaped).
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Names a registry other than Ollama's.
    #[error("`{0}` names another registry; only an admin-allowed registry may be used")]
    ForeignRegistry(String),
}

impl ModelName {
    /// Parses `text` (surrounding spaces ignored). A registry host other than Ollama's own is
    /// accepted only when `allowed_hosts` lists it (compared case-insensitively).
    pub fn parse(text: &str, allowed_hosts: &[String]) -> Result<Self, ModelNameError> {
        let text = text.trim_matches(' ');
        if text.is_empty() {
            return Err(ModelNameError::Empty);
        }
        let invalid = |reason: &str| ModelNameError::Invalid {
            name: text.escape_default().to_string(),
            reason: reason.to_owned(),
        };
        if text.contains("://") {
            return Err(invalid("a URL is not a model name"));
        }
        if text.contains('@') {
            return Err(invalid("digests (`@sha256:…`) are not accepted"));
        }
        let parts: Vec<&str> = text.split('/').collect();
        let (host, namespace, rest) = match parts.as_slice() {
            [rest] => (None, None, *rest),
            [namespace, rest] => (None, Some(*namespace), *rest),
            [host, namespace, rest] => (Some(*host), Some(*namespace), *rest),
            _ => return Err(invalid("too many `/` separators")),
        };
        let (model, tag) = match rest.split_once(':') {
            Some((model, tag)) => (model, Some(tag)),
            None => (rest, None),
        };
        check_part(model, "model", MAX_PART, false).map_err(|r| invalid(&r))?;
        if let Some(tag) = tag {
            check_part(tag, "tag", MAX_PART, false).map_err(|r| invalid(&r))?;
        }
        if let Some(namespace) = namespace {
            check_part(namespace, "namespace", MAX_PART, false).map_err(|r| invalid(&r))?;
            if namespace.contains('.') {
                return Err(invalid("a namespace has no `.`"));
            }
        }
        let host = match host {
            Some(host) => {
                check_part(host, "host", MAX_HOST, true).map_err(|r| invalid(&r))?;
                let host = host.to_ascii_lowercase();
                let allowed = host == DEFAULT_HOST
                    || allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
                if !allowed {
                    return Err(ModelNameError::ForeignRegistry(host));
                }
                Some(host).filter(|h| h != DEFAULT_HOST)
            }
            None => None,
        };
        let namespace = namespace
            .map(str::to_ascii_lowercase)
            .filter(|n| host.is_some() || n != DEFAULT_NAMESPACE);
        Ok(Self {
            host,
            namespace,
            model: model.to_ascii_lowercase(),
            tag: tag.unwrap_or(DEFAULT_TAG).to_ascii_lowercase(),
        })
    }

    /// The stored and compared spelling: defaults filled in or dropped, lower case.
    pub fn canonical(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(host) = &self.host {
            write!(f, "{host}/")?;
        }
        if let Some(namespace) = &self.namespace {
            write!(f, "{namespace}/")?;
        } else if self.host.is_some() {
            write!(f, "{DEFAULT_NAMESPACE}/")?;
        }
        write!(f, "{}:{}", self.model, self.tag)
    }
}

/// The canonical spelling of `name` when it parses (with its own host allowed), else `name` as
/// given: for comparing names that were accepted once already, such as Ollama's own list.
pub fn canonical_or_same(name: &str) -> String {
    let own_host = [name.split('/').next().unwrap_or_default().to_owned()];
    ModelName::parse(name, &own_host)
        .map(|n| n.canonical())
        .unwrap_or_else(|_| name.to_owned())
}

/// The canonical spelling of every name of `list`, duplicates dropped, order kept; any registry
/// host is accepted (a grant names what is installed, whatever registry it came from).
pub fn canonical_list(list: &[String]) -> Result<Vec<String>, ModelNameError> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for name in list {
        let own_host = [name.split('/').next().unwrap_or_default().to_owned()];
        let name = ModelName::parse(name, &own_host)?.canonical();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// Ollama's rule for one part: 1..=max characters of letters, digits, `_`, `-`, `.` (and `:`
/// for a host's port), starting with a letter, digit or `_`.
fn check_part(part: &str, what: &str, max: usize, host: bool) -> Result<(), String> {
    if part.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    if part.len() > max {
        return Err(format!("the {what} is longer than {max} characters"));
    }
    if part.contains("..") {
        return Err(format!("the {what} contains `..`"));
    }
    let mut chars = part.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!("the {what} must start with a letter, digit or `_`"));
    }
    match part.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') || (host && *c == ':'))
    }) {
        Some(c) => Err(format!(
            "the {what} contains `{}`; only letters, digits, `_`, `-` and `.` are allowed",
            c.escape_default()
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> Result<String, ModelNameError> {
        ModelName::parse(text, &[]).map(|n| n.canonical())
    }

    #[test]
    fn defaults_are_filled_in_and_case_folded() {
        assert_eq!(canonical("llama3.2").unwrap(), "llama3.2:latest");
        assert_eq!(canonical(" Llama3.2:Latest ").unwrap(), "llama3.2:latest");
        assert_eq!(canonical("library/llama3.2").unwrap(), "llama3.2:latest");
        assert_eq!(
            canonical("registry.ollama.ai/library/nomic-embed-text").unwrap(),
            "nomic-embed-text:latest"
        );
        assert_eq!(canonical("jmorgan/phi:2b").unwrap(), "jmorgan/phi:2b");
        assert_eq!(
            canonical("qwen2.5:0.5b-instruct_q4").unwrap(),
            "qwen2.5:0.5b-instruct_q4"
        );
    }

    #[test]
    fn other_registries_need_an_allowance() {
        assert!(matches!(
            canonical("hf.co/bartowski/model:q4"),
            Err(ModelNameError::ForeignRegistry(h)) if h == "hf.co"
        ));
        let allowed = ["HF.co".to_owned()];
        assert_eq!(
            ModelName::parse("hf.co/bartowski/Model:Q4", &allowed)
                .unwrap()
                .canonical(),
            "hf.co/bartowski/model:q4"
        );
        assert_eq!(
            ModelName::parse("localhost:5000/library/x", &["localhost:5000".into()])
                .unwrap()
                .canonical(),
            "localhost:5000/library/x:latest"
        );
    }

    #[test]
    fn urls_traversal_and_control_characters_are_refused() {
        for bad in [
            "http://evil.example/model",
            "../etc/passwd",
            "a/../b",
            "model\n",
            "mo\u{0}del",
            "model name",
            "a/b/c/d",
            ":tag",
            "model:",
            "-model",
            "model@sha256:abc",
            "ns.x/model",
        ] {
            assert!(canonical(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(canonical("   "), Err(ModelNameError::Empty));
        assert!(canonical(&"m".repeat(81)).is_err());
    }

    #[test]
    fn lists_are_canonical_and_unique() {
        let list = [
            "nomic-embed-text".to_owned(),
            "Nomic-Embed-Text:latest".to_owned(),
        ];
        assert_eq!(canonical_list(&list).unwrap(), ["nomic-embed-text:latest"]);
        assert!(canonical_list(&["a b".to_owned()]).is_err());
    }

    #[test]
    fn names_already_accepted_compare_canonically() {
        assert_eq!(canonical_or_same("Llama3.2"), "llama3.2:latest");
        assert_eq!(canonical_or_same("hf.co/a/b"), "hf.co/a/b:latest");
        assert_eq!(canonical_or_same("library/b:1"), "b:1");
        assert_eq!(canonical_or_same("weird name"), "weird name");
    }
}
