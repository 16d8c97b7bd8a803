//! Unit tests of the chunker: the `characters` strategy (sizes, overlap, character boundaries,
//! positions) and the validation and JSON form of a spec.

use super::*;
use crate::DocumentsError;

fn spec(size: usize, overlap: usize) -> ChunkSpec {
    ChunkSpec {
        strategy: ChunkStrategy::Characters,
        size,
        overlap,
    }
}

#[test]
fn empty_text_has_no_chunks_and_short_text_one() {
    assert!(chunk_text("", &[], ChunkSpec::DEFAULT).is_empty());
    let chunks = chunk_text("hello", &[], ChunkSpec::DEFAULT);
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].text, "hello");
    assert_eq!(
        chunks[0].position,
        Position {
            start: 0,
            end: 5,
            ..Position::default()
        }
    );
}

#[test]
fn chunks_overlap_and_the_last_one_ends_with_the_text() {
    let text: String = ('a'..='z').collect();
    let chunks = chunk_text(&text, &[], spec(10, 3));
    let texts: Vec<&str> = chunks.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["abcdefghij", "hijklmnopq", "opqrstuvwx", "vwxyz"]);
    assert_eq!(
        chunks.iter().map(|c| c.seq).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    for chunk in &chunks {
        assert_eq!(&text[chunk.position.start..chunk.position.end], chunk.text);
    }
}

#[test]
fn the_default_is_a_thousand_characters_with_a_hundred_of_overlap() {
    let text = "x".repeat(2500);
    let chunks = chunk_text(&text, &[], ChunkSpec::DEFAULT);
    let spans: Vec<(usize, usize)> = chunks
        .iter()
        .map(|c| (c.position.start, c.position.end))
        .collect();
    assert_eq!(spans, [(0, 1000), (900, 1900), (1800, 2500)]);
}

#[test]
fn cuts_fall_on_character_boundaries_and_count_characters() {
    let text = "äöü€😀".repeat(3);
    let chunks = chunk_text(&text, &[], spec(4, 1));
    for chunk in &chunks {
        assert!(chunk.text.chars().count() <= 4);
        assert_eq!(&text[chunk.position.start..chunk.position.end], chunk.text);
    }
    let joined: String = chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.text.clone()
            } else {
                c.text.chars().skip(1).collect()
            }
        })
        .collect();
    assert_eq!(joined, text);
}

#[test]
fn each_chunk_has_the_heading_path_and_page_of_its_start() {
    let text = "intro text. first part. second part.";
    let sections = [
        Section {
            start: 12,
            heading_path: vec!["A".into()],
            page: Some(1),
        },
        Section {
            start: 24,
            heading_path: vec!["A".into(), "B".into()],
            page: Some(2),
        },
    ];
    let chunks = chunk_text(text, &sections, spec(12, 0));
    let paths: Vec<(Vec<String>, Option<u32>)> = chunks
        .iter()
        .map(|c| (c.position.heading_path.clone(), c.position.page))
        .collect();
    assert_eq!(
        paths,
        [
            (vec![], None),
            (vec!["A".to_owned()], Some(1)),
            (vec!["A".to_owned(), "B".to_owned()], Some(2)),
        ]
    );
}

#[test]
fn an_overlap_as_long_as_the_chunk_still_moves_forward() {
    let chunks = chunk_text("abcdef", &[], spec(2, 5));
    assert_eq!(chunks.len(), 5);
    assert_eq!(chunks.last().map(|c| c.text.as_str()), Some("ef"));
}

#[test]
fn positions_store_as_the_documented_json() {
    let bare = Position {
        start: 3,
        end: 9,
        ..Position::default()
    };
    assert_eq!(
        serde_json::to_value(&bare).ok(),
        Some(serde_json::json!({"start": 3, "end": 9}))
    );
    let full = Position {
        page: Some(2),
        heading_path: vec!["Intro".into()],
        start: 0,
        end: 1,
    };
    assert_eq!(
        serde_json::to_value(&full).ok(),
        Some(serde_json::json!({"page": 2, "heading_path": ["Intro"], "start": 0, "end": 1}))
    );
}

#[test]
fn a_spec_reads_and_writes_the_collection_json() {
    let spec: ChunkSpec = serde_json::from_value(
        serde_json::json!({"strategy": "tokens", "size": 256, "overlap": 32}),
    )
    .unwrap();
    assert_eq!(
        spec,
        ChunkSpec {
            strategy: ChunkStrategy::Tokens,
            size: 256,
            overlap: 32
        }
    );
    let plain: ChunkSpec =
        serde_json::from_value(serde_json::json!({"size": 1000, "overlap": 100})).unwrap();
    assert_eq!(plain, ChunkSpec::DEFAULT);
    assert_eq!(ChunkSpec::default(), ChunkSpec::DEFAULT);
    assert_eq!(
        serde_json::to_value(ChunkSpec::DEFAULT).unwrap(),
        serde_json::json!({"strategy": "characters", "size": 1000, "overlap": 100})
    );
    for bad in [
        serde_json::json!({"strategy": "Words", "size": 100, "overlap": 0}),
        serde_json::json!({"overlap": 10}),
        serde_json::json!({"size": 100, "overlap": 0, "sise": 3}),
    ] {
        assert!(serde_json::from_value::<ChunkSpec>(bad).is_err());
    }
    let no_overlap: ChunkSpec = serde_json::from_value(serde_json::json!({"size": 100})).unwrap();
    assert_eq!(no_overlap.overlap, 0);
    assert_eq!(no_overlap.key(), "characters:100:0");
}

#[test]
fn check_bounds_the_size_per_unit_and_the_overlap_below_half() {
    let of = |strategy, size, overlap| ChunkSpec {
        strategy,
        size,
        overlap,
    };
    for ok in [
        ChunkSpec::DEFAULT,
        of(ChunkStrategy::Characters, 50, 24),
        of(ChunkStrategy::Markdown, 8000, 0),
        of(ChunkStrategy::Tokens, 16, 7),
        of(ChunkStrategy::Tokens, 2000, 999),
        of(ChunkStrategy::Characters, 51, 25),
    ] {
        assert_eq!(ok.check(), Ok(()), "{ok:?}");
    }
    let field = |spec: ChunkSpec| match spec.check() {
        Err(DocumentsError::Invalid(field, message)) => {
            assert!(!message.is_empty());
            field
        }
        other => panic!("{spec:?}: {other:?}"),
    };
    assert_eq!(field(of(ChunkStrategy::Characters, 49, 0)), "chunking.size");
    assert_eq!(field(of(ChunkStrategy::Markdown, 8001, 0)), "chunking.size");
    assert_eq!(field(of(ChunkStrategy::Tokens, 15, 0)), "chunking.size");
    assert_eq!(
        field(of(ChunkStrategy::Tokens, 1000 * 1000, 0)),
        "chunking.size"
    );
    assert_eq!(
        field(of(ChunkStrategy::Characters, 100, 50)),
        "chunking.overlap"
    );
    assert_eq!(field(of(ChunkStrategy::Tokens, 16, 8)), "chunking.overlap");
    let message = of(ChunkStrategy::Tokens, 10, 0)
        .check()
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "chunking.size: must be between 16 and 2000 tokens, not 10"
    );
}
