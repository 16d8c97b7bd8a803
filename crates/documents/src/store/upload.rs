//! Upload: the bytes become a document. [`prepare`] is the CPU part (hash, sniff, extract,
//! chunk) and runs on the blocking pool without a database connection; [`insert_document`]
//! stores the result in the caller's transaction (so a collection can add it in the same one);
//! [`upload_document`] is both, for the gateway.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType};
use owp_db::ids::DocumentId;
use owp_db::schema::{document_tags, documents};
use owp_db::{AnyBackend, AnyConnection, Database, StoreError, spawn_blocking};
use owp_rbac::Principal;
use owp_rbac::visibility::{Viewer, Visibility};
use owp_rbac::visible_filter;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::rows::{
    DocumentRow, audit, checked_tags, checked_title, insert_chunks, kind_name, load, section_marks,
    to_i64,
};
use super::{Document, DocumentState, EXTRACTION_LIMIT, UploadMeta};
use crate::{Chunk, ChunkSpec, DocumentsError, Section, chunk_text, extract_guarded, sniff};

/// An upload read and understood, ready to be stored.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Size of the upload.
    pub size_bytes: i64,
    /// The sniffed kind's stored name.
    pub kind: &'static str,
    /// The text, its sections and default chunks; or why extraction failed.
    pub content: Result<Extraction, String>,
}

/// What extraction produced.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The plain text.
    pub text: String,
    /// Section marks into it.
    pub sections: Vec<Section>,
    /// The text cut with [`ChunkSpec::DEFAULT`].
    pub chunks: Vec<Chunk>,
}

/// The document an upload became, and whether it is new (`false`: the same content was
/// already there and visible to the uploader, so that one is answered).
#[derive(Debug, Clone)]
pub struct UploadOutcome {
    /// The document.
    pub document: Document,
    /// Whether it was stored now.
    pub created: bool,
}

