//! Deterministic content of the fake: reply tokens, embeddings and digests, all pure functions
//! of their inputs so tests can predict them.

/// The tokens of a reply derived from `source`: its words in order, repeated as needed to make
/// exactly `tokens` pieces, each after the first preceded by a space. An empty source gives
/// `ok` tokens.
pub(crate) fn reply_tokens(source: &str, tokens: usize) -> Vec<String> {
    let words: Vec<&str> = source.split_whitespace().collect();
    let words = if words.is_empty() { vec!["ok"] } else { words };
    words
        .iter()
        .cycle()
        .take(tokens)
        .enumerate()
        .map(|(i, word)| {
            if i == 0 {
                (*word).to_owned()
            } else {
                format!(" {word}")
            }
        })
        .collect()
}

/// Rough token count of a text, for `prompt_eval_count`.
pub(crate) fn count_tokens(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// A unit-length embedding of `text` for `model`: the normalised sum of one pseudo-random
/// vector per lower-cased word (seeded by model and word), so equal texts give equal vectors
/// and texts sharing words point in similar directions, which keeps retrieval tests meaningful.
pub(crate) fn embedding(model: &str, text: &str, dim: usize) -> Vec<f32> {
    let mut vector = vec![0.0_f32; dim];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        add_word_vector(&mut vector, model, "");
    }
    for word in &words {
        add_word_vector(&mut vector, model, word);
    }
    normalise(&mut vector);
    vector
}

/// Cuts a vector to `dim` components and makes it unit length again (Ollama's `dimensions`).
pub(crate) fn truncate(mut vector: Vec<f32>, dim: usize) -> Vec<f32> {
    vector.truncate(dim);
    normalise(&mut vector);
    vector
}

/// A stable 64-hex-digit digest for a name, shaped like Ollama's sha256 digests.
pub(crate) fn digest(name: &str) -> String {
    (0..4_u64)
        .map(|part| format!("{:016x}", splitmix(fnv1a(name.as_bytes()) ^ part)))
        .collect()
}

fn add_word_vector(vector: &mut [f32], model: &str, word: &str) {
    let mut state = fnv1a(model.as_bytes()) ^ fnv1a(word.as_bytes()).rotate_left(17);
    for component in vector.iter_mut() {
        state = splitmix(state);
        // The top 24 bits as a float in [-1, 1).
        *component += ((state >> 40) as f32 / (1_u32 << 23) as f32) - 1.0;
    }
}

fn normalise(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn reply_cycles_words_to_the_requested_length() {
        assert_eq!(
            reply_tokens("hello world", 5).concat(),
            "hello world hello world hello"
        );
        assert_eq!(reply_tokens("hello world", 5).len(), 5);
        assert_eq!(reply_tokens("   ", 2), vec!["ok", " ok"]);
        assert!(reply_tokens("anything", 0).is_empty());
    }

    #[test]
    fn embeddings_are_deterministic_unit_vectors() {
        let a = embedding("m", "Why is the sky blue?", 384);
        assert_eq!(a.len(), 384);
        assert_eq!(a, embedding("m", "why is the SKY blue", 384));
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-4);
        assert_ne!(a, embedding("other-model", "Why is the sky blue?", 384));
    }

    #[test]
    fn shared_words_mean_closer_vectors() {
        let query = embedding("m", "llamas eat grass", 256);
        let related = embedding("m", "what do llamas eat", 256);
        let unrelated = embedding("m", "quantum chromodynamics lecture", 256);
        assert!(cosine(&query, &related) > cosine(&query, &unrelated) + 0.2);
    }

    #[test]
    fn truncation_keeps_unit_length() {
        let short = truncate(embedding("m", "text", 64), 8);
        assert_eq!(short.len(), 8);
        assert!((cosine(&short, &short) - 1.0).abs() < 1e-4);
    }

    #[test]
    fn digests_are_stable_and_distinct() {
        let d = digest("llama3.2:latest");
        assert_eq!(d.len(), 64);
        assert!(d.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(d, digest("llama3.2:latest"));
        assert_ne!(d, digest("llama3.2:1b"));
    }
}
