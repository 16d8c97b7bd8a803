//! Opening one chunk of a collection (what a citation links to): the chunk as search found
//! it, under search's visibility rule — a private document in a shared collection is its
//! owner's, a document outside the collection, another organisation, an unknown or malformed
//! id are all 404.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::library;
use crate::{other_org_admin, send, upload};

on_both_backends!(a_collection_chunk_opens_under_the_search_rule,);

/// The first chunk id of document `id`, read as `token`.
async fn first_chunk(app: &TestApp, token: &str, id: &str) -> String {
    let (status, chunks) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/documents/{id}/chunks"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{chunks}");
    chunks["items"][0]["id"]
        .as_str()
        .expect("a chunk")
        .to_owned()
}

/// `GET /collections/{collection}/chunks/{chunk}` as `token`.
async fn open(app: &TestApp, token: &str, collection: &str, chunk: &str) -> (u16, Value) {
    send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/collections/{collection}/chunks/{chunk}"),
        None,
    )
    .await
}

async fn a_collection_chunk_opens_under_the_search_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;

    // The chunk search found, as search showed it.
    let (status, found) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/collections/{library}/search"),
        Some(json!({"query": "What do llamas eat?", "top_k": 1})),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let hit = &found["results"][0];
    let chunk = hit["chunk_id"].as_str().expect("a chunk id");
    let (status, opened) = open(&app, &bob, &library, chunk).await;
    assert_eq!(status, 200, "{opened}");
    for field in [
        "chunk_id",
        "document_id",
        "document_title",
        "text",
        "position",
    ] {
        assert_eq!(opened[field], hit[field], "{field}: {opened} vs {hit}");
    }
    assert_eq!(opened["collection_id"], library.as_str());
    assert!(opened["position"]["end"].as_u64() > opened["position"]["start"].as_u64());

    // A private document in the shared collection is its owner's alone.
    let (status, private) = upload(
        &app,
        &teacher,
        "diary.txt",
        b"My private notes about the llamas.",
        &[("collection_id", &library)],
    )
    .await;
    assert_eq!(status, 201, "{private}");
    let diary = first_chunk(&app, &teacher, private["id"].as_str().expect("id")).await;
    assert_eq!(open(&app, &teacher, &library, &diary).await.0, 200);
    assert_eq!(open(&app, &bob, &library, &diary).await.0, 404);

    // A chunk of a document outside the collection is not the collection's.
    let (status, loose) = upload(
        &app,
        &teacher,
        "loose.txt",
        b"Shared notes outside every collection.",
        &[("visibility", "org")],
    )
    .await;
    assert_eq!(status, 201, "{loose}");
    let loose = first_chunk(&app, &bob, loose["id"].as_str().expect("id")).await;
    let (status, problem) = open(&app, &bob, &library, &loose).await;
    assert_eq!(status, 404, "{problem}");
    assert_eq!(problem["status"], 404, "a problem document: {problem}");

    // Unknown and malformed ids, another organisation: 404 alike.
    let unknown = "0190a000-0000-7000-8000-000000000000";
    assert_eq!(open(&app, &bob, &library, unknown).await.0, 404);
    assert_eq!(open(&app, &bob, &library, "not-an-id").await.0, 404);
    assert_eq!(open(&app, &bob, unknown, chunk).await.0, 404);
    let stranger = other_org_admin(&app).await;
    assert_eq!(open(&app, &stranger, &library, chunk).await.0, 404);

    // Once its document leaves the collection, the chunk is no longer the collection's.
    let document = hit["document_id"].as_str().expect("a document id");
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/collections/{library}/documents/{document}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(open(&app, &bob, &library, chunk).await.0, 404);
}
