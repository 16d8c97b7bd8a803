//! Documents: upload with the type sniffed from the content, text and chunks with section
//! positions, duplicates answered with the existing document. Bad input, failed extraction,
//! the visibility rule and delete are in document_rules.rs.

use std::io::{Cursor, Write};

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{send, upload};

on_both_backends!(
    a_markdown_upload_becomes_text_sections_and_chunks,
    the_same_content_is_one_document_for_those_who_see_it,
);

/// An id no document has.
pub(crate) const NO_ID: &str = "0190a000-0000-7000-8000-000000000000";

const GUIDE: &str = "# Llamas\n\nLlamas are domesticated camelids from South America.\n\n\
## Food\n\nThey eat grass and hay.\n\n## Care\n\nShear them once a year.\n";

/// A minimal DOCX file with `body` (WordprocessingML) as its document body.
pub(crate) fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
    writer.write_all(xml.as_bytes()).unwrap();
    writer.finish().unwrap().into_inner()
}

async fn a_markdown_upload_becomes_text_sections_and_chunks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (status, doc) = upload(
        &app,
        &teacher,
        "guide.md",
        GUIDE.as_bytes(),
        &[
            ("tags", "Animals, farm"),
            ("tags", "farm"),
            ("visibility", "org"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{doc}");
    assert_eq!(doc["kind"], "markdown");
    assert_eq!(doc["state"], "ready");
    assert_eq!(doc["title"], "guide.md");
    assert_eq!(doc["file_name"], "guide.md");
    assert_eq!(doc["visibility"], "org");
    assert_eq!(doc["tags"], json!(["animals", "farm"]));
    assert_eq!(doc["size_bytes"], GUIDE.len());
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
    assert!(doc["error"].is_null());
    let id = doc["id"].as_str().unwrap();

    let (status, text) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{id}/text"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let body = text["text"].as_str().unwrap();
    assert!(body.contains("They eat grass and hay."), "{body}");
    let paths: Vec<Value> = text["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["heading_path"].clone())
        .collect();
    assert!(paths.contains(&json!(["Llamas", "Food"])), "{paths:?}");
    assert_eq!(doc["characters"], body.chars().count());

    let (status, chunks) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{id}/chunks"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{chunks}");
    assert_eq!(chunks["total"], 1);
    let chunk = &chunks["items"][0];
    assert_eq!(chunk["ordinal"], 0);
    assert_eq!(chunk["document_id"], id);
    assert_eq!(chunk["position"]["start"], 0);
    assert_eq!(chunk["position"]["end"], body.len());
    assert_eq!(chunk["text"], body);

    // A DOCX with heading styles: its sections carry the heading path.
    let word = docx(
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Alpacas</w:t></w:r></w:p><w:p><w:r><w:t>Smaller than llamas.</w:t></w:r></w:p>"#,
    );
    let (status, made) = upload(
        &app,
        &teacher,
        "alpacas.bin",
        &word,
        &[("title", "Alpaca notes")],
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        made["kind"], "docx",
        "sniffed from the content, not the name"
    );
    assert_eq!(made["title"], "Alpaca notes");
    let (_, chunks) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{}/chunks", made["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(
        chunks["items"][0]["position"]["heading_path"],
        json!(["Alpacas"])
    );

    // The list: newest first, filters by text, tag and state.
    let (status, list) = send(&app, &teacher, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["title"], "Alpaca notes");
    let (_, found) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents?q=GUIDE",
        None,
    )
    .await;
    assert_eq!(found["total"], 1);
    let (_, tagged) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents?tag=Farm",
        None,
    )
    .await;
    assert_eq!(tagged["items"][0]["id"], id);
    assert_eq!(tagged["total"], 1);
    let (_, failed) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents?state=failed",
        None,
    )
    .await;
    assert_eq!(failed["total"], 0);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents?state=broken",
        None,
    )
    .await;
    assert_eq!(status, 400);
}

async fn the_same_content_is_one_document_for_those_who_see_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (_, first) = upload(&app, &teacher, "a.txt", b"shared words", &[]).await;
    let res = app
        .upload_as(
            &teacher,
            "/api/v1/documents",
            "b.txt",
            b"shared words".to_vec(),
            &[],
        )
        .await;
    assert_eq!(res.status(), 200, "a duplicate is not a new document");
    assert_eq!(
        res.headers()["location"],
        format!("/api/v1/documents/{}", first["id"].as_str().unwrap()).as_str()
    );
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["title"], "a.txt");

    // Bob cannot see the teacher's private copy: his upload is his own, and says nothing of it.
    let (status, his) = upload(&app, &bob, "b.txt", b"shared words", &[]).await;
    assert_eq!(status, 201, "{his}");
    assert_ne!(his["id"], first["id"]);
    let (_, list) = send(&app, &teacher, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 1);
}