/// Reads `bytes` uploaded as `file_name`: hash, type from the content, text (on a guarded
/// thread, at most [`EXTRACTION_LIMIT`]), default chunks. A type nothing can extract is
/// [`DocumentsError::UnsupportedType`] (nothing is stored); a broken file of a known type — or
/// one whose parser panics or runs too long — is a `Prepared` whose content is the reason,
/// stored as a failed document so the uploader sees why. The bytes are moved to the extraction
/// thread, not copied: at most the upload and its text are held at once.
pub fn prepare(bytes: Vec<u8>, file_name: &str) -> Result<Prepared, DocumentsError> {
    let kind = sniff(&bytes, file_name)?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let size_bytes = to_i64(bytes.len());
    let content = match extract_guarded(kind, bytes, EXTRACTION_LIMIT) {
        Ok(extracted) => {
            let chunks = chunk_text(&extracted.text, &extracted.sections, ChunkSpec::DEFAULT);
            Ok(Extraction {
                text: extracted.text,
                sections: extracted.sections,
                chunks,
            })
        }
        Err(DocumentsError::Malformed(reason)) => Err(reason),
        Err(other) => return Err(other),
    };
    Ok(Prepared {
        sha256,
        size_bytes,
        kind: kind_name(kind),
        content,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The checked title (the file name when none is given) and tags of `meta`.
fn checked_meta(meta: &UploadMeta) -> Result<(String, Vec<String>), DocumentsError> {
    let title = match meta.title.as_deref() {
        Some(title) => checked_title(title)?,
        None => checked_title(&meta.file_name)
            .or_else(|_| checked_title("untitled"))
            .map_err(|_| DocumentsError::invalid("title", "is required"))?,
    };
    Ok((title, checked_tags(&meta.tags)?))
}

/// Stores `prepared` as a document of the caller (in the caller's transaction, if any): placed
/// at `meta`'s visibility and project under the rule of `check_placement`. The same content
/// already stored in the organisation and visible to the caller is answered instead of a copy
/// (`created: false`, nothing written); content the caller cannot see is stored again, so a
/// private document never leaks through its hash.
pub fn insert_document(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    meta: &UploadMeta,
    prepared: &Prepared,
    at: NaiveDateTime,
) -> Result<UploadOutcome, DocumentsError> {
    let (title, tags) = checked_meta(meta)?;
    let visibility = meta.visibility.unwrap_or(Visibility::Private);
    owp_db::write_transaction(conn, |conn| {
        let viewer = Viewer::load(conn, principal)?;
        viewer.check_placement(conn, visibility, meta.project_id)?;
        let existing: Option<DocumentRow> = visible_filter!(
            documents::table.into_boxed::<AnyBackend>(),
            documents,
            &viewer
        )
        .filter(documents::sha256.eq(&prepared.sha256))
        .order(documents::created_at.asc())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?;
        if let Some(row) = existing {
            return Ok(UploadOutcome {
                document: row.try_into()?,
                created: false,
            });
        }
        let id = DocumentId::new();
        let (state, error, text, sections) = match &prepared.content {
            Ok(extraction) => (
                DocumentState::Ready,
                None,
                extraction.text.as_str(),
                section_marks(&extraction.sections),
            ),
            Err(reason) => (DocumentState::Failed, Some(reason.as_str()), "", Vec::new()),
        };
        diesel::insert_into(documents::table)
            .values((
                documents::id.eq(id.to_string()),
                documents::organization_id.eq(viewer.organization_id.to_string()),
                documents::owner_id.eq(viewer.user_id.to_string()),
                documents::project_id.eq(meta.project_id.map(|p| p.to_string())),
                documents::visibility.eq(visibility.as_str()),
                documents::title.eq(&title),
                documents::file_name.eq(file_name_of(meta)),
                documents::kind.eq(prepared.kind),
                documents::size_bytes.eq(prepared.size_bytes),
                documents::sha256.eq(&prepared.sha256),
                documents::tags.eq(json!(tags).to_string()),
                documents::state.eq(state.as_str()),
                documents::error.eq(error),
                documents::characters.eq(to_i64(text.chars().count())),
                documents::content.eq(text),
                documents::sections.eq(json!(sections).to_string()),
                documents::created_at.eq(at),
                documents::updated_at.eq(at),
            ))
            .execute(conn)?;
        for tag in &tags {
            diesel::insert_into(document_tags::table)
                .values((
                    document_tags::document_id.eq(id.to_string()),
                    document_tags::tag.eq(tag),
                ))
                .execute(conn)?;
        }
        let chunks = prepared.content.as_ref().map_or(0, |e| e.chunks.len());
        if let Ok(extraction) = &prepared.content {
            insert_chunks(conn, id, &ChunkSpec::DEFAULT.key(), &extraction.chunks)?;
        }
        let document = load(conn, id)?;
        audit(
            conn,
            ctx,
            EventType::DocumentUploaded,
            &document,
            json!({"size_bytes": prepared.size_bytes, "chunks": chunks}),
            at,
        )?;
        Ok(UploadOutcome {
            document,
            created: true,
        })
    })
}

/// The uploaded name, bounded like a title (a name is never trusted for anything else).
fn file_name_of(meta: &UploadMeta) -> String {
    let name: String = meta
        .file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect();
    name.trim().to_owned()
}

/// [`prepare`] of the file at `path` (uploaded as `name`), read and worked on the blocking
/// pool so no async worker stalls and no pooled connection is held meanwhile.
pub async fn prepare_file(path: PathBuf, name: String) -> Result<Prepared, DocumentsError> {
    spawn_blocking(move || {
        let bytes = std::fs::read(&path)
            .map_err(|e| StoreError::Internal(format!("cannot read the upload: {e}")))?;
        prepare(bytes, &name)
    })
    .await?
}

/// Uploads the file at `path` (the gateway streamed it there under the size limit): checks the
/// title and tags first, reads and extracts it on the blocking pool holding no connection,
/// then stores it with [`insert_document`]. The file is left for the caller to remove.
pub async fn upload_document(
    db: &Database,
    principal: &Principal,
    ctx: &AuditContext,
    meta: UploadMeta,
    path: PathBuf,
    at: NaiveDateTime,
) -> Result<UploadOutcome, DocumentsError> {
    checked_meta(&meta)?;
    let prepared = prepare_file(path, meta.file_name.clone()).await?;
    let principal = principal.clone();
    let ctx = ctx.clone();
    db.run(move |conn| insert_document(conn, &principal, &ctx, &meta, &prepared, at))
        .await
}
