//! [`ChunkSpec`]: how a collection cuts its documents, as stored with the collection and sent
//! by clients (`chunking: {strategy, size, overlap}`), and its validation.

use serde::{Deserialize, Serialize};

use crate::DocumentsError;

/// How chunk boundaries are chosen; `size` and `overlap` are counted in the strategy's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChunkStrategy {
    /// Fixed runs of characters: predictable, format-blind (the default).
    #[default]
    Characters,
    /// Runs of tokens as [`count_tokens`](super::count_tokens) approximates them, cut between
    /// words: what an embedding model's context limit is measured in.
    Tokens,
    /// At most `size` characters, cut at a heading (a section start) if one lies in reach, else
    /// at a paragraph, a sentence, a word: chunks that follow the document's structure.
    Markdown,
}

impl ChunkStrategy {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChunkStrategy::Characters => "characters",
            ChunkStrategy::Tokens => "tokens",
            ChunkStrategy::Markdown => "markdown",
        }
    }

    /// The unit `size` and `overlap` count, for messages.
    fn unit(self) -> &'static str {
        match self {
            ChunkStrategy::Tokens => "tokens",
            ChunkStrategy::Characters | ChunkStrategy::Markdown => "characters",
        }
    }
}

/// How long chunks are and how much consecutive chunks share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChunkSpec {
    /// How boundaries are chosen (`characters` when absent).
    #[serde(default)]
    pub strategy: ChunkStrategy,
    /// The longest chunk, in the strategy's unit.
    pub size: usize,
    /// How much a chunk repeats from the end of the one before, in the strategy's unit
    /// (none when absent).
    #[serde(default)]
    pub overlap: usize,
}

impl ChunkSpec {
    /// The default of ingestion: 1000 characters with 100 of overlap.
    pub const DEFAULT: ChunkSpec = ChunkSpec {
        strategy: ChunkStrategy::Characters,
        size: 1000,
        overlap: 100,
    };

    /// The spec's key in `document_chunks.spec` (e.g. `characters:1000:100`): documents keep
    /// their own chunks under the default's, and collections with the same spec share chunks.
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.strategy.as_str(), self.size, self.overlap)
    }

    /// Whether a client's spec is usable: `size` 50..=8000 characters (16..=2000 tokens) —
    /// smaller chunks carry no meaning, larger ones exceed embedding contexts — and `overlap`
    /// under half of `size`, so every chunk adds more than it repeats. Otherwise
    /// [`DocumentsError::Invalid`] naming the field (`chunking.size`, `chunking.overlap`): 422.
    pub fn check(&self) -> Result<(), DocumentsError> {
        let unit = self.strategy.unit();
        let (least, most) = match self.strategy {
            ChunkStrategy::Tokens => (16, 2000),
            ChunkStrategy::Characters | ChunkStrategy::Markdown => (50, 8000),
        };
        if !(least..=most).contains(&self.size) {
            return Err(DocumentsError::invalid(
                "chunking.size",
                format!(
                    "must be between {least} and {most} {unit}, not {}",
                    self.size
                ),
            ));
        }
        if self.overlap >= self.size.div_ceil(2) {
            return Err(DocumentsError::invalid(
                "chunking.overlap",
                format!(
                    "must be less than half of the size ({} {unit}), not {}",
                    self.size, self.overlap
                ),
            ));
        }
        Ok(())
    }
}

impl Default for ChunkSpec {
    fn default() -> Self {
        ChunkSpec::DEFAULT
    }
}
