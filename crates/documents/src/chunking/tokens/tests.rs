//! Unit tests of the token approximation and the `tokens` strategy.

use super::*;
use crate::chunking::{ChunkStrategy, Section, chunk_text};

fn spec(size: usize, overlap: usize) -> ChunkSpec {
    ChunkSpec {
        strategy: ChunkStrategy::Tokens,
        size,
        overlap,
    }
}

#[test]
fn tokens_are_counted_by_the_documented_rule() {
    assert_eq!(count_tokens(""), 0);
    assert_eq!(count_tokens("  \n\t "), 0);
    assert_eq!(count_tokens("the cat"), 2);
    // "tokenizer": 9 letters → 2; "12345": 5 digits → 2; "...": 3 symbols → 2.
    assert_eq!(count_tokens("tokenizer 12345..."), 6);
    assert_eq!(count_tokens("Grüße, Zoë!"), 4);
    assert_eq!(count_tokens("你好世界"), 4);
    assert_eq!(count_tokens("a1b"), 3);
    // Counting and cutting agree.
    let text = "Hello, wonderful world: 2026 is here — 東京 too!";
    assert_eq!(units(text).len(), count_tokens(text));
}

#[test]
fn chunks_hold_at_most_size_tokens_and_end_between_words() {
    let text = "one two three four five six seven eight nine ten eleven twelve";
    let chunks = chunk_text(text, &[], spec(4, 1));
    let texts: Vec<&str> = chunks.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "one two three four",
            "four five six seven",
            "seven eight nine ten",
            "ten eleven twelve",
        ]
    );
    for chunk in &chunks {
        assert!(count_tokens(&chunk.text) <= 4);
        assert_eq!(&text[chunk.position.start..chunk.position.end], chunk.text);
    }
}

#[test]
fn a_word_longer_than_a_chunk_is_cut_inside() {
    let text = "a".repeat(60);
    let chunks = chunk_text(&text, &[], spec(4, 0));
    let lens: Vec<usize> = chunks.iter().map(|c| c.text.len()).collect();
    assert_eq!(lens, [24, 24, 12]);
    assert_eq!(
        chunks.iter().map(|c| c.text.as_str()).collect::<String>(),
        text
    );
}

#[test]
fn multibyte_text_is_cut_on_character_boundaries_with_positions() {
    let text = "日本語のテキストです。Ünïcödé wörds hère ünd thére 😀 ok";
    let sections = [Section {
        start: 0,
        heading_path: vec!["Intro".into()],
        page: Some(3),
    }];
    let chunks = chunk_text(text, &sections, spec(5, 2));
    assert!(chunks.len() > 3);
    for chunk in &chunks {
        assert_eq!(&text[chunk.position.start..chunk.position.end], chunk.text);
        assert!(count_tokens(&chunk.text) <= 5, "{}", chunk.text);
        assert_eq!(chunk.position.page, Some(3));
        assert_eq!(chunk.position.heading_path, ["Intro"]);
    }
    assert_eq!(chunks.last().map(|c| c.position.end), Some(text.len()));
}

#[test]
fn empty_or_blank_text_has_no_chunks_and_odd_specs_still_end() {
    assert!(chunk_text("", &[], spec(16, 4)).is_empty());
    assert!(chunk_text(" \n ", &[], spec(16, 4)).is_empty());
    let chunks = chunk_text("a b c d e", &[], spec(0, 9));
    assert_eq!(chunks.len(), 5);
}
