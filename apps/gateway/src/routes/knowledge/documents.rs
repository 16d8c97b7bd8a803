//! Documents: upload (multipart, type sniffed from the content, text extracted on the blocking
//! pool), list, read, extracted text, chunks, delete.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use owp_db::ids::{CollectionId, DocumentId, ProjectId};
use owp_documents::store::{
    self, Document, DocumentFilter, DocumentState, DocumentText, StoredChunk,
};
use owp_vectors::collections::upload_into_collection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::upload_form;
use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::page;
use crate::state::AppState;

/// A page of documents.
#[derive(Serialize, ToSchema)]
pub struct DocumentList {
    /// Newest first.
    items: Vec<Document>,
    /// How many in all.
    total: i64,
}

/// A page of a document's chunks.
#[derive(Serialize, ToSchema)]
pub struct ChunkList {
    /// In text order.
    items: Vec<StoredChunk>,
    /// How many in all.
    total: i64,
}

/// Filters and paging of the document list.
#[derive(Deserialize, IntoParams)]
pub struct DocumentQuery {
    /// Text in the title or file name.
    q: Option<String>,
    /// Only documents with this tag.
    tag: Option<String>,
    /// Only `ready` or only `failed` documents.
    #[param(value_type = Option<DocumentState>)]
    state: Option<DocumentState>,
    /// Only this project's documents.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Paging of a document's chunks.
#[derive(Deserialize, IntoParams)]
pub struct ChunkQuery {
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// The form of an upload (`multipart/form-data`).
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "documents the multipart form in OpenAPI; read by upload_form"
)]
pub struct DocumentUpload {
    /// The file: plain text, markdown, HTML, PDF or DOCX (the type is read from the content).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Display title (default: the file name).
    title: Option<String>,
    /// Comma-separated tags (the part may repeat).
    tags: Option<String>,
    /// `private` (default), `project` or `org`.
    visibility: Option<String>,
    /// The project, for `project` visibility.
    project_id: Option<String>,
    /// A collection you may write: the document is added to it (its indexing queued) in the
    /// same step.
    collection_id: Option<String>,
}

/// The documents you can see, newest first.
#[utoipa::path(tag = "knowledge", params(DocumentQuery), responses((status = 200, body = DocumentList)), security(("bearer" = [])))]
#[get("/documents")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<DocumentQuery>,
) -> Result<web::Json<DocumentList>, ApiError> {
    let query = query.into_inner();
    let window = page(query.limit, query.offset)?;
    let filter = DocumentFilter {
        q: query.q,
        tag: query.tag,
        state: query.state,
        project_id: query.project_id,
    };
    let found = state
        .db
        .run(move |conn| store::list_documents(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(DocumentList {
        items: found.items,
        total: found.total,
    }))
}

/// Upload a document. The type comes from the content (415 names what was found); a file over
/// `UPLOAD_MAX_MB` is refused with 413 while it streams. Text is extracted at once: a broken
/// file becomes a `failed` document whose `error` says why. Content you can already see is
/// answered with that document (200) instead of a copy (201). With `collection_id` the
/// document is also added to that collection and its indexing queued.
#[utoipa::path(
    tag = "knowledge",
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Document, headers(("Location" = String, description = "the new document"))), (status = 200, body = Document, description = "the same content was already uploaded"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/documents")]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let form = upload_form::read(&req, payload, state.upload_max_bytes).await?;
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let path = form.file.to_path_buf();
    let outcome = match form.collection_id.as_deref().map(str::trim) {
        Some(raw) => {
            let collection = raw
                .parse::<CollectionId>()
                .map_err(|_| ApiError::invalid_field("collection_id", "must be a collection id"))?;
            let (outcome, _) =
                upload_into_collection(&state.db, &auth.0, &ctx, form.meta, path, collection, at)
                    .await?;
            state.jobs.wake();
            outcome
        }
        None => store::upload_document(&state.db, &auth.0, &ctx, form.meta, path, at).await?,
    };
    drop(form.file);
    let location = format!("/api/v1/documents/{}", outcome.document.id);
    Ok(if outcome.created {
        HttpResponse::Created()
            .insert_header((header::LOCATION, location))
            .json(outcome.document)
    } else {
        HttpResponse::Ok()
            .insert_header((header::LOCATION, location))
            .json(outcome.document)
    })
}

/// One document you can see.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "document id")),
    responses((status = 200, body = Document), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/documents/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<DocumentId>,
) -> Result<web::Json<Document>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| store::get_document(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// The extracted text of a document you can see, with where its sections (headings, pages)
/// start.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "document id")),
    responses((status = 200, body = DocumentText), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/documents/{id}/text")]
pub async fn text(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<DocumentId>,
) -> Result<web::Json<DocumentText>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| store::document_text(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// The chunks of a document you can see (1000 characters, 100 shared), with their positions.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "document id"), ChunkQuery),
    responses((status = 200, body = ChunkList), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/documents/{id}/chunks")]
pub async fn chunks(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<DocumentId>,
    query: web::Query<ChunkQuery>,
) -> Result<web::Json<ChunkList>, ApiError> {
    let id = id.into_inner();
    let window = page(query.limit, query.offset)?;
    let found = state
        .db
        .run(move |conn| store::document_chunks(conn, &auth.0, id, window))
        .await?;
    Ok(web::Json(ChunkList {
        items: found.items,
        total: found.total,
    }))
}

/// Delete a document you may write, with its chunks and its vectors in every collection.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "document id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/documents/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<DocumentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| store::delete_document(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
