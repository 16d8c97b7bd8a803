//! Unit tests of sniffing: the content decides, the name only picks markdown.

use std::io::Write;

use super::*;

fn zip_with(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(body.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn text_is_text_and_markdown_only_by_name() {
    assert_eq!(sniff(b"hello world", "notes.txt"), Ok(DocumentKind::Text));
    assert_eq!(
        sniff(b"# Title\n\nbody", "notes.md"),
        Ok(DocumentKind::Markdown)
    );
    assert_eq!(
        sniff(b"# Title", "NOTES.Markdown"),
        Ok(DocumentKind::Markdown)
    );
    assert_eq!(sniff(b"# Title", "notes"), Ok(DocumentKind::Text));
}

#[test]
fn html_is_recognised_by_content() {
    let page = b"<!DOCTYPE html><html><body><p>hi</p></body></html>";
    assert_eq!(sniff(page, "page.txt"), Ok(DocumentKind::Html));
    assert_eq!(
        sniff(b"\n\n<html><p>x</p></html>", "x"),
        Ok(DocumentKind::Html)
    );
}

#[test]
fn a_zip_is_docx_only_with_a_word_document() {
    let docx = zip_with(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document/>"),
    ]);
    assert_eq!(sniff(&docx, "report.bin"), Ok(DocumentKind::Docx));
    let plain = zip_with(&[("readme.txt", "hello")]);
    assert_eq!(
        sniff(&plain, "report.docx"),
        Err(DocumentsError::UnsupportedType("application/zip".into()))
    );
}

#[test]
fn other_binaries_are_refused_naming_their_type() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(
        sniff(png, "notes.txt"),
        Err(DocumentsError::UnsupportedType("image/png".into()))
    );
    assert_eq!(
        sniff(&[0xff, 0xfe, 0x00, 0x80, 0x81], "notes.txt"),
        Err(DocumentsError::UnsupportedType(UNKNOWN.into()))
    );
}

#[test]
fn a_pdf_is_recognised_by_its_header_whatever_its_name() {
    assert_eq!(
        sniff(b"%PDF-1.7\n%\xE2\xE3\n1 0 obj", "notes.txt"),
        Ok(DocumentKind::Pdf)
    );
    assert_eq!(DocumentKind::Pdf.label(), "PDF");
}

#[test]
fn media_types_are_the_registered_ones() {
    assert_eq!(DocumentKind::Markdown.media_type(), "text/markdown");
    assert!(
        DocumentKind::Docx
            .media_type()
            .ends_with("wordprocessingml.document")
    );
}
