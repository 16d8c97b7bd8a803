//! The per-process cache of loaded generations: bounded by bytes (least recently used evicted
//! first), one load at a time per generation (others wanting the same generation wait for it,
//! searches of other generations never do), and no lock held while the database is read.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use owp_db::ids::GenerationId;

use super::matrix::Matrix;
use crate::error::VectorsError;

/// What the cache holds and has done, for metrics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Generations held.
    pub generations: usize,
    /// Bytes they take (vectors, chunk ids, document ranges).
    pub bytes: usize,
    /// The byte budget given to [`crate::BuiltinIndex::new`].
    pub budget: usize,
    /// Loads from the database so far (first use, a newer revision, or after eviction).
    pub loads: u64,
    /// Searches served from a current copy without loading.
    pub hits: u64,
}

/// A load in progress; waiters block on it until the loader finishes (either way).
#[derive(Debug, Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        while !*open {
            open = self
                .opened
                .wait(open)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn release(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.opened.notify_all();
    }
}

#[derive(Debug, Default)]
struct Slot {
    ready: Option<(Arc<Matrix>, u64)>,
    loading: Option<Arc<Gate>>,
}

#[derive(Debug, Default)]
struct State {
    slots: HashMap<GenerationId, Slot>,
    bytes: usize,
    tick: u64,
    loads: u64,
    hits: u64,
}

/// Generation id → its matrix at some revision.
#[derive(Debug)]
pub(crate) struct Cache {
    budget: usize,
    state: Mutex<State>,
}

/// Opens a load's gate and clears it from its slot however the load ends (error or panic).
struct LoadGuard<'a> {
    cache: &'a Cache,
    generation: GenerationId,
    gate: Arc<Gate>,
}

impl Drop for LoadGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.cache.lock();
        if let Some(slot) = state.slots.get_mut(&self.generation)
            && slot
                .loading
                .as_ref()
                .is_some_and(|g| Arc::ptr_eq(g, &self.gate))
        {
            slot.loading = None;
            if slot.ready.is_none() {
                state.slots.remove(&self.generation);
            }
        }
        drop(state);
        self.gate.release();
    }
}

