//! [`Principal`]: who is calling, with everything needed to decide what they may do.

use std::collections::BTreeSet;

use owp_db::ids::{CredentialId, OrganizationId, SessionId, UserId};
use owp_db::model_name::canonical_or_same;

use crate::permissions;

/// The caller of a request, loaded once per request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Principal {
    /// The user.
    pub user_id: UserId,
    /// The user's organization.
    pub organization_id: OrganizationId,
    /// Role names.
    pub roles: Vec<String>,
    /// Effective permissions: the roles' union, narrowed by an API key's scopes.
    pub permissions: BTreeSet<String>,
    /// Models the caller may use (`None` = any), narrowed by an API key's allowlist.
    pub allowed_model_ids: Option<Vec<String>>,
    /// Ids of the tools the caller may use (`None` = any).
    pub allowed_tool_ids: Option<Vec<String>>,
    /// Names of those tools (`None` = any), for requests that define tools inline by name.
    pub allowed_tool_names: Option<Vec<String>>,
    /// The session of a JWT caller.
    pub session_id: Option<SessionId>,
    /// The API key of a key caller.
    pub credential_id: Option<CredentialId>,
}

/// The caller lacks a permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this needs the {0} permission")]
pub struct Forbidden(pub String);

impl Principal {
    /// Whether the caller holds `permission`.
    pub fn has(&self, permission: &str) -> bool {
        self.permissions.contains(permission)
    }

    /// `Ok` when the caller holds `permission`, so handlers can write `principal.require(..)?`.
    pub fn require(&self, permission: &str) -> Result<(), Forbidden> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(Forbidden(permission.to_owned()))
        }
    }

    /// Super admins act across organizations.
    pub fn is_super_admin(&self) -> bool {
        self.has(permissions::ORGANIZATIONS_WRITE)
    }

    /// Whether the caller may act on something in `organization`.
    pub fn can_reach(&self, organization: OrganizationId) -> bool {
        self.organization_id == organization || self.is_super_admin()
    }

    /// Whether the caller may use `model`: `models:use` plus the allowlists. Names compare in
    /// their canonical spelling (`llama3.2` is `llama3.2:latest`), as Ollama resolves them.
    pub fn can_use_model(&self, model: &str) -> bool {
        if !self.has(permissions::MODELS_USE) {
            return false;
        }
        let Some(allowed) = &self.allowed_model_ids else {
            return true;
        };
        let wanted = canonical_or_same(model);
        allowed.iter().any(|m| canonical_or_same(m) == wanted)
    }

    /// Whether the caller may hand a tool named `tool` to a model (a definition sent inline):
    /// no tool allowlist means any tool; else a granted tool must have that name.
    pub fn can_use_tool(&self, tool: &str) -> bool {
        self.allowed_tool_names
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|t| t == tool))
    }

    /// Whether the caller may use the stored tool with id `tool`: no allowlist means any.
    pub fn can_use_tool_id(&self, tool: &str) -> bool {
        self.allowed_tool_ids
            .as_ref()
            .is_none_or(|allowed| allowed.iter().any(|t| t == tool))
    }

    /// Narrows this principal to an API key's scopes and model allowlist; a key never gains
    /// what its owner does not have, and a later role change narrows the key too.
    pub fn narrowed_to_key(
        mut self,
        key: CredentialId,
        scopes: Option<&[String]>,
        allowed_models: Option<&[String]>,
    ) -> Self {
        if let Some(scopes) = scopes {
            self.permissions.retain(|p| scopes.contains(p));
        }
        if let Some(key_models) = allowed_models {
            self.allowed_model_ids = Some(match self.allowed_model_ids.take() {
                Some(user_models) => user_models
                    .into_iter()
                    .filter(|m| key_models.contains(m))
                    .collect(),
                None => key_models.to_vec(),
            });
        }
        self.credential_id = Some(key);
        self.session_id = None;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(perms: &[&str], models: Option<&[&str]>) -> Principal {
        Principal {
            user_id: UserId::new(),
            organization_id: OrganizationId::new(),
            roles: vec!["user".into()],
            permissions: perms.iter().map(|p| (*p).to_owned()).collect(),
            allowed_model_ids: models.map(|m| m.iter().map(|s| (*s).to_owned()).collect()),
            allowed_tool_ids: None,
            allowed_tool_names: None,
            session_id: None,
            credential_id: None,
        }
    }

    #[test]
    fn model_use_needs_the_permission_and_the_allowlist() {
        assert!(principal(&["models:use"], None).can_use_model("llama3"));
        assert!(!principal(&[], None).can_use_model("llama3"));
        let limited = principal(&["models:use"], Some(&["llama3"]));
        assert!(limited.can_use_model("llama3"));
        assert!(!limited.can_use_model("mistral"));
        assert!(!principal(&["models:use"], Some(&[])).can_use_model("llama3"));
    }

    #[test]
    fn tools_follow_the_allowlist() {
        let mut caller = principal(&["models:use"], None);
        assert!(caller.can_use_tool("web_search"));
        caller.allowed_tool_names = Some(vec!["calculator".into()]);
        caller.allowed_tool_ids = Some(vec!["0190a000-0000-7000-8000-000000000001".into()]);
        assert!(caller.can_use_tool("calculator"));
        assert!(!caller.can_use_tool("web_search"));
        assert!(caller.can_use_tool_id("0190a000-0000-7000-8000-000000000001"));
        assert!(!caller.can_use_tool_id("0190a000-0000-7000-8000-000000000002"));
    }

    #[test]
    fn keys_only_narrow() {
        let owner = principal(&["models:use", "content:read"], Some(&["a", "b"]));
        let scopes = vec!["models:use".to_owned(), "users:write".to_owned()];
        let models = vec!["b".to_owned(), "c".to_owned()];
        let key = owner.narrowed_to_key(CredentialId::new(), Some(&scopes), Some(&models));
        assert_eq!(key.permissions.iter().collect::<Vec<_>>(), ["models:use"]);
        assert_eq!(key.allowed_model_ids, Some(vec!["b".to_owned()]));
        assert_eq!(
            key.require("users:write"),
            Err(Forbidden("users:write".into()))
        );
    }
}
