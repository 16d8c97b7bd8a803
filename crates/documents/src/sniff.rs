//! Deciding a document's type from its CONTENT, never from its name alone: a declared name can
//! lie, and extracting the wrong format yields garbage or worse. The name only tells markdown
//! from plain text, once the content is known to be text.

use std::io::Cursor;

use crate::DocumentsError;

/// The media type reported for bytes nothing recognises.
const UNKNOWN: &str = "application/octet-stream";

/// The formats text can be extracted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// UTF-8 text.
    Text,
    /// UTF-8 text declared as markdown (`.md`, `.markdown`): headings become section paths.
    Markdown,
    /// An HTML page.
    Html,
    /// A Word document: a zip holding `word/document.xml`.
    Docx,
    /// A PDF: text per page, so chunks can cite their page.
    Pdf,
}

impl DocumentKind {
    /// The media type stored and shown for the document.
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentKind::Text => "text/plain",
            DocumentKind::Markdown => "text/markdown",
            DocumentKind::Html => "text/html",
            DocumentKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentKind::Pdf => "application/pdf",
        }
    }

    /// How the format is named in a failure reason a person reads ("the PDF could not be
    /// parsed").
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Text => "text",
            DocumentKind::Markdown => "markdown",
            DocumentKind::Html => "HTML page",
            DocumentKind::Docx => "DOCX",
            DocumentKind::Pdf => "PDF",
        }
    }
}

/// The kind of `content`, uploaded as `declared_name`; anything not extractable is
/// [`DocumentsError::UnsupportedType`] naming the detected media type.
pub fn sniff(content: &[u8], declared_name: &str) -> Result<DocumentKind, DocumentsError> {
    if let Some(kind) = infer::get(content) {
        let mime = kind.mime_type();
        if mime == "text/html" {
            return Ok(DocumentKind::Html);
        }
        if mime == "application/pdf" {
            return Ok(DocumentKind::Pdf);
        }
        if kind.extension() == "zip" || mime.contains("openxmlformats") {
            return if holds_word_document(content) {
                Ok(DocumentKind::Docx)
            } else {
                Err(DocumentsError::UnsupportedType(mime.to_owned()))
            };
        }
        return Err(DocumentsError::UnsupportedType(mime.to_owned()));
    }
    let Ok(text) = std::str::from_utf8(content) else {
        return Err(DocumentsError::UnsupportedType(UNKNOWN.to_owned()));
    };
    if text.contains('\0') {
        return Err(DocumentsError::UnsupportedType(UNKNOWN.to_owned()));
    }
    if looks_like_html(text) {
        return Ok(DocumentKind::Html);
    }
    let name = declared_name.to_ascii_lowercase();
    if name.ends_with(".md") || name.ends_with(".markdown") {
        Ok(DocumentKind::Markdown)
    } else {
        Ok(DocumentKind::Text)
    }
}

/// Whether the zip `content` has the part every DOCX has.
fn holds_word_document(content: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(content))
        .is_ok_and(|mut archive| archive.by_name("word/document.xml").is_ok())
}

/// HTML that `infer` misses (a page starting with a comment or blank lines).
fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(15).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

#[cfg(test)]
mod tests;
