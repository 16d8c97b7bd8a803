//! Reading and deleting documents, under the one visibility rule.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::DocumentId;
use owp_db::schema::{
    collection_documents, collection_generations, document_chunks, document_tags, documents,
};
use owp_db::text_search::{contains_pattern, lower};
use owp_db::{AnyBackend, AnyConnection, Page, Paged};
use owp_rbac::Principal;
use owp_rbac::visibility::Viewer;
use owp_rbac::visible_filter;
use serde_json::json;

use super::rows::{ChunkRow, DocumentRow, audit, load};
use super::{Document, DocumentFilter, DocumentText, SectionMark, StoredChunk};
use crate::ChunkSpec;
use crate::DocumentsError;

/// The documents the caller sees, newest first; `q` searches title and file name.
pub fn list_documents(
    conn: &mut AnyConnection,
    principal: &Principal,
    filter: &DocumentFilter,
    page: Page,
) -> Result<Paged<Document>, DocumentsError> {
    let viewer = Viewer::load(conn, principal)?;
    let filtered = || {
        let mut query = visible_filter!(
            documents::table.into_boxed::<AnyBackend>(),
            documents,
            &viewer
        );
        if let Some(q) = &filter.q {
            let pattern = contains_pattern(q);
            query = query.filter(
                lower(documents::title)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(documents::file_name).like(pattern).escape('\\')),
            );
        }
        if let Some(tag) = &filter.tag {
            query = query.filter(
                documents::id.eq_any(
                    document_tags::table
                        .filter(document_tags::tag.eq(tag.trim().to_lowercase()))
                        .select(document_tags::document_id),
                ),
            );
        }
        if let Some(state) = filter.state {
            query = query.filter(documents::state.eq(state.as_str()));
        }
        if let Some(project) = filter.project_id {
            query = query.filter(documents::project_id.eq(project.to_string()));
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<DocumentRow> = filtered()
        .order((documents::created_at.desc(), documents::id.desc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(DocumentRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Document::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// One document the caller sees; anything else is `NotFound`.
pub fn get_document(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: DocumentId,
) -> Result<Document, DocumentsError> {
    let viewer = Viewer::load(conn, principal)?;
    let document = load(conn, id)?;
    viewer.require_read(&document.ownership())?;
    Ok(document)
}

/// The extracted text of a document the caller sees, with its section marks.
pub fn document_text(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: DocumentId,
) -> Result<DocumentText, DocumentsError> {
    get_document(conn, principal, id)?;
    let (text, sections): (String, String) = documents::table
        .find(id.to_string())
        .select((documents::content, documents::sections))
        .first(conn)?;
    let sections: Vec<SectionMark> = serde_json::from_str(&sections)
        .map_err(|_| owp_db::StoreError::Internal("malformed document sections".into()))?;
    Ok(DocumentText {
        document_id: id,
        text,
        sections,
    })
}

/// A page of a visible document's own chunks (the default chunking), in text order.
pub fn document_chunks(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: DocumentId,
    page: Page,
) -> Result<Paged<StoredChunk>, DocumentsError> {
    get_document(conn, principal, id)?;
    let of_document = || {
        document_chunks::table
            .filter(document_chunks::document_id.eq(id.to_string()))
            .filter(document_chunks::spec.eq(ChunkSpec::DEFAULT.key()))
    };
    let total = of_document().count().get_result(conn)?;
    let rows: Vec<ChunkRow> = of_document()
        .order(document_chunks::ordinal.asc())
        .limit(page.limit())
        .offset(page.offset())
        .select(ChunkRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(StoredChunk::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// Deletes a document the caller may write, with its chunks (every chunking), its vectors in
/// every collection and its place in them (foreign-key cascades), in one transaction with the
/// audit event. The generations that held it are marked changed, so every replica's copy of
/// their index reloads.
pub fn delete_document(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: DocumentId,
    at: NaiveDateTime,
) -> Result<(), DocumentsError> {
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        let document = load(conn, id)?;
        viewer.require_write(&document.ownership())?;
        let collections: Vec<String> = collection_documents::table
            .filter(collection_documents::document_id.eq(id.to_string()))
            .select(collection_documents::collection_id)
            .load(conn)?;
        diesel::update(
            collection_generations::table
                .filter(collection_generations::collection_id.eq_any(&collections)),
        )
        .set(collection_generations::revision.eq(collection_generations::revision + 1))
        .execute(conn)?;
        let chunks: i64 = document_chunks::table
            .filter(document_chunks::document_id.eq(id.to_string()))
            .count()
            .get_result(conn)?;
        diesel::delete(documents::table.find(id.to_string())).execute(conn)?;
        audit(
            conn,
            ctx,
            EventType::DocumentDeleted,
            &document,
            json!({"chunks": chunks, "collections": collections}),
            at,
        )?;
        Ok(())
    })
}

/// The chunks of `document` under the chunking `spec` (stored under its key), in text order: cut
/// from the stored text and saved on first use, so collections sharing a chunking share the
/// chunks. Another replica cutting the same ones at the same time is harmless (the unique key
/// refuses the second set, which then reads the first). A failed document has none. For
/// ingestion jobs, which check visibility when a document is added.
pub fn ensure_chunks(
    conn: &mut AnyConnection,
    document: DocumentId,
    spec: ChunkSpec,
) -> Result<Vec<StoredChunk>, DocumentsError> {
    let key = spec.key();
    let key = key.as_str();
    let stored = stored_chunks(conn, document, key)?;
    if !stored.is_empty() {
        return Ok(stored);
    }
    let (text, sections): (String, String) = documents::table
        .find(document.to_string())
        .select((documents::content, documents::sections))
        .first(conn)?;
    let marks: Vec<SectionMark> = serde_json::from_str(&sections)
        .map_err(|_| owp_db::StoreError::Internal("malformed document sections".into()))?;
    let sections: Vec<crate::Section> = marks
        .into_iter()
        .map(|m| crate::Section {
            start: m.start,
            heading_path: m.heading_path,
            page: m.page,
        })
        .collect();
    let chunks = crate::chunk_text(&text, &sections, spec);
    let written = owp_db::write_transaction(conn, |conn| {
        super::rows::insert_chunks(conn, document, key, &chunks)
    });
    match written {
        Ok(()) | Err(DocumentsError::Store(owp_db::StoreError::Conflict { .. })) => {
            stored_chunks(conn, document, key)
        }
        Err(other) => Err(other),
    }
}

fn stored_chunks(
    conn: &mut AnyConnection,
    document: DocumentId,
    key: &str,
) -> Result<Vec<StoredChunk>, DocumentsError> {
    let rows: Vec<ChunkRow> = document_chunks::table
        .filter(document_chunks::document_id.eq(document.to_string()))
        .filter(document_chunks::spec.eq(key))
        .order(document_chunks::ordinal.asc())
        .select(ChunkRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(StoredChunk::try_from)
        .collect::<Result<_, _>>()?)
}
