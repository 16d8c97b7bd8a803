//! A bounded top-k: keeps the `k` best (score, row) pairs seen so far in a binary heap whose top
//! is the worst kept, so a scan of n rows costs O(n log k) and O(k) memory, and most rows are
//! rejected by one comparison with that worst score.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One candidate: `Ord` says "greater is worse" (lower score; on equal scores the later row), so
/// the max-heap's top is the one to drop and ties always resolve the same way.
#[derive(Debug, Clone, Copy)]
struct Entry {
    score: f32,
    row: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.row.cmp(&other.row))
    }
}

/// The `k` best rows of a scan, best first once [`TopK::into_sorted`] is called.
#[derive(Debug)]
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Entry>,
}

impl TopK {
    /// An empty selection of at most `k` rows.
    pub(crate) fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(4096)),
        }
    }

    /// Offers a row; kept if fewer than `k` are held or it beats the worst held.
    #[inline]
    pub(crate) fn push(&mut self, score: f32, row: u32) {
        if self.heap.len() < self.k {
            self.heap.push(Entry { score, row });
            return;
        }
        let candidate = Entry { score, row };
        if let Some(mut worst) = self.heap.peek_mut()
            && candidate < *worst
        {
            *worst = candidate;
        }
    }

    /// Merges another selection (of another part of the same scan) into this one.
    pub(crate) fn merge(&mut self, other: TopK) {
        for entry in other.heap {
            self.push(entry.score, entry.row);
        }
    }

    /// The kept rows as (score, row), best first.
    pub(crate) fn into_sorted(self) -> Vec<(f32, u32)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|e| (e.score, e.row))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_k_best_best_first() {
        let mut top = TopK::new(3);
        for (row, score) in [0.1_f32, 0.9, -0.5, 0.7, 0.3, 0.95].into_iter().enumerate() {
            top.push(score, row as u32);
        }
        assert_eq!(top.into_sorted(), vec![(0.95, 5), (0.9, 1), (0.7, 3)]);
    }

    #[test]
    fn ties_prefer_the_earlier_row_and_zero_keeps_nothing() {
        let mut top = TopK::new(2);
        for row in [4, 2, 9, 1] {
            top.push(0.5, row);
        }
        assert_eq!(top.into_sorted(), vec![(0.5, 1), (0.5, 2)]);
        let mut none = TopK::new(0);
        none.push(1.0, 0);
        assert!(none.into_sorted().is_empty());
    }

    #[test]
    fn matches_a_full_sort_and_merges() {
        let scores: Vec<f32> = (0..1000)
            .map(|i| ((i * 7919) % 1009) as f32 / 7.0)
            .collect();
        let mut expected: Vec<(f32, u32)> = scores
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i as u32))
            .collect();
        expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        expected.truncate(10);
        let mut left = TopK::new(10);
        let mut right = TopK::new(10);
        for (row, score) in scores.iter().enumerate() {
            let part = if row % 2 == 0 { &mut left } else { &mut right };
            part.push(*score, row as u32);
        }
        left.merge(right);
        assert_eq!(left.into_sorted(), expected);
    }
}
