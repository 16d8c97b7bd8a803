//! DOCX: the paragraphs (`w:p`) of `word/document.xml`, their runs' text (`w:t`), and headings
//! from the paragraph style (`w:pStyle` "Heading N"). No docx crate: zip + an XML reader suffice.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Extracted, enter_heading};
use crate::DocumentsError;
use crate::chunking::Section;

/// The text of the DOCX `content`, one line per paragraph.
pub(super) fn extract(content: &[u8]) -> Result<Extracted, DocumentsError> {
    let xml = document_xml(content)?;
    let mut reader = Reader::from_str(&xml);
    let mut out = Extracted::default();
    let mut path = Vec::new();
    let mut paragraph = String::new();
    let mut heading: Option<u32> = None;
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|err| malformed(format!("word/document.xml: {err}")))?;
        match event {
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::Text(t) if in_text => {
                let text = t
                    .unescape()
                    .map_err(|err| malformed(format!("word/document.xml: {err}")))?;
                paragraph.push_str(&text);
            }
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"w:pStyle" => {
                let style = e
                    .try_get_attribute("w:val")
                    .ok()
                    .flatten()
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                heading = style.as_deref().and_then(heading_level);
            }
            Event::Empty(e) if e.name().as_ref() == b"w:tab" => paragraph.push('\t'),
            Event::Empty(e) if e.name().as_ref() == b"w:br" => paragraph.push('\n'),
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(level) = heading.take() {
                    let heading_path = enter_heading(&mut path, level, paragraph.trim().to_owned());
                    out.sections.push(Section {
                        start: out.text.len(),
                        heading_path,
                        page: None,
                    });
                }
                out.text.push_str(&paragraph);
                out.text.push('\n');
                paragraph.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The main part of the package.
fn document_xml(content: &[u8]) -> Result<String, DocumentsError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(content))
        .map_err(|err| malformed(format!("not a readable zip: {err}")))?;
    let mut part = archive
        .by_name("word/document.xml")
        .map_err(|err| malformed(format!("word/document.xml: {err}")))?;
    let mut xml = String::new();
    part.read_to_string(&mut xml)
        .map_err(|err| malformed(format!("word/document.xml: {err}")))?;
    Ok(xml)
}

/// `Heading1`, `Heading 2`, `heading3` → the level.
fn heading_level(style: &str) -> Option<u32> {
    let rest = style.to_ascii_lowercase();
    let rest = rest.strip_prefix("heading")?.trim();
    rest.parse().ok().filter(|level| (1..=9).contains(level))
}

fn malformed(reason: String) -> DocumentsError {
    DocumentsError::Malformed(reason)
}
