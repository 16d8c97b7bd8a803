//! Unit tests of the `markdown` strategy: where it cuts and what chunks remember.

use crate::chunking::{Chunk, ChunkSpec, ChunkStrategy, Section, chunk_text};

fn spec(size: usize, overlap: usize) -> ChunkSpec {
    ChunkSpec {
        strategy: ChunkStrategy::Markdown,
        size,
        overlap,
    }
}

fn texts(chunks: &[Chunk]) -> Vec<&str> {
    chunks.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn cuts_at_the_last_heading_in_reach_without_overlap() {
    let text = "# One\nshort intro.\n## Two\nsome words here.\n# Three\nthe end of it all.";
    let chunks = chunk_text(text, &[], spec(50, 10));
    assert_eq!(
        texts(&chunks),
        [
            "# One\nshort intro.\n## Two\nsome words here.",
            "# Three\nthe end of it all."
        ]
    );
}

#[test]
fn section_starts_from_extraction_are_headings_too() {
    let text = "Intro line.\nTitle\nBody of the titled part, long enough.";
    let sections = [Section {
        start: 12,
        heading_path: vec!["Title".into()],
        page: None,
    }];
    let chunks = chunk_text(text, &sections, spec(40, 5));
    assert_eq!(chunks[0].text, "Intro line.");
    assert!(chunks[0].position.heading_path.is_empty());
    assert_eq!(chunks[1].position.start, 12);
    assert_eq!(chunks[1].position.heading_path, ["Title"]);
}

#[test]
fn without_headings_paragraphs_then_sentences_then_words() {
    let text = "First para has words.\n\nSecond one is here. It goes on and on without end";
    let chunks = chunk_text(text, &[], spec(40, 0));
    assert_eq!(chunks[0].text, "First para has words.");
    assert_eq!(chunks[1].text, "Second one is here.");
    assert_eq!(chunks[2].text, "It goes on and on without end");
    let words = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
    let chunks = chunk_text(words, &[], spec(20, 0));
    for chunk in &chunks {
        assert!(chunk.text.chars().count() <= 20);
        assert!(!chunk.text.starts_with(' ') && !chunk.text.ends_with(' '));
        assert!(
            words.split(' ').any(|w| chunk.text.starts_with(w)),
            "{}",
            chunk.text
        );
    }
}

#[test]
fn overlap_repeats_whole_words_after_a_sentence_cut() {
    let text = "One sentence here. Another sentence follows. A third closes it.";
    let chunks = chunk_text(text, &[], spec(30, 10));
    assert_eq!(chunks[0].text, "One sentence here.");
    assert!(chunks[1].text.starts_with("here."), "{}", chunks[1].text);
    for pair in chunks.windows(2) {
        assert!(pair[1].position.start < pair[0].position.end);
    }
}

#[test]
fn multibyte_text_and_odd_specs_are_safe() {
    let text = "Überschrift über Äpfel. 日本語の文です。もう一つ！ Ende 😀.".repeat(4);
    for (size, overlap) in [(25, 5), (1, 0), (0, 3), (7, 100)] {
        let chunks = chunk_text(&text, &[], spec(size, overlap));
        assert!(!chunks.is_empty());
        for chunk in &chunks {
            assert_eq!(&text[chunk.position.start..chunk.position.end], chunk.text);
            assert!(chunk.text.chars().count() <= size.max(1));
        }
        assert_eq!(
            chunks.last().map(|c| c.position.end),
            Some(text.trim_end().len())
        );
    }
    assert!(chunk_text("", &[], spec(100, 10)).is_empty());
    assert!(chunk_text("\n\n  \n", &[], spec(100, 10)).is_empty());
}
