//! Who acts: the context every event is recorded under.

use owp_db::ids::{OrganizationId, UserId};

use crate::key::ChainKey;

/// Who acted when no signed-in user did. Recorded as `"actor"` in the event's detail, which
/// the hash chain covers, rather than in a client-supplied column (`user_agent`,
/// `request_id`), so no HTTP caller can pass itself off as the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemActor {
    /// The operator at the `owp` command line.
    Cli,
}

impl SystemActor {
    /// The stored name (`detail.actor`).
    pub fn as_str(self) -> &'static str {
        match self {
            SystemActor::Cli => "cli",
        }
    }
}

/// The key of the detail field naming a [`SystemActor`].
pub(crate) const ACTOR_FIELD: &str = "actor";

/// Where a request came from, and the key its events are chained with; the gateway fills it
/// once per request. There is no `Default`: every context names the server's [`ChainKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    /// The key [`crate::record`] hashes the event with.
    pub chain_key: ChainKey,
    /// The signed-in user acting, if any.
    pub actor_user_id: Option<UserId>,
    /// The system acting when no user does (the CLI); written into the event's detail.
    pub system_actor: Option<SystemActor>,
    /// The tenant the action happens in.
    pub organization_id: Option<OrganizationId>,
    /// Client address.
    pub ip: Option<String>,
    /// Client software.
    pub user_agent: Option<String>,
    /// The request id of the access log.
    pub request_id: Option<String>,
}

impl AuditContext {
    /// A context without actor, tenant or client: the system itself acting (bootstrap, CLI).
    pub fn system(chain_key: ChainKey) -> Self {
        Self {
            chain_key,
            actor_user_id: None,
            system_actor: None,
            organization_id: None,
            ip: None,
            user_agent: None,
            request_id: None,
        }
    }

    /// The operator at the command line: no user, every event marked `"actor": "cli"`.
    pub fn cli(chain_key: ChainKey) -> Self {
        Self {
            system_actor: Some(SystemActor::Cli),
            ..Self::system(chain_key)
        }
    }

    /// The detail to store for `detail` under this context: with `"actor"` set when a
    /// [`SystemActor`] acts (a detail that is not an object is kept under `"value"`).
    pub(crate) fn stored_detail(&self, detail: &serde_json::Value) -> String {
        let Some(actor) = self.system_actor else {
            return detail.to_string();
        };
        let mut marked = match detail {
            serde_json::Value::Object(fields) => fields.clone(),
            other => serde_json::Map::from_iter([("value".to_owned(), other.clone())]),
        };
        marked.insert(ACTOR_FIELD.to_owned(), actor.as_str().into());
        serde_json::Value::Object(marked).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::AuditContext;
    use crate::ChainKey;

    #[test]
    fn the_cli_marks_its_events_in_the_detail() {
        let key = ChainKey::derive(b"event test secret");
        let facts = serde_json::json!({"email": "a@example.com"});
        assert_eq!(
            AuditContext::system(key.clone()).stored_detail(&facts),
            facts.to_string()
        );
        let cli = AuditContext::cli(key);
        // Compared as values: key order depends on serde_json's `preserve_order` feature.
        let stored = |detail| -> serde_json::Value {
            serde_json::from_str(&cli.stored_detail(&detail)).unwrap()
        };
        assert_eq!(
            stored(facts),
            serde_json::json!({"actor": "cli", "email": "a@example.com"})
        );
        assert_eq!(
            stored(serde_json::json!(3)),
            serde_json::json!({"actor": "cli", "value": 3})
        );
    }
}
