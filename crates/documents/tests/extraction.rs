//! PDF and DOCX extraction through the public API, on documents the test builds (and on the
//! committed fixtures): page numbers, heading paths, and broken or hostile files failing as
//! `Malformed` under the guard — never a panic.

mod support;

use std::time::Duration;

use owp_documents::{
    ChunkSpec, DocumentKind, DocumentsError, chunk_text, extract, extract_guarded, sniff,
};

const LIMIT: Duration = Duration::from_secs(20);

fn pages(out: &owp_documents::Extracted) -> Vec<(usize, Option<u32>)> {
    out.sections.iter().map(|s| (s.start, s.page)).collect()
}

#[test]
fn a_pdf_is_sniffed_and_its_pages_are_numbered() {
    let pdf = support::two_page_pdf();
    assert_eq!(sniff(&pdf, "upload.bin"), Ok(DocumentKind::Pdf));
    assert_eq!(DocumentKind::Pdf.media_type(), "application/pdf");
    let out = extract_guarded(DocumentKind::Pdf, pdf, LIMIT).unwrap();
    assert_eq!(
        out.text,
        "Hello from page one.\nThe workshop keeps documents.\n\
         Page two says goodbye.\nCitations name this page."
    );
    let second = out.text.find("Page two").unwrap();
    assert_eq!(pages(&out), [(0, Some(1)), (second, Some(2))]);
    let spec = ChunkSpec {
        size: 60,
        overlap: 0,
        ..ChunkSpec::DEFAULT
    };
    let cited: Vec<Option<u32>> = chunk_text(&out.text, &out.sections, spec)
        .iter()
        .map(|c| c.position.page)
        .collect();
    assert_eq!(cited, [Some(1), Some(2)]);
}

#[test]
fn pdf_strings_with_escapes_and_many_pages_come_out_in_order() {
    let pdf = support::pdf(&[
        vec!["(parens) and back\\slash".to_owned()],
        vec![],
        vec!["third".to_owned()],
    ]);
    let out = extract(DocumentKind::Pdf, &pdf).unwrap();
    assert!(
        out.text.starts_with("(parens) and back\\slash\n"),
        "{}",
        out.text
    );
    assert!(out.text.ends_with("third"));
    let numbers: Vec<Option<u32>> = out.sections.iter().map(|s| s.page).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(3)]);
}

#[test]
fn a_truncated_pdf_is_malformed_never_a_panic() {
    let pdf = support::two_page_pdf();
    for cut in [9, pdf.len() / 3, pdf.len() / 2, pdf.len() - 30] {
        let result = extract_guarded(DocumentKind::Pdf, pdf[..cut].to_vec(), LIMIT);
        match result {
            Err(DocumentsError::Malformed(reason)) => assert!(!reason.is_empty()),
            // lopdf may recover a prefix it can still read: then the text is what it found.
            Ok(out) => assert!(out.text.len() < 200),
            Err(other) => panic!("cut at {cut}: {other}"),
        }
    }
}

#[test]
fn random_bytes_after_a_pdf_header_are_malformed() {
    // A fixed xorshift: the same "random" bytes on every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..8 {
        let mut content = b"%PDF-1.4\n".to_vec();
        content.extend((0..4096).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        }));
        let err = extract_guarded(DocumentKind::Pdf, content, LIMIT).unwrap_err();
        assert!(matches!(err, DocumentsError::Malformed(_)), "{err}");
    }
}

#[test]
fn a_pdf_whose_page_breaks_the_parser_is_malformed_with_the_reason() {
    // A MediaBox that is not an array makes pdf-extract panic (`expect("MediaBox")`): caught
    // and named. The replacement keeps the length, so the xref offsets stay right.
    let mut pdf = support::two_page_pdf();
    let (from, to) = (b"/MediaBox [0 0 612 792]", b"/MediaBox /Nothing      ");
    let at = pdf.windows(from.len()).position(|w| w == from).unwrap();
    pdf[at..at + to.len()].copy_from_slice(to);
    let result = extract_guarded(DocumentKind::Pdf, pdf, LIMIT);
    let Err(DocumentsError::Malformed(reason)) = result else {
        panic!("{result:?}");
    };
    assert!(
        reason.starts_with("the PDF could not be parsed: "),
        "{reason}"
    );
}

#[test]
fn extraction_past_the_limit_is_malformed_and_the_caller_goes_on() {
    // 5,000 pages take far longer than a microsecond to read.
    let many: Vec<Vec<String>> = (0..5000).map(|i| vec![format!("page {i}")]).collect();
    let err = extract_guarded(
        DocumentKind::Pdf,
        support::pdf(&many),
        Duration::from_micros(1),
    )
    .unwrap_err();
    assert_eq!(
        err,
        DocumentsError::Malformed("extraction took longer than 0.000001 s".into())
    );
    let err = extract_guarded(DocumentKind::Text, b"x".to_vec(), Duration::ZERO);
    assert!(err.is_ok() || matches!(err, Err(DocumentsError::Malformed(_))));
}

#[test]
fn a_docx_built_here_reads_back_with_heading_paths() {
    let out = extract_guarded(DocumentKind::Docx, support::handbook_docx(), LIMIT).unwrap();
    assert_eq!(
        out.text,
        "Handbook\nWelcome to the workshop.\nUploads\nDocuments are split into chunks.\n"
    );
    let paths: Vec<Vec<String>> = out
        .sections
        .iter()
        .map(|s| s.heading_path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            vec!["Handbook".to_owned()],
            vec!["Handbook".to_owned(), "Uploads".to_owned()]
        ]
    );
}

#[test]
fn the_committed_fixtures_are_what_the_builders_make() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let pdf = std::fs::read(format!("{dir}/two-pages.pdf")).unwrap();
    let docx = std::fs::read(format!("{dir}/handbook.docx")).unwrap();
    assert_eq!(sniff(&pdf, "two-pages.pdf"), Ok(DocumentKind::Pdf));
    assert_eq!(sniff(&docx, "handbook.docx"), Ok(DocumentKind::Docx));
    assert_eq!(
        extract(DocumentKind::Pdf, &pdf).unwrap(),
        extract(DocumentKind::Pdf, &support::two_page_pdf()).unwrap()
    );
    assert_eq!(
        extract(DocumentKind::Docx, &docx).unwrap(),
        extract(DocumentKind::Docx, &support::handbook_docx()).unwrap()
    );
}

/// Writes the fixtures anew: `cargo test -p owp-documents --test extraction -- --ignored`.
#[test]
#[ignore = "rewrites tests/fixtures; run by hand after changing the builders"]
fn write_fixtures() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(format!("{dir}/two-pages.pdf"), support::two_page_pdf()).unwrap();
    std::fs::write(format!("{dir}/handbook.docx"), support::handbook_docx()).unwrap();
}
