//! Collections: documents indexed for retrieval (create, list, read, change — a new model or
//! chunking re-indexes in the background —, delete), their documents, and search.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::{ChunkId, CollectionId, DocumentId, JobId, ProjectId};
use owp_vectors::collections::{
    self, Collection, CollectionChange, CollectionChunk, CollectionFilter, CollectionMember,
    NewCollection,
};
use owp_vectors::retrieve::{SearchAnswer, SearchRequest, search_collection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::page;
use crate::state::AppState;

/// A page of collections.
#[derive(Serialize, ToSchema)]
pub struct CollectionList {
    /// By name.
    items: Vec<Collection>,
    /// How many in all.
    total: i64,
}

/// A page of a collection's documents.
#[derive(Serialize, ToSchema)]
pub struct MemberList {
    /// In the order they were added.
    items: Vec<CollectionMember>,
    /// How many in all.
    total: i64,
}

/// A document added to a collection, and the jobs indexing it.
#[derive(Serialize, ToSchema)]
pub struct Added {
    /// The collection after the addition.
    collection: Collection,
    /// One job per generation (the active one first, then a rebuild under way); follow one at
    /// `/api/v1/jobs/{id}/events`.
    #[schema(value_type = Vec<String>)]
    job_ids: Vec<JobId>,
}

/// Filters and paging of the collection list.
#[derive(Deserialize, IntoParams)]
pub struct CollectionQuery {
    /// Only this project's collections.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Paging.
#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// The collections you can see, with their indexing state.
#[utoipa::path(tag = "knowledge", params(CollectionQuery), responses((status = 200, body = CollectionList)), security(("bearer" = [])))]
#[get("/collections")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<CollectionQuery>,
) -> Result<web::Json<CollectionList>, ApiError> {
    let window = page(query.limit, query.offset)?;
    let filter = CollectionFilter {
        project_id: query.project_id,
    };
    let found = state
        .db
        .run(move |conn| collections::list_collections(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(CollectionList {
        items: found.items,
        total: found.total,
    }))
}

/// Create a collection (you must be granted its embedding model; `pgvector` needs PostgreSQL
/// with the `vector` extension).
#[utoipa::path(
    tag = "knowledge",
    request_body = NewCollection,
    responses((status = 201, body = Collection, headers(("Location" = String, description = "the new collection"))), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the name is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/collections")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewCollection>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| collections::create_collection(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/collections/{}", created.id),
        ))
        .json(created))
}

/// One collection you can see: settings, state (`indexing` while documents are still being
/// indexed), counts and a rebuild under way.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id")),
    responses((status = 200, body = Collection), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/collections/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<CollectionId>,
) -> Result<web::Json<Collection>, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| collections::get_collection(conn, &auth.0, id))
        .await?;
    Ok(web::Json(found))
}

/// Change a collection you may write; absent fields stay. A new `embedding_model` or
/// `chunking` re-indexes every document into a new generation in the background; searches use
/// the current one until it is complete.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id")),
    request_body = CollectionChange,
    responses((status = 200, body = Collection), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/collections/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<CollectionId>,
    body: web::Json<CollectionChange>,
) -> Result<web::Json<Collection>, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let change = body.into_inner();
    let updated = state
        .db
        .run(move |conn| collections::update_collection(conn, &auth.0, &ctx, id, change, at))
        .await?;
    state.jobs.wake();
    Ok(web::Json(updated))
}

/// Delete a collection you may write with its index; its documents stay.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/collections/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<CollectionId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| collections::delete_collection(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The documents of a collection you can see, with their indexing progress.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id"), PageQuery),
    responses((status = 200, body = MemberList), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/collections/{id}/documents")]
pub async fn documents(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<CollectionId>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<MemberList>, ApiError> {
    let id = id.into_inner();
    let window = page(query.limit, query.offset)?;
    let found = state
        .db
        .run(move |conn| collections::list_members(conn, &auth.0, id, window))
        .await?;
    Ok(web::Json(MemberList {
        items: found.items,
        total: found.total,
    }))
}

/// Add a document you can see to a collection you may write; its indexing is queued (202 with
/// the jobs). Adding a member again answers its jobs.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id"), ("document_id" = String, Path, description = "document id")),
    responses((status = 202, body = Added), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json", description = "no such document, or it failed extraction")),
    security(("bearer" = []))
)]
#[post("/collections/{id}/documents/{document_id}")]
pub async fn add_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(CollectionId, DocumentId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = path.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let (collection, job_ids) = state
        .db
        .run(move |conn| collections::add_document(conn, &auth.0, &ctx, id, document, at))
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Accepted().json(Added {
        collection,
        job_ids,
    }))
}

/// Remove a document from a collection you may write (its vectors go; the document stays).
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id"), ("document_id" = String, Path, description = "document id")),
    responses((status = 204, description = "removed"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/collections/{id}/documents/{document_id}")]
pub async fn remove_document(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(CollectionId, DocumentId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = path.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let indexes = state.indexes.clone();
    state
        .db
        .run(move |conn| {
            collections::remove_document(conn, &indexes, &auth.0, &ctx, id, document, at)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Search a collection you can see: `vector`, `lexical` or `hybrid` (reciprocal rank fusion),
/// over the documents indexed so far that you may read. Results carry the chunk, its
/// document's title, the score and the position (page, heading path, offsets).
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id")),
    request_body = SearchRequest,
    responses((status = 200, body = SearchAnswer), (status = 403, body = Problem, content_type = "application/problem+json", description = "the embedding model is not granted to you"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/collections/{id}/search")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<CollectionId>,
    body: web::Json<SearchRequest>,
) -> Result<web::Json<SearchAnswer>, ApiError> {
    let answer = search_collection(
        &state.db,
        &state.ollama_client,
        &state.indexes,
        &auth.0,
        id.into_inner(),
        body.into_inner(),
    )
    .await?;
    Ok(web::Json(answer))
}

/// One chunk of a document in a collection you can see, with its document's title and its
/// position (page, heading path, byte offsets) — what a citation's `chunk_id` opens. Only
/// documents of the collection you may read, as in search; anything else is 404.
#[utoipa::path(
    tag = "knowledge",
    params(("id" = String, Path, description = "collection id"), ("chunk_id" = String, Path, description = "chunk id")),
    responses((status = 200, body = CollectionChunk), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/collections/{id}/chunks/{chunk_id}")]
pub async fn chunk(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(CollectionId, ChunkId)>,
) -> Result<web::Json<CollectionChunk>, ApiError> {
    let (id, chunk) = path.into_inner();
    let found = state
        .db
        .run(move |conn| collections::get_chunk(conn, &auth.0, id, chunk))
        .await?;
    Ok(web::Json(found))
}
