//! Who may call what: the one table of every route and what it needs, enforced for every
//! request before its handler runs ([`crate::http::access::enforce`]). Handlers only refine it
//! for the object at hand (another organization's user is 404, one's own API keys need only
//! `api_keys:self`, a model outside the caller's grants is 403).
//!
//! The role × route matrix test calls every route as every kind of caller and asserts the exact
//! status, so weakening an entry here fails it; a route missing from this table fails a test too.

use std::sync::LazyLock;

use actix_web::dev::ResourceDef;
use owp_rbac::Principal;

mod table;

pub use table::ROUTES;
/// What a route needs from its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: public, or it checks credentials of its own (sign-in, refresh, invitations).
    Anyone,
    /// Any signed-in caller (a session or an API key).
    SignedIn,
    /// This permission.
    Permission(&'static str),
    /// `own` for the caller's own object, else `any` (the handler tells which applies).
    OwnOr {
        /// Enough for one's own object.
        own: &'static str,
        /// Needed for anyone else's.
        any: &'static str,
    },
}

impl Need {
    /// Whether `principal` may call a route needing this (before object-level checks).
    pub fn allows(self, principal: &Principal) -> Result<(), owp_rbac::Forbidden> {
        match self {
            Need::Anyone | Need::SignedIn => Ok(()),
            Need::Permission(permission) => principal.require(permission),
            Need::OwnOr { own, any } => {
                if principal.has(own) {
                    Ok(())
                } else {
                    principal.require(any)
                }
            }
        }
    }
}

/// The table with its patterns parsed once.
static COMPILED: LazyLock<Vec<(&'static str, ResourceDef, &'static str, Need)>> =
    LazyLock::new(|| {
        ROUTES
            .iter()
            .map(|(method, pattern, need)| (*method, ResourceDef::new(*pattern), *pattern, *need))
            .collect()
    });

/// The entry (pattern and need) serving `method path`, where `path` is the path the router
/// matches (percent-decoded). Matched like the router does: by method and path together, so
/// `POST /models/pull` is not mistaken for `/models/{name}`.
pub fn entry_of(method: &str, path: &str) -> Option<(&'static str, Need)> {
    COMPILED
        .iter()
        .find(|(m, def, _, _)| *m == method && def.is_match(path))
        .map(|(_, _, pattern, need)| (*pattern, *need))
}

/// The methods some route serves `path` with (for a 405's `Allow`); empty when none does.
pub fn allowed_methods(path: &str) -> Vec<String> {
    let mut methods: Vec<String> = COMPILED
        .iter()
        .filter(|(_, def, _, _)| def.is_match(path))
        .map(|(m, _, _, _)| (*m).to_owned())
        .collect();
    methods.sort();
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use owp_rbac::permissions::{MODELS_MANAGE, MODELS_USE};

    use super::Need::Permission;
    use super::*;

    #[test]
    fn every_documented_route_has_exactly_one_entry() {
        let spec = serde_json::to_value(crate::openapi::spec()).unwrap_or_default();
        let documented: BTreeSet<(String, String)> = spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(method, _)| (method.to_uppercase(), path.clone()))
            })
            .collect();
        let listed: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        let unique: BTreeSet<_> = listed.iter().cloned().collect();
        assert_eq!(unique.len(), listed.len(), "a route is listed twice");
        assert_eq!(unique, documented);
    }

    #[test]
    fn requests_find_their_route_by_method_and_path() {
        assert_eq!(
            entry_of("POST", "/api/v1/models/pull"),
            Some(("/api/v1/models/pull", Permission(MODELS_MANAGE)))
        );
        assert_eq!(
            entry_of("GET", "/api/v1/models/llama3.2:latest"),
            Some(("/api/v1/models/{name}", Permission(MODELS_USE)))
        );
        assert_eq!(entry_of("GET", "/api/v1/nothing-here"), None);
        assert_eq!(
            allowed_methods("/api/v1/models/pull"),
            ["DELETE", "GET", "POST"]
        );
    }

    #[test]
    fn no_entry_shadows_another() {
        for (method, pattern, _) in ROUTES {
            let example = pattern.replace("{id}", "0190a000-0000-7000-8000-000000000000");
            let example = example.replace("{key_id}", "0190a000-0000-7000-8000-000000000001");
            let example = example.replace("{name}", "llama3.2:latest");
            let example = example.replace("{model}", "llama3.2:latest");
            let example = example.replace("{user_id}", "0190a000-0000-7000-8000-000000000002");
            let example = example.replace("{n}", "3");
            assert_eq!(
                entry_of(method, &example).map(|(p, _)| p),
                Some(*pattern),
                "{method} {example} is decided by another entry"
            );
        }
    }
}
