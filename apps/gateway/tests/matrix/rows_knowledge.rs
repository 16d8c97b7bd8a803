//! Rows of the matrix: documents, collections, jobs, RAG systems, and signing out (last).

use crate::statuses::{NOTHING_THERE, READERS, WRITERS, hidden, hidden_write, signed_in};
use crate::{NO_ID, Row, World, row};
use reqwest::Method;
use serde_json::json;

/// The rows for documents, in walking order.
pub fn rows(w: &World) -> Vec<Row> {
    let dc = &w.document;
    let cl = &w.collection;
    let jb = &w.job;
    let rg = &w.rag;
    let ck = &w.chunk;
    vec![
        row(
            Method::GET,
            "/api/v1/documents",
            "/api/v1/documents".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/documents",
            "/api/v1/documents".into(),
            None,
            WRITERS,
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{dc}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}/text",
            format!("/api/v1/documents/{dc}/text"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/documents/{id}/chunks",
            format!("/api/v1/documents/{dc}/chunks"),
            None,
            hidden(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/documents/{id}",
            format!("/api/v1/documents/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::GET,
            "/api/v1/collections",
            "/api/v1/collections".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/collections",
            "/api/v1/collections".into(),
            Some(json!({"name": "{caller}", "embedding_model": "all-minilm"})),
            WRITERS,
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{cl}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{cl}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/collections/{id}",
            format!("/api/v1/collections/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}/documents",
            format!("/api/v1/collections/{cl}/documents"),
            None,
            hidden(200),
        ),
        row(
            Method::POST,
            "/api/v1/collections/{id}/documents/{document_id}",
            format!("/api/v1/collections/{cl}/documents/{dc}"),
            None,
            hidden_write(202),
        ),
        row(
            Method::DELETE,
            "/api/v1/collections/{id}/documents/{document_id}",
            format!("/api/v1/collections/{cl}/documents/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::POST,
            "/api/v1/collections/{id}/search",
            format!("/api/v1/collections/{cl}/search"),
            Some(json!({"query": "notes"})),
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/collections/{id}/chunks/{chunk_id}",
            format!("/api/v1/collections/{cl}/chunks/{ck}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/jobs/{id}",
            format!("/api/v1/jobs/{jb}"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/jobs/{id}/events",
            format!("/api/v1/jobs/{jb}/events"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/rag-systems",
            "/api/v1/rag-systems".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/rag-systems",
            "/api/v1/rag-systems".into(),
            Some(json!({"name": "{caller}", "collection_ids": [cl], "chat_model": "llama3.2"})),
            [401, 403, 422, 422, 201, 422, 201],
        ),
        row(
            Method::GET,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{rg}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{rg}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/rag-systems/{id}",
            format!("/api/v1/rag-systems/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::POST,
            "/api/v1/rag-systems/{id}/query",
            format!("/api/v1/rag-systems/{rg}/query"),
            Some(json!({"question": "notes?", "stream": false})),
            [401, 403, 404, 404, 200, 404, 200],
        ),
        row(
            Method::POST,
            "/api/v1/auth/logout",
            "/api/v1/auth/logout".into(),
            None,
            signed_in(204),
        ),
    ]
}
