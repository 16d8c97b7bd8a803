//! Text extraction: a document's plain text plus the sections (heading paths, pages) citations
//! show. Each format has its own module; all return [`Extracted`], which the chunker reads.
//! [`extract_guarded`] is the entry point for uploads: parsers of binary formats can panic or
//! loop on hostile input, and one bad file must fail alone.

mod docx;
mod guard;
mod html;
mod markdown;
mod nesting;
mod pdf;

pub use guard::extract_guarded;

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

/// The text of `content`, already sniffed as `kind`, on the calling thread. A PDF that makes
/// the parser panic is [`DocumentsError::Malformed`]; one that makes it loop is not stopped
/// here: uploads go through [`extract_guarded`].
pub fn extract(kind: DocumentKind, content: &[u8]) -> Result<Extracted, DocumentsError> {
    match kind {
        DocumentKind::Text => Ok(Extracted {
            text: utf8(content)?.to_owned(),
            sections: Vec::new(),
        }),
        DocumentKind::Markdown => Ok(markdown::extract(utf8(content)?)),
        DocumentKind::Docx => docx::extract(content),
        DocumentKind::Html => html::extract(content),
        DocumentKind::Pdf => pdf::extract(content),
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

/// The message a panic carried (`panic!` with a literal or a formatted string), for the reason
/// stored with a failed document.
fn panic_reason(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "the parser failed".to_owned()
    }
}

#[cfg(test)]
mod tests;
