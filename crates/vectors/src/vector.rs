//! Vector basics: the [`Distance`] a collection ranks by, the stored form of a vector
//! (little-endian f32, [`encode`] / [`decode`]) and the scoring kernels.
//!
//! Every score is "higher is better", whatever the distance, so rankings, `min_score` and
//! fusion never need to know which distance produced them:
//! - [`Distance::Cosine`]: the cosine similarity, in [-1, 1]. Vectors are normalised to unit
//!   length on insert and the query once per search, so the scan is a plain dot product.
//! - [`Distance::Dot`]: the dot product of the vectors as given (unbounded).
//! - [`Distance::L2`]: the NEGATIVE Euclidean distance, in (-∞, 0]; 0 is an identical vector.
//!   A `min_score` of -0.5 therefore means "at most 0.5 away".

use std::fmt;
use std::str::FromStr;

use crate::error::VectorsError;

/// Lanes of the kernels' accumulators: 16 independent f32 sums, so LLVM keeps them in vector
/// registers (4 × SSE2 or 2 × AVX) and the additions do not wait on each other.
const LANES: usize = 16;

/// How a collection compares vectors; chosen with the collection (stored as `collections.distance`)
/// because it must match how the embedding model was trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distance {
    /// Angle only (the usual choice for sentence embeddings).
    Cosine,
    /// Dot product (for models trained for it; length counts).
    Dot,
    /// Euclidean distance.
    L2,
}

impl Distance {
    /// Every distance, for listing the choices in validation messages and API docs.
    pub const ALL: [Distance; 3] = [Distance::Cosine, Distance::Dot, Distance::L2];

    /// The stored and wire spelling: `cosine`, `dot`, `l2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Distance::Cosine => "cosine",
            Distance::Dot => "dot",
            Distance::L2 => "l2",
        }
    }
}

impl fmt::Display for Distance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Distance {
    type Err = VectorsError;

    /// Parses the stored spelling (exactly, lowercase), so a stored value always round-trips.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Distance::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| VectorsError::invalid("distance", "must be cosine, dot or l2"))
    }
}

/// The stored form of a vector: its components as little-endian f32, 4 bytes each, the same on
/// every platform and both databases.
pub fn encode(vector: &[f32]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(vector.len() * 4);
    for component in vector {
        bytes.extend_from_slice(&component.to_le_bytes());
    }
    bytes
}

/// Reads a stored vector back; a blob whose length is not a multiple of 4 is refused.
pub fn decode(bytes: &[u8]) -> Result<Vec<f32>, VectorsError> {
    let mut vector = Vec::with_capacity(bytes.len() / 4);
    decode_into(bytes, &mut vector)?;
    Ok(vector)
}

/// [`decode`] appending to `out`, so the index loads rows straight into its matrix.
pub(crate) fn decode_into(bytes: &[u8], out: &mut Vec<f32>) -> Result<(), VectorsError> {
    let (words, rest) = bytes.as_chunks::<4>();
    if !rest.is_empty() {
        return Err(VectorsError::MalformedVector { bytes: bytes.len() });
    }
    out.extend(words.iter().map(|word| f32::from_le_bytes(*word)));
    Ok(())
}

/// Refuses vectors no distance can rank: empty, or with a NaN or infinite component.
pub fn validate(field: &str, vector: &[f32]) -> Result<(), VectorsError> {
    if vector.is_empty() {
        return Err(VectorsError::invalid(field, "vector is empty"));
    }
    if vector.iter().any(|c| !c.is_finite()) {
        return Err(VectorsError::invalid(
            field,
            "vector has a NaN or infinite component",
        ));
    }
    Ok(())
}

/// The vector as the index keeps it: unit length for cosine (so the scan is a dot product),
/// unchanged otherwise. A zero vector has no direction, so cosine refuses it.
pub fn prepare(field: &str, vector: &[f32], distance: Distance) -> Result<Vec<f32>, VectorsError> {
    validate(field, vector)?;
    let mut out = vector.to_vec();
    if distance == Distance::Cosine {
        let norm = dot(&out, &out).sqrt();
        if norm <= f32::MIN_POSITIVE || !norm.is_finite() {
            return Err(VectorsError::invalid(
                field,
                "a zero vector has no direction (cosine)",
            ));
        }
        out.iter_mut().for_each(|c| *c /= norm);
    }
    Ok(out)
}

