//! Splitting extracted text into overlapping chunks that remember where they came from.
//!
//! A collection chooses how ([`ChunkSpec`]: a [`ChunkStrategy`], a size and an overlap, so a
//! sentence cut at one chunk's end is whole at the next one's start): fixed runs of characters,
//! runs of (approximate) tokens cut between words, or markdown-aware cuts at headings,
//! paragraphs and sentences. Cuts never fall inside a UTF-8 sequence. Each chunk keeps its
//! [`Position`]: byte offsets into the extracted text and the heading path (and page) of the
//! section its first character lies in — what a citation shows. Pure functions, so ingestion,
//! re-chunking and the bench share them.

mod markdown;
mod spec;
mod tokens;

pub use spec::{ChunkSpec, ChunkStrategy};
pub use tokens::count_tokens;

/// Where a section of the extracted text starts and what it is under.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// Byte offset in the extracted text where the section begins.
    pub start: usize,
    /// The headings above it, outermost first (empty before the first heading).
    pub heading_path: Vec<String>,
    /// The page it is on, for formats that have pages.
    pub page: Option<u32>,
}

/// Where a chunk lies: stored as JSON `{page?, heading_path?, start, end}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// The page of the chunk's start, for formats that have pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The headings above the chunk's start, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heading_path: Vec<String>,
    /// Byte offset of the chunk's first character in the extracted text.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// One piece of a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its place in the document, from 0.
    pub seq: usize,
    /// The text (a slice of the extracted text).
    pub text: String,
    /// Where it lies.
    pub position: Position,
}

/// Cuts `text` into chunks as `spec.strategy` says (see [`ChunkStrategy`]); `sections`
/// (sorted by `start`) give each chunk the heading path and page of its first character. Empty
/// text has no chunks. Never panics and always ends, even for a spec [`ChunkSpec::check`] would
/// refuse.
pub fn chunk_text(text: &str, sections: &[Section], spec: ChunkSpec) -> Vec<Chunk> {
    let spans = match spec.strategy {
        ChunkStrategy::Characters => characters(text, spec),
        ChunkStrategy::Tokens => tokens::spans(text, spec),
        ChunkStrategy::Markdown => markdown::spans(text, sections, spec),
    };
    spans
        .into_iter()
        .enumerate()
        .map(|(seq, (start, end))| {
            // The last section starting at or before the chunk.
            let at = sections.partition_point(|s| s.start <= start);
            let section = at.checked_sub(1).and_then(|i| sections.get(i));
            Chunk {
                seq,
                text: text[start..end].to_owned(),
                position: Position {
                    page: section.and_then(|s| s.page),
                    heading_path: section.map(|s| s.heading_path.clone()).unwrap_or_default(),
                    start,
                    end,
                },
            }
        })
        .collect()
}

/// The `characters` strategy: spans of `size` characters, each starting `size - overlap`
/// characters after the one before, the last one ending with the text.
fn characters(text: &str, spec: ChunkSpec) -> Vec<(usize, usize)> {
    let size = spec.size.max(1);
    let step = size - spec.overlap.min(size - 1);
    let mut spans = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = advance(text, start, size);
        spans.push((start, end));
        if end == text.len() {
            break;
        }
        start = advance(text, start, step);
    }
    spans
}

/// The byte offset `chars` characters after `from` (a character boundary), or the text's end.
fn advance(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(at, _)| from + at)
}

#[cfg(test)]
mod tests;
