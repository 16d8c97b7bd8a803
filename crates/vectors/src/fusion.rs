//! Reciprocal rank fusion: combines rankings that score on incomparable scales (vector
//! similarity, BM25) by rank alone. An item's fused score is the sum over the rankings that hold
//! it of `1 / (k + rank)`, rank counted from 1; with `k` = [`RRF_K`] = 60 (Cormack et al.) a
//! top item of one ranking is worth about as much as an item at rank ~10 in two.

use std::collections::HashMap;
use std::hash::Hash;

/// The usual constant of reciprocal rank fusion.
pub const RRF_K: f32 = 60.0;

/// Fuses rankings (each best first) into one, best first, as (item, fused score). Equal
/// scores go to the item with the better best rank, then to the smaller item, so the result
/// never depends on hash order. An item repeated within one ranking counts at its first place.
pub fn reciprocal_rank_fusion<T>(rankings: &[&[T]], k: f32) -> Vec<(T, f32)>
where
    T: Copy + Eq + Hash + Ord,
{
    let mut fused: HashMap<T, (f32, usize)> = HashMap::new();
    for ranking in rankings {
        let mut seen: Vec<T> = Vec::with_capacity(ranking.len());
        for (index, item) in ranking.iter().enumerate() {
            if seen.contains(item) {
                continue;
            }
            seen.push(*item);
            let rank = index + 1;
            let entry = fused.entry(*item).or_insert((0.0, rank));
            entry.0 += 1.0 / (k + rank as f32);
            entry.1 = entry.1.min(rank);
        }
    }
    let mut out: Vec<(T, f32, usize)> = fused
        .into_iter()
        .map(|(item, (score, best))| (item, score, best))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    out.into_iter()
        .map(|(item, score, _)| (item, score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_both_rankings_rise() {
        let vector = [1, 2, 3, 4];
        let lexical = [3, 5, 1];
        let fused = reciprocal_rank_fusion(&[&vector, &lexical], RRF_K);
        let order: Vec<i32> = fused.iter().map(|(item, _)| *item).collect();
        assert_eq!(order, vec![1, 3, 2, 5, 4]);
        let expected_1 = 1.0 / 61.0 + 1.0 / 63.0;
        assert!((fused[0].1 - expected_1).abs() < 1e-7);
        assert!((fused[4].1 - 1.0 / 64.0).abs() < 1e-7);
    }

    #[test]
    fn ties_are_broken_by_best_rank_then_item() {
        let fused = reciprocal_rank_fusion(&[&[7, 8], &[9, 6]], RRF_K);
        assert_eq!(
            fused.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![7, 9, 6, 8]
        );
        assert!(reciprocal_rank_fusion::<u8>(&[&[], &[]], RRF_K).is_empty());
        let single = reciprocal_rank_fusion(&[&[4, 4, 2]], RRF_K);
        assert_eq!(
            single.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            vec![4, 2]
        );
        assert!((single[1].1 - 1.0 / 63.0).abs() < 1e-7);
    }
}
