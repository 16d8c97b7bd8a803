//! A short-lived copy of Ollama's model list (`GET /api/tags`), shared by every clone of the
//! client: every request that checks grants or lists models would otherwise ask Ollama again
//! (tens of thousands of upstream calls a minute under load).
//!
//! - Fresh for `ttl`: answered from memory.
//! - Stale (up to [`STALE_FACTOR`] × `ttl`): answered from memory while one background task
//!   refreshes it, so no caller waits on Ollama.
//! - Older, or never fetched: the first caller fetches while concurrent callers wait for that
//!   one answer (single flight). Failures are never cached.
//!
//! Pulling or deleting a model through this client invalidates the copy at once; other
//! replicas see the change within `ttl`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::types::ModelSummary;

/// How much older than `ttl` a copy may be and still be served while it is refreshed.
pub const STALE_FACTOR: u32 = 10;

/// How old a copy is.
pub(crate) enum Peek {
    /// Younger than `ttl`.
    Fresh(Vec<ModelSummary>),
    /// Older than `ttl`, younger than [`STALE_FACTOR`] × `ttl`.
    Stale(Vec<ModelSummary>),
}

struct Stored {
    at: Instant,
    models: Arc<Vec<ModelSummary>>,
}

/// The shared copy and the gates around it.
pub(crate) struct ModelListCache {
    ttl: Duration,
    stored: Mutex<Option<Stored>>,
    /// Held while a fetch runs: the single flight.
    pub(crate) fetching: tokio::sync::Mutex<()>,
    /// Bumped by every invalidation, so a fetch that began before one never stores its answer.
    generation: AtomicU64,
    /// A background refresh is under way.
    refreshing: AtomicBool,
}

impl ModelListCache {
    /// An empty cache whose copies are fresh for `ttl` (zero: never cached).
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            stored: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            refreshing: AtomicBool::new(false),
        }
    }

    fn stored(&self) -> std::sync::MutexGuard<'_, Option<Stored>> {
        self.stored
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The copy, if there is one young enough to serve.
    pub(crate) fn peek(&self) -> Option<Peek> {
        let stored = self.stored();
        let copy = stored.as_ref()?;
        let age = copy.at.elapsed();
        let models = || copy.models.as_ref().clone();
        if age < self.ttl {
            Some(Peek::Fresh(models()))
        } else if age < self.ttl * STALE_FACTOR {
            Some(Peek::Stale(models()))
        } else {
            None
        }
    }

    /// The generation a fetch starts in; pass it to [`ModelListCache::store`].
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `models`, fetched in `generation`, unless an invalidation came in between.
    pub(crate) fn store(&self, generation: u64, models: &[ModelSummary]) {
        if self.ttl.is_zero() {
            return;
        }
        let mut stored = self.stored();
        if self.generation.load(Ordering::Acquire) == generation {
            *stored = Some(Stored {
                at: Instant::now(),
                models: Arc::new(models.to_vec()),
            });
        }
    }

    /// Forgets the copy (a model was pulled or deleted).
    pub(crate) fn invalidate(&self) {
        let mut stored = self.stored();
        self.generation.fetch_add(1, Ordering::AcqRel);
        *stored = None;
    }

    /// Claims the one background refresh; `false` when one is already running.
    pub(crate) fn claim_refresh(&self) -> bool {
        !self.refreshing.swap(true, Ordering::AcqRel)
    }

    /// Releases the background refresh claimed with [`ModelListCache::claim_refresh`].
    pub(crate) fn refresh_done(&self) {
        self.refreshing.store(false, Ordering::Release);
    }
}

impl std::fmt::Debug for ModelListCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelListCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str) -> ModelSummary {
        serde_json::from_value(serde_json::json!({
            "name": name, "model": name, "modified_at": "2026-01-01T00:00:00Z", "size": 1,
            "digest": "d", "details": {}
        }))
        .unwrap()
    }

    #[test]
    fn an_invalidation_wins_over_a_fetch_that_began_before_it() {
        let cache = ModelListCache::new(Duration::from_secs(60));
        assert!(cache.peek().is_none());
        let before = cache.generation();
        cache.invalidate();
        cache.store(before, &[model("old")]);
        assert!(
            cache.peek().is_none(),
            "a fetch from before the pull is not kept"
        );
        cache.store(cache.generation(), &[model("new")]);
        let Some(Peek::Fresh(models)) = cache.peek() else {
            panic!("a fresh copy");
        };
        assert_eq!(models[0].name, "new");
    }

    #[test]
    fn an_old_copy_is_served_stale_then_dropped() {
        let ttl = Duration::from_secs(1);
        let cache = ModelListCache::new(ttl);
        let aged = |age: Duration| {
            *cache.stored() = Some(Stored {
                at: Instant::now().checked_sub(age).unwrap(),
                models: Arc::new(vec![model("m")]),
            });
        };
        aged(Duration::ZERO);
        assert!(matches!(cache.peek(), Some(Peek::Fresh(_))));
        aged(ttl * 2);
        assert!(matches!(cache.peek(), Some(Peek::Stale(_))));
        aged(ttl * (STALE_FACTOR + 1));
        assert!(cache.peek().is_none());
    }

    #[test]
    fn a_zero_ttl_never_keeps_a_copy_and_one_refresh_runs_at_a_time() {
        let cache = ModelListCache::new(Duration::ZERO);
        cache.store(cache.generation(), &[model("m")]);
        assert!(cache.peek().is_none());
        assert!(cache.claim_refresh());
        assert!(!cache.claim_refresh());
        cache.refresh_done();
        assert!(cache.claim_refresh());
    }
}
