//! Documents: limits and bad input refused with the right status, failed extraction kept with
//! its reason, the visibility rule, delete.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::documents::{NO_ID, docx};
use crate::{field_of, other_org_admin, send, upload};

on_both_backends!(
    bad_uploads_are_refused_with_the_right_status,
    a_broken_file_is_kept_as_failed_with_its_reason,
    documents_follow_the_visibility_rule,
    deleting_a_document_removes_its_chunks_and_is_audited,
);

async fn bad_uploads_are_refused_with_the_right_status(backend: Backend) {
    let app = TestApp::builder(backend)
        .env("UPLOAD_MAX_MB", "1")
        .spawn()
        .await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let (status, problem) = upload(&app, &teacher, "notes.txt", png, &[]).await;
    assert_eq!(status, 415, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("image/png"),
        "{problem}"
    );

    let big = vec![b'a'; 1024 * 1024 + 10];
    let (status, problem) = upload(&app, &teacher, "big.txt", &big, &[]).await;
    assert_eq!(status, 413, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("1 MB"),
        "{problem}"
    );

    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/documents",
        Some(json!({"file": "x"})),
    )
    .await;
    assert_eq!(status, 415, "{problem}");
    let res = app
        .client
        .post(app.url("/api/v1/documents"))
        .bearer_auth(&teacher)
        .multipart(reqwest::multipart::Form::new().text("title", "no file"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(field_of(&res.json::<Value>().await.unwrap()), "file");

    for (fields, field) in [
        (vec![("visibility", "everyone")], "visibility"),
        (vec![("project_id", "nope")], "project_id"),
        (vec![("visibility", "project")], "project_id"),
        (vec![("colour", "red")], "colour"),
        (vec![("title", "   ")], "title"),
    ] {
        let (status, problem) = upload(&app, &teacher, "x.txt", b"text", &fields).await;
        assert_eq!(status, 422, "{fields:?}: {problem}");
        assert_eq!(field_of(&problem), field, "{problem}");
    }
    let long_title = "t".repeat(201);
    let (status, problem) =
        upload(&app, &teacher, "x.txt", b"text", &[("title", &long_title)]).await;
    assert_eq!((status, field_of(&problem)), (422, "title"));
    let many: String = (0..21).map(|i| format!("t{i},")).collect();
    let (status, problem) = upload(&app, &teacher, "x.txt", b"text", &[("tags", &many)]).await;
    assert_eq!((status, field_of(&problem)), (422, "tags"));

    // A plain user may not publish; nothing of the refused uploads was stored.
    let (status, _) = upload(&app, &bob, "x.txt", b"text", &[("visibility", "org")]).await;
    assert_eq!(status, 403);
    let (_, list) = send(&app, &teacher, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 0, "{list}");
}

async fn a_broken_file_is_kept_as_failed_with_its_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let broken = docx("<w:p><w:t>never closed");
    let (status, doc) = upload(&app, &teacher, "broken.docx", &broken, &[]).await;
    assert_eq!(status, 201, "{doc}");
    assert_eq!(doc["state"], "failed");
    assert_eq!(doc["kind"], "docx");
    assert!(!doc["error"].as_str().unwrap().is_empty(), "{doc}");
    let id = doc["id"].as_str().unwrap();
    let (_, chunks) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{id}/chunks"),
        None,
    )
    .await;
    assert_eq!(chunks["total"], 0);
    let (_, failed) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents?state=failed",
        None,
    )
    .await;
    assert_eq!(failed["items"][0]["id"], id);
    // A corrupt PDF (a header, then garbage) fails its document with a reason, not the server.
    let (status, pdf) = upload(
        &app,
        &teacher,
        "broken.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog broken",
        &[],
    )
    .await;
    assert_eq!(status, 201, "{pdf}");
    assert_eq!(
        (pdf["kind"].as_str(), pdf["state"].as_str()),
        (Some("pdf"), Some("failed")),
        "{pdf}"
    );
    assert!(!pdf["error"].as_str().unwrap().is_empty(), "{pdf}");
    let (status, _) = send(&app, &teacher, Method::GET, "/healthz", None).await;
    assert_eq!(status, 200, "the server is unharmed");
}

async fn documents_follow_the_visibility_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    let (_, private) = upload(&app, &teacher, "mine.txt", b"private notes", &[]).await;
    let (_, shared) = upload(
        &app,
        &teacher,
        "all.txt",
        b"shared notes",
        &[("visibility", "org")],
    )
    .await;
    let (private, shared) = (
        private["id"].as_str().unwrap(),
        shared["id"].as_str().unwrap(),
    );

    for path in ["", "/text", "/chunks"] {
        let (status, _) = send(
            &app,
            &bob,
            Method::GET,
            &format!("/api/v1/documents/{private}{path}"),
            None,
        )
        .await;
        assert_eq!(status, 404, "{path}");
        let (status, _) = send(
            &app,
            &bob,
            Method::GET,
            &format!("/api/v1/documents/{shared}{path}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{path}");
        let (status, _) = send(
            &app,
            &foreign,
            Method::GET,
            &format!("/api/v1/documents/{shared}{path}"),
            None,
        )
        .await;
        assert_eq!(status, 404, "another organisation: {path}");
    }
    let (_, list) = send(&app, &bob, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 1);
    let (_, list) = send(&app, &foreign, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 0);
    let (status, _) = send(
        &app,
        &bob,
        Method::DELETE,
        &format!("/api/v1/documents/{shared}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        &bob,
        Method::DELETE,
        &format!("/api/v1/documents/{private}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &foreign,
        Method::DELETE,
        &format!("/api/v1/documents/{shared}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{NO_ID}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        "/api/v1/documents/not-an-id",
        None,
    )
    .await;
    assert_eq!(status, 404);
}

async fn deleting_a_document_removes_its_chunks_and_is_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let long = "Llamas hum to each other. ".repeat(200);
    let (_, doc) = upload(&app, &teacher, "long.txt", long.as_bytes(), &[]).await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let (_, chunks) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{id}/chunks?limit=2"),
        None,
    )
    .await;
    assert_eq!(
        chunks["total"], 6,
        "5200 characters in chunks of 1000 sharing 100"
    );
    assert_eq!(chunks["items"][1]["position"]["start"], 900);

    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/documents/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/documents/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let left: i64 = app
        .database()
        .run(move |conn| {
            use diesel::prelude::*;
            use owp_db::schema::document_chunks;
            document_chunks::table
                .filter(document_chunks::document_id.eq(&id))
                .count()
                .get_result(conn)
                .map_err(owp_db::StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(left, 0);

    let admin = app.admin_token().await;
    for (event, count) in [("document_uploaded", 1), ("document_deleted", 1)] {
        let (_, page) = send(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/audit?event_type={event}"),
            None,
        )
        .await;
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            count,
            "{event}: {page}"
        );
        assert_eq!(page["items"][0]["detail"]["title"], "long.txt");
    }
    let (_, page) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=document_deleted",
        None,
    )
    .await;
    assert_eq!(page["items"][0]["detail"]["chunks"], 6);
}
