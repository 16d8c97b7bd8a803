//! Document and chunk rows, the field rules the operations share, and the audit event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::{ChunkId, DocumentId, parse_stored_id};
use owp_db::schema::{document_chunks, documents};
use owp_db::{AnyConnection, StoreError};
use owp_rbac::visibility::Visibility;
use serde_json::{Value, json};

use super::{
    Document, DocumentState, MAX_TAG_CHARS, MAX_TAGS, MAX_TITLE_CHARS, SectionMark, StoredChunk,
};
use crate::{DocumentKind, DocumentsError, Position};

/// A document row without its text (lists never read the text).
#[derive(Queryable, Selectable)]
#[diesel(table_name = documents)]
pub(super) struct DocumentRow {
    id: String,
    organization_id: String,
    owner_id: String,
    project_id: Option<String>,
    visibility: String,
    title: String,
    file_name: String,
    kind: String,
    size_bytes: i64,
    sha256: String,
    tags: String,
    state: String,
    error: Option<String>,
    characters: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn json_column<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Internal(format!("malformed document {what}")))
}

impl TryFrom<DocumentRow> for Document {
    type Error = StoreError;
    fn try_from(row: DocumentRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parse_stored_id(&row.id)?,
            organization_id: parse_stored_id(&row.organization_id)?,
            owner_id: parse_stored_id(&row.owner_id)?,
            project_id: row.project_id.as_deref().map(parse_stored_id).transpose()?,
            visibility: Visibility::from_stored(&row.visibility)?,
            title: row.title,
            file_name: row.file_name,
            kind: row.kind,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            tags: json_column(&row.tags, "tags")?,
            state: match row.state.as_str() {
                "ready" => DocumentState::Ready,
                "failed" => DocumentState::Failed,
                other => {
                    return Err(StoreError::Internal(format!(
                        "unknown document state {other:?} in the store"
                    )));
                }
            },
            error: row.error,
            characters: row.characters,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The stored document `id`, whoever may see it (callers check visibility).
pub(super) fn load(conn: &mut AnyConnection, id: DocumentId) -> Result<Document, DocumentsError> {
    let row: DocumentRow = documents::table
        .find(id.to_string())
        .select(DocumentRow::as_select())
        .first(conn)?;
    Ok(row.try_into()?)
}

/// The name a document kind is stored and shown under.
pub fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Text => "text",
        DocumentKind::Markdown => "markdown",
        DocumentKind::Html => "html",
        DocumentKind::Docx => "docx",
        DocumentKind::Pdf => "pdf",
    }
}

/// Records `event` for `document` with `extra` detail fields.
pub(super) fn audit(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    event: EventType,
    document: &Document,
    extra: Value,
    at: NaiveDateTime,
) -> Result<(), DocumentsError> {
    let mut detail = json!({
        "document_id": document.id,
        "title": document.title,
        "kind": document.kind,
        "sha256": document.sha256,
        "visibility": document.visibility,
        "state": document.state,
    });
    if let (Some(detail), Value::Object(extra)) = (detail.as_object_mut(), extra) {
        detail.extend(extra);
    }
    record(conn, ctx, &NewAuditEvent::new(event).detail(detail), at)?;
    Ok(())
}

/// The title: trimmed, 1..=[`MAX_TITLE_CHARS`] characters, without control characters.
pub(super) fn checked_title(title: &str) -> Result<String, DocumentsError> {
    let title = title.trim();
    let count = title.chars().count();
    if count == 0 || count > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
        return Err(DocumentsError::invalid(
            "title",
            format!("must be 1 to {MAX_TITLE_CHARS} characters, without control characters"),
        ));
    }
    Ok(title.to_owned())
}

/// Tags trimmed and lower-cased, empty ones and duplicates dropped, order kept; at most
/// [`MAX_TAGS`] of 1..=[`MAX_TAG_CHARS`] characters without control characters or commas.
pub(super) fn checked_tags(tags: &[String]) -> Result<Vec<String>, DocumentsError> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(|c| c.is_control() || c == ',') {
            return Err(DocumentsError::invalid(
                "tags",
                format!("each tag must be 1 to {MAX_TAG_CHARS} characters, without commas"),
            ));
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(DocumentsError::invalid(
            "tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    Ok(out)
}

/// A chunk row as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = document_chunks)]
pub(super) struct ChunkRow {
    id: String,
    document_id: String,
    ordinal: i64,
    text: String,
    page: Option<i64>,
    heading_path: Option<String>,
    start_offset: i64,
    end_offset: i64,
}

impl TryFrom<ChunkRow> for StoredChunk {
    type Error = StoreError;
    fn try_from(row: ChunkRow) -> Result<Self, StoreError> {
        let offset = |v: i64| {
            usize::try_from(v).map_err(|_| StoreError::Internal("negative chunk offset".into()))
        };
        Ok(Self {
            id: parse_stored_id::<ChunkId>(&row.id)?,
            document_id: parse_stored_id(&row.document_id)?,
            ordinal: row.ordinal,
            text: row.text,
            position: Position {
                page: row.page.and_then(|p| u32::try_from(p).ok()),
                heading_path: row
                    .heading_path
                    .as_deref()
                    .map(|h| json_column(h, "heading path"))
                    .transpose()?
                    .unwrap_or_default(),
                start: offset(row.start_offset)?,
                end: offset(row.end_offset)?,
            },
        })
    }
}

/// Stores `chunks` of `document` under `spec` (in the caller's transaction), one insert each
/// (batch inserts do not compile through `AnyConnection`).
pub(super) fn insert_chunks(
    conn: &mut AnyConnection,
    document: DocumentId,
    spec: &str,
    chunks: &[crate::Chunk],
) -> Result<(), DocumentsError> {
    for chunk in chunks {
        let heading_path = (!chunk.position.heading_path.is_empty())
            .then(|| json!(chunk.position.heading_path).to_string());
        diesel::insert_into(document_chunks::table)
            .values((
                document_chunks::id.eq(ChunkId::new().to_string()),
                document_chunks::document_id.eq(document.to_string()),
                document_chunks::spec.eq(spec),
                document_chunks::ordinal.eq(to_i64(chunk.seq)),
                document_chunks::text.eq(&chunk.text),
                document_chunks::page.eq(chunk.position.page.map(i64::from)),
                document_chunks::heading_path.eq(heading_path),
                document_chunks::start_offset.eq(to_i64(chunk.position.start)),
                document_chunks::end_offset.eq(to_i64(chunk.position.end)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sections as stored (JSON).
pub(super) fn section_marks(sections: &[crate::Section]) -> Vec<SectionMark> {
    sections
        .iter()
        .map(|s| SectionMark {
            start: s.start,
            heading_path: s.heading_path.clone(),
            page: s.page,
        })
        .collect()
}

/// A count or offset as a column value (saturating: no text is 2^63 bytes long).
pub(super) fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
