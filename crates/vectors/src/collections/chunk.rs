//! One chunk of a collection's member document with where it lies: what a citation opens.
//! Readable under the rule search follows — a collection the caller may read, a document of it
//! the caller may read — and hidden (`NotFound`) otherwise.

use diesel::prelude::*;
use owp_db::ids::{ChunkId, CollectionId, DocumentId, parse_stored_id};
use owp_db::schema::{collection_documents, document_chunks, documents};
use owp_db::{AnyBackend, AnyConnection};
use owp_rbac::Principal;
use owp_rbac::visible_filter;

use super::rows::require_readable;
use crate::results::position_of;
use crate::{Position, VectorsError};

/// A chunk of a collection's document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionChunk {
    /// The chunk.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chunk_id: ChunkId,
    /// The collection it was read through.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub collection_id: CollectionId,
    /// Its document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// The document's title.
    pub document_title: String,
    /// The chunk's text.
    pub text: String,
    /// Page, heading path and byte offsets in the document's extracted text.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub position: Position,
}

type Row = (
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    String,
);

/// Chunk `chunk` of a document in `collection`, when the caller may read both the collection
/// and the document; anything else (another organisation, a document outside the collection or
/// hidden from the caller, no such chunk) is `NotFound`.
pub fn get_chunk(
    conn: &mut AnyConnection,
    principal: &Principal,
    collection: CollectionId,
    chunk: ChunkId,
) -> Result<CollectionChunk, VectorsError> {
    let (viewer, _) = require_readable(conn, principal, collection)?;
    let joined = document_chunks::table
        .inner_join(documents::table)
        .into_boxed::<AnyBackend>();
    let row: Option<Row> = visible_filter!(joined, documents, &viewer)
        .filter(document_chunks::id.eq(chunk.to_string()))
        .filter(
            document_chunks::document_id.eq_any(
                collection_documents::table
                    .filter(collection_documents::collection_id.eq(collection.to_string()))
                    .select(collection_documents::document_id),
            ),
        )
        .select((
            document_chunks::document_id,
            document_chunks::text,
            document_chunks::page,
            document_chunks::heading_path,
            document_chunks::start_offset,
            document_chunks::end_offset,
            documents::title,
        ))
        .first(conn)
        .optional()?;
    let (document, text, page, heading_path, start, end, title) =
        row.ok_or(VectorsError::NotFound)?;
    Ok(CollectionChunk {
        chunk_id: chunk,
        collection_id: collection,
        document_id: parse_stored_id(&document)?,
        document_title: title,
        text,
        position: position_of(page, heading_path, start, end),
    })
}
