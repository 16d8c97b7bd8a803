//! PDF: the text of every page (`pdf-extract` over `lopdf`, pure Rust), each page a section with
//! its 1-based number so a chunk's position can cite the page.
//!
//! pdf-extract walks all pages once and calls our [`OutputDev`] for every glyph; we lay the
//! glyphs out as lines and words ourselves (a new line when the baseline moves by half the font
//! size, a blank line when it moves by one and a half, a space when the pen jumps right between
//! two shown strings) and note where each page starts. pdf-extract's own per-page helper
//! re-walks the page tree for every page (quadratic on long documents) and silently stops at the
//! first page it cannot read.
//!
//! pdf-extract unwraps freely on broken input, so the extraction runs under `catch_unwind`: a
//! bad PDF is [`DocumentsError::Malformed`] here, never a panic. A PDF that makes it loop is
//! stopped by [`extract_guarded`](super::extract_guarded)'s time limit.

use std::panic::{self, AssertUnwindSafe};

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::{Extracted, panic_reason};
use crate::DocumentsError;
use crate::chunking::Section;

/// The text of the PDF `content`, one section per page.
pub(super) fn extract(content: &[u8]) -> Result<Extracted, DocumentsError> {
    match panic::catch_unwind(AssertUnwindSafe(|| read(content))) {
        Ok(result) => result,
        Err(payload) => Err(DocumentsError::Malformed(format!(
            "the PDF could not be parsed: {}",
            panic_reason(payload.as_ref())
        ))),
    }
}

fn read(content: &[u8]) -> Result<Extracted, DocumentsError> {
    let mut document = pdf_extract::Document::load_mem(content)
        .map_err(|err| DocumentsError::Malformed(format!("the PDF could not be parsed: {err}")))?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(DocumentsError::Malformed(
            "the PDF is protected by a password".into(),
        ));
    }
    let mut pages = Pages::default();
    pdf_extract::output_doc(&document, &mut pages).map_err(|err| {
        let page = pages.sections.last().and_then(|s| s.page).unwrap_or(1);
        DocumentsError::Malformed(format!("the PDF could not be read on page {page}: {err}"))
    })?;
    Ok(Extracted {
        text: pages.text,
        sections: pages.sections,
    })
}

/// Collects the glyphs of all pages as text, remembering where each page starts.
#[derive(Default)]
struct Pages {
    text: String,
    sections: Vec<Section>,
    /// Where the last glyph was: its baseline, where it ended, and the font size, in page space.
    pen: Option<Pen>,
    /// A new word began (pdf-extract tells): the next glyph may need a space before it.
    word_start: bool,
}

#[derive(Clone, Copy)]
struct Pen {
    y: f64,
    end_x: f64,
    size: f64,
}

impl OutputDev for Pages {
    fn begin_page(
        &mut self,
        page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.sections.push(Section {
            start: self.text.len(),
            heading_path: Vec::new(),
            page: Some(page_num),
        });
        self.pen = None;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        glyph: &str,
    ) -> Result<(), OutputError> {
        // The text matrix scales the font: its determinant is the area factor.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size * if scale.is_finite() { scale } else { 1.0 };
        let (x, y) = (trm.m31, trm.m32);
        if let Some(pen) = self.pen {
            let threshold = pen.size.max(size);
            let rise = (y - pen.y).abs();
            if rise > threshold * 0.5 {
                // A jump of more than a line and a half leaves a blank line: a paragraph.
                self.text
                    .push_str(if rise > threshold * 1.5 { "\n\n" } else { "\n" });
            } else if self.word_start && x > pen.end_x + threshold * 0.1 {
                self.text.push(' ');
            }
        }
        self.text.push_str(glyph);
        self.word_start = false;
        self.pen = Some(Pen {
            y,
            end_x: x + width * size,
            size,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
