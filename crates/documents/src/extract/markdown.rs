//! Markdown keeps its source as the text (it reads well as is); headings give section paths.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Extracted, enter_heading};
use crate::chunking::Section;

/// The text of `source` with a section at every heading.
pub(super) fn extract(source: &str) -> Extracted {
    let mut path = Vec::new();
    let mut sections = Vec::new();
    let mut open: Option<(u32, usize, String)> = None;
    for (event, range) in Parser::new(source).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open = Some((level as u32, range.start, String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, title)) = open.as_mut() {
                    title.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, title)) = open.take() {
                    let heading_path = enter_heading(&mut path, level, title.trim().to_owned());
                    sections.push(Section {
                        start,
                        heading_path,
                        page: None,
                    });
                }
            }
            _ => {}
        }
    }
    Extracted {
        text: source.to_owned(),
        sections,
    }
}
