//! Unit tests of extraction: text, markdown heading paths, DOCX paragraphs and headings.

use std::io::{Cursor, Write};

use super::*;

fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(xml.as_bytes()).unwrap();
    writer.finish().unwrap().into_inner()
}

fn paths(out: &Extracted) -> Vec<(usize, Vec<String>)> {
    out.sections
        .iter()
        .map(|s| (s.start, s.heading_path.clone()))
        .collect()
}

#[test]
fn plain_text_is_kept_and_must_be_utf8() {
    let out = extract(DocumentKind::Text, b"hello").unwrap();
    assert_eq!(out.text, "hello");
    assert!(out.sections.is_empty());
    assert!(matches!(
        extract(DocumentKind::Text, &[0xff, 0xfe]),
        Err(DocumentsError::Malformed(_))
    ));
}

#[test]
fn markdown_headings_nest_into_paths() {
    let source = "intro\n# A\ntext\n## B\nmore\n# C\nend\n";
    let out = extract(DocumentKind::Markdown, source.as_bytes()).unwrap();
    assert_eq!(out.text, source);
    assert_eq!(
        paths(&out),
        [
            (6, vec!["A".to_owned()]),
            (15, vec!["A".to_owned(), "B".to_owned()]),
            (25, vec!["C".to_owned()]),
        ]
    );
}

#[test]
fn docx_paragraphs_become_lines_and_heading_styles_sections() {
    let body = r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Intro</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Hello </w:t></w:r><w:r><w:t>&amp; welcome</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Details</w:t></w:r></w:p><w:p><w:r><w:t>Fine print</w:t></w:r></w:p>"#;
    let out = extract(DocumentKind::Docx, &docx(body)).unwrap();
    assert_eq!(out.text, "Intro\nHello & welcome\nDetails\nFine print\n");
    assert_eq!(
        paths(&out),
        [
            (0, vec!["Intro".to_owned()]),
            (22, vec!["Intro".to_owned(), "Details".to_owned()]),
        ]
    );
}

#[test]
fn a_broken_docx_is_malformed_with_a_reason() {
    let err = extract(DocumentKind::Docx, b"PK\x03\x04 not really").unwrap_err();
    assert!(
        matches!(err, DocumentsError::Malformed(ref r) if r.contains("zip")),
        "{err}"
    );
    let err = extract(DocumentKind::Docx, &docx("<w:p><w:t>open")).unwrap_err();
    assert!(matches!(err, DocumentsError::Malformed(_)), "{err}");
}

#[test]
fn html_gives_text_without_scripts_and_heading_paths() {
    let page = r#"<!doctype html><html><head><title>T</title><style>p { color: red }</style></head>
<body><h1>Top <em>one</em></h1><p>Hello <a href="https://example.com">link</a> world.</p>
<script>var secret = 1;</script><h2>Sub<br>line</h2><p>more</p>
<table><tr><td>c1</td><td>c2</td></tr></table><h2>Second</h2><p>end</p></body></html>"#;
    let out = extract(DocumentKind::Html, page.as_bytes()).unwrap();
    assert!(out.text.contains("Hello link world."), "{}", out.text);
    assert!(out.text.contains("c1\nc2"), "{}", out.text);
    for absent in ["secret", "color", "example.com", "\u{E000}"] {
        assert!(!out.text.contains(absent), "{absent} in {}", out.text);
    }
    let titles: Vec<Vec<String>> = out
        .sections
        .iter()
        .map(|s| s.heading_path.clone())
        .collect();
    assert_eq!(
        titles,
        [
            vec!["Top one".to_owned()],
            vec!["Top one".to_owned(), "Sub line".to_owned()],
            vec!["Top one".to_owned(), "Second".to_owned()],
        ]
    );
    for section in &out.sections {
        let title = section.heading_path.last().unwrap();
        let first_word = title.split(' ').next().unwrap();
        assert!(out.text[section.start..].starts_with(first_word));
    }
}

#[test]
fn broken_html_still_gives_its_text_and_cannot_forge_headings() {
    let page = "<div><p>unclosed <b>bold<h3>Head</div></i>\u{E000}1fake\n<<>> tail";
    let out = extract(DocumentKind::Html, page.as_bytes()).unwrap();
    for word in ["unclosed", "bold", "Head", "fake", "tail"] {
        assert!(out.text.contains(word), "{word} missing from {}", out.text);
    }
    assert_eq!(out.sections.len(), 1);
    assert_eq!(out.sections[0].heading_path, ["Head"]);
    let deep = "<div>".repeat(50_000) + "deep text";
    let out = extract(DocumentKind::Html, deep.as_bytes()).unwrap();
    assert_eq!(out.text.trim(), "deep text");
    let latin1 = b"<html><body><p>caf\xe9</p></body></html>";
    assert!(
        extract(DocumentKind::Html, latin1)
            .unwrap()
            .text
            .contains("caf")
    );
}

#[test]
fn a_pdf_that_is_not_one_is_malformed_not_a_panic() {
    for content in [
        &b"%PDF-1.4\n"[..],
        b"%PDF-1.4\n1 0 obj << /Type /Catalog",
        b"",
    ] {
        let err = extract(DocumentKind::Pdf, content).unwrap_err();
        assert!(
            matches!(err, DocumentsError::Malformed(ref r) if r.contains("PDF")),
            "{err}"
        );
    }
}