impl Cache {
    /// An empty cache that keeps at most `budget` bytes of matrices.
    pub(crate) fn new(budget: usize) -> Self {
        Self {
            budget,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The generation's matrix at `revision` or later: the cached one if current, else the one
    /// another search is loading (waited for), else loaded here with `load`.
    pub(crate) fn get(
        &self,
        generation: GenerationId,
        revision: i64,
        load: &mut dyn FnMut() -> Result<Matrix, VectorsError>,
    ) -> Result<Arc<Matrix>, VectorsError> {
        let gate = loop {
            let mut guard = self.lock();
            let state = &mut *guard;
            state.tick += 1;
            let tick = state.tick;
            let slot = state.slots.entry(generation).or_default();
            if let Some((matrix, used)) = &mut slot.ready
                && matrix.revision >= revision
            {
                *used = tick;
                let matrix = Arc::clone(matrix);
                state.hits += 1;
                return Ok(matrix);
            }
            if let Some(gate) = slot.loading.clone() {
                drop(guard);
                gate.wait();
                continue;
            }
            let gate = Arc::new(Gate::default());
            slot.loading = Some(Arc::clone(&gate));
            state.loads += 1;
            break gate;
        };
        let guard = LoadGuard {
            cache: self,
            generation,
            gate,
        };
        let matrix = Arc::new(load()?);
        self.install(generation, Arc::clone(&matrix));
        drop(guard);
        Ok(matrix)
    }

    /// Keeps a freshly loaded matrix (replacing an older copy), then evicts the least recently
    /// used others until the budget holds. A matrix larger than the whole budget is not kept.
    fn install(&self, generation: GenerationId, matrix: Arc<Matrix>) {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.tick += 1;
        let tick = state.tick;
        let size = matrix.bytes();
        let slot = state.slots.entry(generation).or_default();
        let replaced = slot.ready.take().map_or(0, |(old, _)| old.bytes());
        state.bytes -= replaced;
        if size > self.budget {
            tracing::warn!(
                %generation, bytes = size, budget = self.budget,
                "generation exceeds the builtin index's cache budget; loaded per search"
            );
            return;
        }
        if let Some(slot) = state.slots.get_mut(&generation) {
            slot.ready = Some((matrix, tick));
        }
        state.bytes += size;
        while state.bytes > self.budget {
            let victim = state
                .slots
                .iter()
                .filter(|(id, _)| **id != generation)
                .filter_map(|(id, slot)| slot.ready.as_ref().map(|(_, used)| (*used, *id)))
                .min();
            let Some((_, victim)) = victim else { break };
            Self::evict(state, victim);
        }
    }

    fn evict(state: &mut State, generation: GenerationId) {
        if let Some(slot) = state.slots.get_mut(&generation) {
            if let Some((old, _)) = slot.ready.take() {
                state.bytes -= old.bytes();
            }
            if slot.loading.is_none() {
                state.slots.remove(&generation);
            }
        }
    }

    /// Drops a generation's copy (retired or deleted); a search reloads it if still needed.
    pub(crate) fn forget(&self, generation: GenerationId) {
        Self::evict(&mut self.lock(), generation);
    }

    /// Current figures.
    pub(crate) fn stats(&self) -> CacheStats {
        let state = self.lock();
        CacheStats {
            generations: state.slots.values().filter(|s| s.ready.is_some()).count(),
            bytes: state.bytes,
            budget: self.budget,
            loads: state.loads,
            hits: state.hits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::matrix::MatrixBuilder;
    use crate::vector::encode;
    use owp_db::ids::{ChunkId, DocumentId};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn matrix(revision: i64, rows: usize) -> Matrix {
        let mut builder = MatrixBuilder::new(revision);
        let doc = DocumentId::new();
        for _ in 0..rows {
            builder
                .push(ChunkId::new(), doc, &encode(&[0.5; 64]))
                .unwrap();
        }
        builder.finish()
    }

    #[test]
    fn serves_current_copies_and_reloads_newer_revisions() {
        let cache = Cache::new(1 << 20);
        let generation = GenerationId::new();
        let m = cache.get(generation, 3, &mut || Ok(matrix(3, 4))).unwrap();
        assert_eq!(m.revision, 3);
        let again = cache
            .get(generation, 3, &mut || panic!("must not load"))
            .unwrap();
        assert!(Arc::ptr_eq(&m, &again));
        let newer = cache.get(generation, 4, &mut || Ok(matrix(4, 5))).unwrap();
        assert_eq!((newer.revision, newer.rows()), (4, 5));
        let stats = cache.stats();
        assert_eq!((stats.generations, stats.loads, stats.hits), (1, 2, 1));
        assert_eq!(stats.bytes, newer.bytes());
        cache.forget(generation);
        assert_eq!(cache.stats().bytes, 0);
    }

    #[test]
    fn evicts_the_least_recently_used_beyond_the_budget() {
        let one = matrix(1, 100).bytes();
        let cache = Cache::new(one * 2 + one / 2);
        let (a, b, c) = (
            GenerationId::new(),
            GenerationId::new(),
            GenerationId::new(),
        );
        cache.get(a, 1, &mut || Ok(matrix(1, 100))).unwrap();
        cache.get(b, 1, &mut || Ok(matrix(1, 100))).unwrap();
        cache.get(a, 1, &mut || panic!("a is cached")).unwrap();
        cache.get(c, 1, &mut || Ok(matrix(1, 100))).unwrap();
        assert_eq!(cache.stats().generations, 2);
        assert!(cache.stats().bytes <= cache.stats().budget);
        cache
            .get(a, 1, &mut || panic!("a was used more recently than b"))
            .unwrap();
        let reloaded = AtomicUsize::new(0);
        cache
            .get(b, 1, &mut || {
                reloaded.fetch_add(1, Ordering::SeqCst);
                Ok(matrix(1, 100))
            })
            .unwrap();
        assert_eq!(reloaded.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_matrix_above_the_budget_is_served_but_not_kept() {
        let cache = Cache::new(16);
        let generation = GenerationId::new();
        let m = cache.get(generation, 1, &mut || Ok(matrix(1, 10))).unwrap();
        assert_eq!(m.rows(), 10);
        assert_eq!(cache.stats().generations, 0);
        assert_eq!(cache.stats().bytes, 0);
    }

    #[test]
    fn one_load_per_generation_at_a_time_and_failures_let_the_next_try() {
        let cache = Cache::new(1 << 20);
        let generation = GenerationId::new();
        let failed = cache.get(generation, 1, &mut || Err(VectorsError::NotFound));
        assert_eq!(failed.unwrap_err(), VectorsError::NotFound);
        let loads = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let m = cache
                        .get(generation, 1, &mut || {
                            loads.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            Ok(matrix(1, 3))
                        })
                        .unwrap();
                    assert_eq!(m.rows(), 3);
                });
            }
            // Another generation is not held up by the slow load.
            let other = cache.get(GenerationId::new(), 1, &mut || Ok(matrix(1, 1)));
            assert!(other.is_ok());
        });
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }
}