/// The dot product, written as fixed-width lanes LLVM vectorises (no `unsafe`, no nightly).
/// Both slices must have the same length (the index checks dimensions before scanning).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    let mut acc = [0.0_f32; LANES];
    for (x, y) in a_chunks.iter().zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] += x[lane] * y[lane];
        }
    }
    let mut sum = acc.iter().sum::<f32>();
    for (x, y) in a_rest.iter().zip(b_rest) {
        sum += x * y;
    }
    sum
}

/// The squared Euclidean distance, same lane layout as [`dot`].
#[inline]
pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    let mut acc = [0.0_f32; LANES];
    for (x, y) in a_chunks.iter().zip(b_chunks) {
        for lane in 0..LANES {
            let d = x[lane] - y[lane];
            acc[lane] += d * d;
        }
    }
    let mut sum = acc.iter().sum::<f32>();
    for (x, y) in a_rest.iter().zip(b_rest) {
        let d = x - y;
        sum += d * d;
    }
    sum
}

/// The score of a stored (prepared) vector for a prepared query: higher is better (see the
/// module documentation for each distance's scale).
#[inline]
pub fn score(distance: Distance, query: &[f32], stored: &[f32]) -> f32 {
    match distance {
        Distance::Cosine | Distance::Dot => dot(query, stored),
        Distance::L2 => -l2_squared(query, stored).sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_spellings_round_trip() {
        for distance in Distance::ALL {
            assert_eq!(distance.as_str().parse::<Distance>().unwrap(), distance);
            let json = serde_json::to_string(&distance).unwrap();
            assert_eq!(json, format!("\"{}\"", distance.as_str()));
            assert_eq!(serde_json::from_str::<Distance>(&json).unwrap(), distance);
        }
        assert!("Cosine".parse::<Distance>().is_err());
        assert!("euclid".parse::<Distance>().is_err());
    }

    #[test]
    fn blobs_are_little_endian_f32() {
        let vector = [1.0_f32, -2.5, 0.0, f32::MAX];
        let bytes = encode(&vector);
        assert_eq!(bytes.len(), 16);
        assert_eq!(&bytes[..4], &[0x00, 0x00, 0x80, 0x3f]);
        assert_eq!(decode(&bytes).unwrap(), vector);
        assert_eq!(decode(&[]).unwrap(), Vec::<f32>::new());
        assert_eq!(
            decode(&bytes[..7]).unwrap_err(),
            VectorsError::MalformedVector { bytes: 7 }
        );
    }

    #[test]
    fn kernels_match_the_naive_sums_at_every_length() {
        for len in [1, 3, 15, 16, 17, 33, 384] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let naive_dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let naive_l2: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
            let close = |x: f32, y: f32| (x - y).abs() <= 1e-5 * y.abs().max(1.0);
            assert!(close(dot(&a, &b), naive_dot), "dot at {len}");
            assert!(close(l2_squared(&a, &b), naive_l2), "l2 at {len}");
        }
    }

    #[test]
    fn higher_is_better_for_every_distance() {
        let query = [1.0, 0.0];
        let near = [0.9, 0.1];
        let far = [-1.0, 0.2];
        for distance in Distance::ALL {
            let q = prepare("q", &query, distance).unwrap();
            let n = prepare("v", &near, distance).unwrap();
            let f = prepare("v", &far, distance).unwrap();
            assert!(
                score(distance, &q, &n) > score(distance, &q, &f),
                "{distance}"
            );
        }
        let same = prepare("v", &[3.0, 4.0], Distance::Cosine).unwrap();
        assert!((score(Distance::Cosine, &same, &same) - 1.0).abs() < 1e-6);
        assert_eq!(score(Distance::L2, &[3.0, 4.0], &[0.0, 0.0]), -5.0);
        assert_eq!(score(Distance::Dot, &[3.0, 4.0], &[1.0, 2.0]), 11.0);
    }

    #[test]
    fn cosine_vectors_are_normalised_and_bad_ones_refused() {
        let unit = prepare("v", &[3.0, 4.0], Distance::Cosine).unwrap();
        assert_eq!(unit, vec![0.6, 0.8]);
        assert_eq!(
            prepare("v", &[3.0, 4.0], Distance::Dot).unwrap(),
            vec![3.0, 4.0]
        );
        assert!(matches!(
            prepare("v", &[0.0, 0.0], Distance::Cosine),
            Err(VectorsError::Invalid(field, _)) if field == "v"
        ));
        assert!(prepare("v", &[0.0, 0.0], Distance::L2).is_ok());
        assert!(prepare("v", &[], Distance::Dot).is_err());
        assert!(prepare("v", &[1.0, f32::NAN], Distance::Dot).is_err());
        assert!(prepare("v", &[f32::INFINITY], Distance::L2).is_err());
    }
}
