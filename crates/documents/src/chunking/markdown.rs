//! The `markdown` strategy: chunks of at most `size` characters that end where the document's
//! structure does. In the reach of a chunk (from a quarter of `size` to `size`), the cut goes
//! to the last heading (a section start from extraction, or a `#` line), else the last
//! paragraph break, else the last sentence end or line break, else the last space, else at
//! `size`. A chunk after a heading cut starts at the heading, without overlap (a new section
//! shares nothing with the last one); after any other cut it starts `overlap` characters back,
//! at a word's start. Whitespace around a chunk is left out.

use super::{ChunkSpec, Section, advance};

/// The spans of `text`'s chunks, as byte offsets.
pub(super) fn spans(text: &str, sections: &[Section], spec: ChunkSpec) -> Vec<(usize, usize)> {
    let size = spec.size.max(1);
    let overlap = spec.overlap.min(size - 1);
    // A chunk has at least this many characters before any cut: no slivers, and room for the
    // overlap, so the next chunk always starts further on.
    let least = (size / 4).max(overlap + 1).min(size);
    let mut spans = Vec::new();
    let mut start = skip_space(text, 0);
    while start < text.len() {
        let end = advance(text, start, size);
        if end == text.len() {
            push_trimmed(&mut spans, text, start, end);
            break;
        }
        let floor = advance(text, start, least);
        let (cut, at_heading) = cut(text, sections, floor, end);
        push_trimmed(&mut spans, text, start, cut);
        let next = if at_heading {
            cut
        } else {
            word_start(text, retreat(text, cut, overlap), cut)
        };
        start = skip_space(text, next);
    }
    spans
}

/// Where to end a chunk whose cut may fall in `floor..=end`, and whether it is a heading.
fn cut(text: &str, sections: &[Section], floor: usize, end: usize) -> (usize, bool) {
    let window = &text[floor..end];
    let section = sections[..sections.partition_point(|s| s.start <= end)]
        .last()
        .map(|s| s.start)
        .filter(|&at| at >= floor);
    let heading_line = window
        .rmatch_indices('\n')
        .map(|(i, _)| floor + i + 1)
        .find(|&at| is_heading_line(&text[at..]));
    if let Some(at) = section.max(heading_line) {
        return (at, true);
    }
    if let Some(i) = window.rfind("\n\n") {
        return (floor + i + 1, false);
    }
    let mut following = text[end..].chars().next();
    for (i, c) in window.char_indices().rev() {
        let ends = match c {
            '.' | '!' | '?' => following.is_none_or(char::is_whitespace),
            '\n' | '。' | '！' | '？' => true,
            _ => false,
        };
        if ends {
            return (floor + i + c.len_utf8(), false);
        }
        following = Some(c);
    }
    match window.rfind(char::is_whitespace) {
        Some(i) => (floor + i, false),
        None => (end, false),
    }
}

/// An ATX heading: one to six `#` and a space.
fn is_heading_line(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), Some(b' ' | b'\t'))
}

/// Adds `start..end` less its surrounding whitespace, unless nothing is left.
fn push_trimmed(spans: &mut Vec<(usize, usize)>, text: &str, start: usize, end: usize) {
    let piece = &text[start..end];
    let trimmed = piece.trim_start();
    let from = start + (piece.len() - trimmed.len());
    let to = from + trimmed.trim_end().len();
    if to > from {
        spans.push((from, to));
    }
}

/// The first non-whitespace character at or after `from`.
fn skip_space(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |i| from + i)
}

/// The byte offset `chars` characters before `to`.
fn retreat(text: &str, to: usize, chars: usize) -> usize {
    match chars.checked_sub(1) {
        None => to,
        Some(back) => text[..to]
            .char_indices()
            .rev()
            .nth(back)
            .map_or(0, |(at, _)| at),
    }
}

/// `from` if a word starts there, else the start of the next word before `limit`, else `from`.
fn word_start(text: &str, from: usize, limit: usize) -> usize {
    if from == 0 || text[..from].ends_with(char::is_whitespace) {
        return from;
    }
    text[from..limit]
        .find(char::is_whitespace)
        .map_or(from, |i| from + i)
}

#[cfg(test)]
mod tests;
