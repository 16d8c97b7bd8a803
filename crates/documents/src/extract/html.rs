//! HTML: `html2text` renders the page as plain text (scripts, styles and the `<head>` left out,
//! tables flattened to one cell per line, links as their text only), and headings `h1`..`h6`
//! become section paths, as in markdown.
//!
//! html2text has no API for where a heading lands in its output, so our decorator prefixes every
//! heading line with a marker (a private-use character and the level) and one pass over the
//! rendered text removes the markers and records the sections. Marker characters already in the
//! page are dropped before parsing, so a page cannot forge a heading. html5ever (under html2text)
//! repairs broken markup the way browsers do, so unclosed or stray tags still give text.

use html2text::render::{TaggedLine, TextDecorator};

use super::{Extracted, enter_heading, nesting};
use crate::DocumentsError;
use crate::chunking::Section;

/// Starts a heading line in the rendered text; the level's digit follows it.
const MARKER: char = '\u{E000}';

/// Start tags nested deeper than this are dropped before parsing (their text stays): html5ever's
/// tree builder scans the open elements for most start tags, so its time grows with the square
/// of the nesting depth (20,000 nested `<div>`s, a 100 kB page, took 1.5 s in release), and no
/// real page comes near it.
const MAX_DEPTH: usize = 512;

/// Lines are never wrapped: chunking decides the lengths, not a terminal's width.
const WIDTH: usize = 1 << 20;

/// The text of the HTML `content`, with a section at every heading.
pub(super) fn extract(content: &[u8]) -> Result<Extracted, DocumentsError> {
    let page = String::from_utf8_lossy(content);
    let page = if page.contains(MARKER) {
        page.replace(MARKER, "")
    } else {
        page.into_owned()
    };
    let config = html2text::config::with_decorator(Decorator)
        .raw_mode(true)
        .link_footnotes(false)
        .allow_width_overflow();
    let unreadable = |err: html2text::Error| {
        DocumentsError::Malformed(format!("the HTML page could not be read: {err}"))
    };
    let page = nesting::cap(&page, MAX_DEPTH);
    let dom = config.parse_html(page.as_bytes()).map_err(unreadable)?;
    let tree = config.dom_to_render_tree(&dom).map_err(unreadable)?;
    let rendered = config.render_to_string(tree, WIDTH).map_err(unreadable)?;
    Ok(sections(&rendered))
}

/// Removes the heading markers from `rendered` and marks a section at every heading; a heading
/// html2text spread over consecutive lines (a `<br>` inside it) is one section.
fn sections(rendered: &str) -> Extracted {
    let mut out = Extracted {
        text: String::with_capacity(rendered.len()),
        sections: Vec::new(),
    };
    let mut path = Vec::new();
    // The heading being read: its level, where it starts and its title so far.
    let mut open: Option<(u32, usize, String)> = None;
    for line in rendered.split_inclusive('\n') {
        let line_start = out.text.len();
        let Some(at) = line.find(MARKER) else {
            close(&mut open, &mut path, &mut out);
            out.text.push_str(line);
            continue;
        };
        let rest = &line[at + MARKER.len_utf8()..];
        let level = rest
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .unwrap_or(1);
        let title = rest.get(1..).unwrap_or_default();
        if open.as_ref().is_some_and(|(l, _, _)| *l != level) {
            close(&mut open, &mut path, &mut out);
        }
        let (_, _, so_far) = open.get_or_insert_with(|| (level, line_start, String::new()));
        if !so_far.is_empty() {
            so_far.push(' ');
        }
        so_far.push_str(title.trim());
        out.text.push_str(&line[..at]);
        out.text.push_str(title);
    }
    close(&mut open, &mut path, &mut out);
    out
}

/// Records the heading being read, if any, as a section.
fn close(
    open: &mut Option<(u32, usize, String)>,
    path: &mut Vec<(u32, String)>,
    out: &mut Extracted,
) {
    if let Some((level, start, title)) = open.take() {
        let heading_path = enter_heading(path, level, title);
        out.sections.push(Section {
            start,
            heading_path,
            page: None,
        });
    }
}

/// Plain text without markup decoration; heading lines carry the marker.
#[derive(Clone, Copy)]
struct Decorator;

impl TextDecorator for Decorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_link_end(&mut self) -> String {
        String::new()
    }

    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_em_end(&self) -> String {
        String::new()
    }

    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_strong_end(&self) -> String {
        String::new()
    }

    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }

    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }

    fn decorate_code_end(&self) -> String {
        String::new()
    }

    fn decorate_preformat_first(&self) {}

    fn decorate_preformat_cont(&self) {}

    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        (title.to_owned(), ())
    }

    fn header_prefix(&self, level: usize) -> String {
        format!("{MARKER}{}", level.clamp(1, 9))
    }

    fn quote_prefix(&self) -> String {
        "> ".to_owned()
    }

    fn unordered_item_prefix(&self) -> String {
        "- ".to_owned()
    }

    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }

    fn make_subblock_decorator(&self) -> Self {
        Decorator
    }

    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<()>> {
        Vec::new()
    }
}
