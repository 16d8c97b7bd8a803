//! Builders of small, valid documents for the tests and the bench: a minimal PDF writer (a
//! catalog, a page tree, one standard font, a content stream per page and an xref table with
//! the real offsets) and a minimal DOCX (the three parts a word processor needs).

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

/// A PDF with one page per entry of `pages`, each line of a page shown with Helvetica 12 pt.
/// Lines are ASCII (anything else becomes `?`: the standard font's encoding has no more).
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let count = pages.len();
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {count} >>",
            kids.join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    for (i, lines) in pages.iter().enumerate() {
        let mut content = String::from("BT /F1 12 Tf 14 TL 72 740 Td\n");
        for line in lines {
            let _ = writeln!(content, "({}) Tj T*", escape(line));
        }
        content.push_str("ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref_at = out.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is 20 bytes: the space before the newline is part of it.
        let _ = writeln!(tail, "{offset:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(tail.as_bytes());
    out
}

/// `line` as the inside of a PDF literal string.
fn escape(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => format!("\\{c}"),
            c if c.is_ascii() && !c.is_ascii_control() => c.to_string(),
            _ => "?".to_owned(),
        })
        .collect()
}

/// A DOCX of `paragraphs`: `(Some(n), text)` is a "Heading n" paragraph, `(None, text)` body
/// text. Stored uncompressed, so the bytes do not depend on the deflate implementation.
pub fn docx(paragraphs: &[(Option<u32>, String)]) -> Vec<u8> {
    let mut body = String::new();
    for (heading, text) in paragraphs {
        body.push_str("<w:p>");
        if let Some(level) = heading {
            let _ = write!(body, r#"<w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>"#);
        }
        let _ = write!(
            body,
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            xml_escape(text)
        );
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned(),
        ),
        ("word/document.xml", document),
    ];
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        writer.start_file(name, options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The two-page PDF saved as `tests/fixtures/two-pages.pdf`.
pub fn two_page_pdf() -> Vec<u8> {
    pdf(&[
        vec![
            "Hello from page one.".to_owned(),
            "The workshop keeps documents.".to_owned(),
        ],
        vec![
            "Page two says goodbye.".to_owned(),
            "Citations name this page.".to_owned(),
        ],
    ])
}

/// The DOCX saved as `tests/fixtures/handbook.docx`.
pub fn handbook_docx() -> Vec<u8> {
    docx(&[
        (Some(1), "Handbook".to_owned()),
        (None, "Welcome to the workshop.".to_owned()),
        (Some(2), "Uploads".to_owned()),
        (None, "Documents are split into chunks.".to_owned()),
    ])
}
