//! The `tokens` strategy and [`count_tokens`], our approximation of a tokenizer.
//!
//! Why not tiktoken (`cl100k`)? Every Ollama model brings its own tokenizer (Llama, Mistral,
//! Qwen, nomic-embed, … each a different vocabulary), so cl100k would be one more approximation
//! of the model that actually embeds the chunks — and it costs a large vocabulary in the build.
//! A chunk size in tokens only needs to keep chunks under an embedding model's context with a
//! margin, which a documented rule does as well:
//!
//! - a run of letters counts one token per started 6 characters ("the" 1, "tokenizer" 2): BPE
//!   vocabularies hold most common words whole and split long ones;
//! - a run of digits, one token per started 3 digits (tokenizers group numbers so);
//! - a run of ASCII punctuation or symbols, one token per started 2 characters;
//! - every CJK ideograph, kana or hangul syllable, one token;
//! - whitespace is free (BPE glues it to the next token).
//!
//! Other non-ASCII characters (accents, other scripts, emoji, dashes) count as letters. On
//! English prose this gives about 1.3 tokens per word, the usual figure for BPE models.

use super::ChunkSpec;

/// A piece of text counted as one token.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    /// Whitespace (or the end) follows: a chunk may end here without cutting a word.
    before_space: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Letter,
    Digit,
    Symbol,
    Ideograph,
}

impl Class {
    fn of(c: char) -> Class {
        if c.is_whitespace() {
            Class::Space
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_ascii_punctuation() || c.is_ascii_control() {
            Class::Symbol
        } else if is_ideograph(c) {
            Class::Ideograph
        } else {
            Class::Letter
        }
    }

    /// Characters of a run that make one token.
    fn piece(self) -> usize {
        match self {
            Class::Letter => 6,
            Class::Digit => 3,
            Class::Symbol => 2,
            Class::Space | Class::Ideograph => 1,
        }
    }
}

/// CJK ideographs, kana and hangul: one token each in the usual vocabularies.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF)
}

/// How many tokens `text` has by the rule above: what a `tokens` chunk size counts, and a
/// cheap estimate of a prompt's size anywhere the model's own tokenizer is out of reach.
pub fn count_tokens(text: &str) -> usize {
    let mut count = 0;
    let mut run: Option<(Class, usize)> = None;
    for c in text.chars() {
        let class = Class::of(c);
        run = match run {
            Some((kind, len)) if kind == class && class != Class::Ideograph => {
                Some((kind, len + 1))
            }
            _ => {
                count += run.map_or(0, |(kind, len)| len.div_ceil(kind.piece()));
                (class != Class::Space).then_some((class, 1))
            }
        };
    }
    count + run.map_or(0, |(kind, len)| len.div_ceil(kind.piece()))
}

/// Every token of `text`, in order.
fn units(text: &str) -> Vec<Unit> {
    let mut units = Vec::with_capacity(text.len() / 4);
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let class = Class::of(c);
        if class == Class::Space {
            continue;
        }
        let (mut unit_start, mut end, mut len) = (start, start + c.len_utf8(), 1);
        // An ideograph is a token alone; other runs go on while the class does.
        while let Some(&(at, next)) = chars.peek() {
            if class == Class::Ideograph || Class::of(next) != class {
                break;
            }
            if len == class.piece() {
                units.push(Unit {
                    start: unit_start,
                    end,
                    before_space: false,
                });
                (unit_start, len) = (at, 0);
            }
            end = at + next.len_utf8();
            len += 1;
            chars.next();
        }
        let before_space =
            class == Class::Ideograph || chars.peek().is_none_or(|&(_, next)| next.is_whitespace());
        units.push(Unit {
            start: unit_start,
            end,
            before_space,
        });
    }
    units
}

/// The `tokens` strategy: spans of at most `size` tokens, ending between words where one ends
/// past the overlap, each next span starting `overlap` tokens back (at a word's start).
/// Whitespace around a span is left out.
pub(super) fn spans(text: &str, spec: ChunkSpec) -> Vec<(usize, usize)> {
    let units = units(text);
    let count = units.len();
    let size = spec.size.max(1);
    let overlap = spec.overlap.min(size - 1);
    let mut spans = Vec::new();
    let mut first = 0;
    while first < count {
        let mut last = (first + size).min(count);
        if last < count
            && let Some(k) = (first + overlap + 1..=last)
                .rev()
                .find(|&k| units[k - 1].before_space)
        {
            last = k;
        }
        spans.push((units[first].start, units[last - 1].end));
        if last == count {
            break;
        }
        // At least one token past `first`: `last > first + overlap` either way.
        let mut next = last - overlap;
        while next < last && !units[next - 1].before_space {
            next += 1;
        }
        first = next;
    }
    spans
}

#[cfg(test)]
mod tests;
