//! Splitting extracted text into overlapping chunks that remember where they came from.
//!
//! Chunks are cut by characters (never inside a UTF-8 sequence) with a fixed overlap, so a
//! sentence cut at one chunk's end is whole at the next one's start. Each chunk keeps its
//! [`Position`]: byte offsets into the extracted text and the heading path (and page) of the
//! section its first character lies in — what a citation shows. Pure, so other strategies can
//! replace it behind the same output.

/// How long chunks are and how much consecutive chunks share, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSpec {
    /// Characters per chunk (at least 1).
    pub size: usize,
    /// Characters a chunk repeats from the end of the one before (less than `size`).
    pub overlap: usize,
}

impl ChunkSpec {
    /// The default of ingestion: 1000 characters with 100 of overlap.
    pub const DEFAULT: ChunkSpec = ChunkSpec {
        size: 1000,
        overlap: 100,
    };

    /// Characters from one chunk's start to the next one's; always at least 1, so a spec with
    /// an overlap as long as the chunk still ends.
    fn step(self) -> usize {
        self.size.max(1) - self.overlap.min(self.size.max(1) - 1)
    }
}

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

/// Cuts `text` into chunks of `spec.size` characters, each starting `size - overlap` characters
/// after the one before; the last chunk ends with the text. `sections` (sorted by `start`) give
/// each chunk the heading path and page of its first character. Empty text has no chunks.
pub fn chunk_text(text: &str, sections: &[Section], spec: ChunkSpec) -> Vec<Chunk> {
    // Byte offset of every character, plus the end: chunk bounds are picked from these.
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    let size = spec.size.max(1);
    let mut chunks = Vec::new();
    let mut first = 0;
    while first < chars {
        let last = (first + size).min(chars);
        let (start, end) = (bounds[first], bounds[last]);
        let section = sections.iter().rev().find(|s| s.start <= start);
        chunks.push(Chunk {
            seq: chunks.len(),
            text: text[start..end].to_owned(),
            position: Position {
                page: section.and_then(|s| s.page),
                heading_path: section.map(|s| s.heading_path.clone()).unwrap_or_default(),
                start,
                end,
            },
        });
        if last == chars {
            break;
        }
        first += spec.step();
    }
    chunks
}

#[cfg(test)]
mod tests;
