//! A cheap pass over raw HTML that drops start tags nested deeper than a limit (and their end
//! tags), so the HTML parser never sees a pathological depth. It reads tags only, not the full
//! HTML grammar: elements whose end tag is optional (`p`, `li`, `td`, …) and void elements never
//! nest by themselves and are not counted; comments and raw text (`script`, `style`, …) are
//! skipped. Misjudging a broken page only loses some structure below the limit, never text.

use std::borrow::Cow;

/// Elements without content.
const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];

/// Elements closed implicitly by their next sibling: they do not deepen the tree by themselves.
const OPTIONAL_END: &[&[u8]] = &[
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"thead",
    b"tbody",
    b"tfoot",
    b"option",
    b"optgroup",
    b"rt",
    b"rp",
    b"colgroup",
    b"caption",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"plaintext",
];

/// `page` with every start tag deeper than `limit` removed (borrowed when nothing is).
pub(super) fn cap(page: &str, limit: usize) -> Cow<'_, str> {
    let bytes = page.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let (mut depth, mut dropped) = (0usize, 0usize);
    let mut at = 0;
    while let Some(lt) = find(bytes, at, b"<") {
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            at = find(bytes, lt + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let Some(gt) = find(bytes, name_start, b">") else {
            break;
        };
        at = gt + 1;
        if name_len == 0 {
            at = lt + 1;
            continue;
        }
        let name = bytes[name_start..name_start + name_len].to_ascii_lowercase();
        let is = |set: &[&[u8]]| set.contains(&name.as_slice());
        if !closing && is(RAW_TEXT) {
            at = end_tag(bytes, at, &name);
            continue;
        }
        if is(VOID) || is(OPTIONAL_END) || bytes[gt - 1] == b'/' {
            continue;
        }
        let drop = if closing {
            if dropped > 0 {
                dropped -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= limit {
            dropped += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            let out = out.get_or_insert_with(|| String::with_capacity(page.len()));
            out.push_str(&page[copied..lt]);
            copied = gt + 1;
        }
    }
    match out {
        None => Cow::Borrowed(page),
        Some(mut out) => {
            out.push_str(&page[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Where `needle` first occurs in `bytes` from `from` on.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// Just past the end tag `</name` (any case) from `from` on, or the end of `bytes`.
fn end_tag(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut at = from;
    while let Some(lt) = find(bytes, at, b"</") {
        let candidate = bytes.get(lt + 2..lt + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return lt + 2 + name.len();
        }
        at = lt + 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_borrowed_untouched() {
        let page = "<html><body><div><p>a<p>b<br><img src=x></div><!-- <div><div> --></body>";
        assert!(matches!(cap(page, 3), Cow::Borrowed(p) if p == page));
    }

    #[test]
    fn start_tags_past_the_limit_and_their_end_tags_are_dropped() {
        let page = "<div><section><div>deep</div>x</section>y</div>";
        assert_eq!(cap(page, 2), "<div><section>deepx</section>y</div>");
        let unclosed = "<div>".repeat(5) + "text";
        assert_eq!(cap(&unclosed, 3), "<div><div><div>text");
    }

    #[test]
    fn raw_text_and_comments_are_not_read_as_tags() {
        let page = "<div><script>if (a<b) { x = '<div><div>'; }</SCRIPT><!--<div>-->t</div>";
        assert!(matches!(cap(page, 1), Cow::Borrowed(_)));
    }

    #[test]
    fn broken_tags_never_panic() {
        for page in [
            "<", "</", "<div", "<!--", "<script>", "<<>>", "</>", "<a/>", "é<ü>",
        ] {
            let _ = cap(page, 0);
        }
    }
}
