//! [`ApiKeyCache`]: which tokens this process has already verified with argon2.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use owp_db::ids::CredentialId;
use sha2::{Digest as _, Sha256};

/// SHA-256 of a whole token; the cache never holds the token itself.
pub(crate) type TokenDigest = [u8; 32];

/// Digests a token for the cache.
pub(crate) fn digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

/// Remembers, per process, which tokens were verified against which credential, so that a key
/// costs one argon2 verification per replica instead of one per request. It holds only
/// SHA-256 digests of tokens and says nothing about whether a key is still active: every
/// request still reads the credential row, so a revocation anywhere takes effect at once.
/// Cheap to clone (shared); bounded, evicting an arbitrary entry when full.
#[derive(Clone)]
pub struct ApiKeyCache {
    entries: Arc<Mutex<HashMap<TokenDigest, CredentialId>>>,
    capacity: usize,
}

impl ApiKeyCache {
    /// Entries kept by [`ApiKeyCache::default`]: far more keys than one deployment has in
    /// use, at about 64 bytes each.
    pub const DEFAULT_CAPACITY: usize = 10_000;

    /// A cache holding at most `capacity` verified keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Arc::new(Mutex::new(HashMap::new())),
            capacity: capacity.max(1),
        }
    }

    /// Whether `token` has been verified by this process; lets tests and metrics see that a
    /// request skipped argon2.
    pub fn contains(&self, token: &str) -> bool {
        self.lock().contains_key(&digest(token))
    }

    /// How many verified keys are remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub(crate) fn get(&self, digest: &TokenDigest) -> Option<CredentialId> {
        self.lock().get(digest).copied()
    }

    pub(crate) fn insert(&self, digest: TokenDigest, id: CredentialId) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&digest) {
            let victim = entries.keys().next().copied();
            if let Some(victim) = victim {
                entries.remove(&victim);
            }
        }
        entries.insert(digest, id);
    }

    pub(crate) fn remove(&self, digest: &TokenDigest) {
        self.lock().remove(digest);
    }

    /// A panic elsewhere cannot leave the map half-updated (every change is one call), so a
    /// poisoned lock is still safe to use.
    fn lock(&self) -> MutexGuard<'_, HashMap<TokenDigest, CredentialId>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ApiKeyCache {
    fn default() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for ApiKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyCache")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_digests_not_tokens_and_stays_bounded() {
        let cache = ApiKeyCache::with_capacity(2);
        assert!(cache.is_empty());
        let (a, b, c) = (
            CredentialId::new(),
            CredentialId::new(),
            CredentialId::new(),
        );
        cache.insert(digest("token-a"), a);
        cache.insert(digest("token-b"), b);
        assert!(cache.contains("token-a") && cache.contains("token-b"));
        assert_eq!(cache.get(&digest("token-a")), Some(a));
        cache.insert(digest("token-c"), c);
        assert_eq!(cache.len(), 2, "one entry was evicted");
        assert!(cache.contains("token-c"));
        cache.insert(digest("token-c"), c);
        assert_eq!(cache.len(), 2, "re-inserting evicts nothing");
        cache.remove(&digest("token-c"));
        assert!(!cache.contains("token-c"));
        let debug = format!("{cache:?}");
        assert!(
            debug.contains("len: 1") && !debug.contains("token"),
            "{debug}"
        );
    }

    #[test]
    fn clones_share_entries() {
        let cache = ApiKeyCache::default();
        let clone = cache.clone();
        clone.insert(digest("t"), CredentialId::new());
        assert!(cache.contains("t"));
    }
}
