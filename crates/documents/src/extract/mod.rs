//! Text extraction: a document's plain text plus the sections (heading paths) citations show.
//! Each format has its own module; all return [`Extracted`], which the chunker reads.

mod docx;
mod markdown;

use crate::chunking::Section;
use crate::{DocumentKind, DocumentsError};

/// The text of a document and where its sections start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    /// The plain text.
    pub text: String,
    /// Section marks into `text`, sorted by `start`.
    pub sections: Vec<Section>,
}

/// The text of `content`, already sniffed as `kind`. HTML is not extracted in this slice
/// ([`DocumentsError::UnsupportedType`]).
pub fn extract(kind: DocumentKind, content: &[u8]) -> Result<Extracted, DocumentsError> {
    match kind {
        DocumentKind::Text => Ok(Extracted {
            text: utf8(content)?.to_owned(),
            sections: Vec::new(),
        }),
        DocumentKind::Markdown => Ok(markdown::extract(utf8(content)?)),
        DocumentKind::Docx => docx::extract(content),
        DocumentKind::Html => Err(DocumentsError::UnsupportedType(
            "text/html (HTML extraction is not available yet)".into(),
        )),
    }
}

fn utf8(content: &[u8]) -> Result<&str, DocumentsError> {
    std::str::from_utf8(content)
        .map_err(|err| DocumentsError::Malformed(format!("the text is not UTF-8: {err}")))
}

/// Keeps `path` the headings above a new heading of `level`, then adds `title`.
fn enter_heading(path: &mut Vec<(u32, String)>, level: u32, title: String) -> Vec<String> {
    while path.last().is_some_and(|(l, _)| *l >= level) {
        path.pop();
    }
    path.push((level, title));
    path.iter().map(|(_, t)| t.clone()).collect()
}

#[cfg(test)]
mod tests;
