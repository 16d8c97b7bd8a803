//! Collections refuse bad input with the field at fault and follow the visibility rule.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::collections::{collection, search, secret_job, settle, titles};
use crate::{field_of, other_org_admin, send, upload};

on_both_backends!(collections_refuse_bad_input_and_follow_the_visibility_rule);

async fn collections_refuse_bad_input_and_follow_the_visibility_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, teacher) = app.user_token("teacher@example.org", &["instructor"]).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    for (body, field) in [
        (json!({"name": "", "embedding_model": "all-minilm"}), "name"),
        (
            json!({"name": "x", "embedding_model": ""}),
            "embedding_model",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "chunking": {"size": 10}}),
            "chunking.size",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "chunking": {"size": 500, "overlap": 300}}),
            "chunking.overlap",
        ),
        (
            json!({"name": "x", "embedding_model": "all-minilm", "visibility": "project"}),
            "project_id",
        ),
    ] {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/collections",
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(field_of(&problem), field, "{problem}");
    }
    let (status, _) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "x", "embedding_model": "all-minilm", "distance": "manhattan"})),
    )
    .await;
    assert!(status == 400 || status == 422, "{status}");
    if backend == Backend::Sqlite {
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/collections",
            Some(json!({"name": "x", "embedding_model": "all-minilm", "backend": "pgvector"})),
        )
        .await;
        assert_eq!((status, field_of(&problem)), (422, "backend"), "{problem}");
    }
    let shared = collection(
        &app,
        &teacher,
        json!({"name": "Shared", "embedding_model": "all-minilm", "visibility": "org"}),
    )
    .await;
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "Shared", "embedding_model": "all-minilm"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");

    // Bob reads and searches the shared collection but may not change it.
    let (status, _) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/collections/{shared}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &app,
        &bob,
        Method::PATCH,
        &format!("/api/v1/collections/{shared}"),
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(status, 403);
    let (_, bobs_doc) = upload(
        &app,
        &bob,
        "bob.txt",
        b"bob's private diary about llamas",
        &[],
    )
    .await;
    let bobs_doc = bobs_doc["id"].as_str().unwrap();
    let (status, _) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/collections/{shared}/documents/{bobs_doc}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // The teacher cannot add a document she cannot see.
    let (status, problem) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("/api/v1/collections/{shared}/documents/{bobs_doc}"),
        None,
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "document_id"),
        "{problem}"
    );
    // A private document in a shared collection answers only its owner.
    let (_, secret) = upload(
        &app,
        &teacher,
        "secret.txt",
        b"the secret recipe for llama treats",
        &[("collection_id", &shared)],
    )
    .await;
    assert_eq!(secret["visibility"], "private");
    settle(&app, &teacher, &shared).await;
    let found = search(
        &app,
        &teacher,
        &shared,
        json!({"query": "llama treats recipe"}),
    )
    .await;
    assert_eq!(titles(&found), vec!["secret.txt"]);
    let found = search(&app, &bob, &shared, json!({"query": "llama treats recipe"})).await;
    assert!(found["results"].as_array().unwrap().is_empty(), "{found}");
    for body in [
        json!({"query": ""}),
        json!({"query": "x", "top_k": 0}),
        json!({"query": "x", "top_k": 101}),
        json!({"query": "x", "mode": "fuzzy"}),
    ] {
        let (status, _) = send(
            &app,
            &teacher,
            Method::POST,
            &format!("/api/v1/collections/{shared}/search"),
            Some(body.clone()),
        )
        .await;
        assert!(status == 400 || status == 422, "{body}: {status}");
    }
    // Bad settings are refused even when nothing would be searched (Bob reads no member).
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/collections/{shared}/search"),
        Some(json!({"query": "x", "top_k": 0})),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "top_k"), "{problem}");
    // Another organisation sees nothing of it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/collections/{shared}")),
        (
            Method::GET,
            format!("/api/v1/collections/{shared}/documents"),
        ),
        (Method::DELETE, format!("/api/v1/collections/{shared}")),
    ] {
        let (status, _) = send(&app, &foreign, method, &path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = send(
        &app,
        &foreign,
        Method::POST,
        &format!("/api/v1/collections/{shared}/search"),
        Some(json!({"query": "llamas"})),
    )
    .await;
    assert_eq!(status, 404);
    let job = secret_job(&app, &teacher, &shared).await;
    let (status, _) = send(
        &app,
        &foreign,
        Method::GET,
        &format!("/api/v1/jobs/{job}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        &foreign,
        Method::GET,
        &format!("/api/v1/jobs/{job}/events"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, got) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/jobs/{job}"),
        None,
    )
    .await;
    assert_eq!(
        (status, got["state"].as_str()),
        (200, Some("done")),
        "{got}"
    );
    // Uploading into a collection one may not write stores nothing.
    let (status, _) = upload(
        &app,
        &bob,
        "x.txt",
        b"sneaky",
        &[("collection_id", &shared)],
    )
    .await;
    assert_eq!(status, 403);
    let (status, problem) =
        upload(&app, &bob, "x.txt", b"sneaky", &[("collection_id", "nope")]).await;
    assert_eq!((status, field_of(&problem)), (422, "collection_id"));
    let (_, list) = send(&app, &bob, Method::GET, "/api/v1/documents", None).await;
    assert_eq!(list["total"], 1, "{list}");
}
