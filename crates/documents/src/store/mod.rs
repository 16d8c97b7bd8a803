//! The document store: uploads become documents (extracted text, section marks, default
//! chunks), listed, read and deleted under the one visibility rule (`owp_rbac::visibility`),
//! each change in one transaction with its audit event.
//!
//! The uploaded file itself is not kept: the text and its section marks are all retrieval,
//! citations and re-chunking need (docs/decisions.md "Documents keep their text, not the file").

mod ops;
mod rows;
mod upload;

pub use ops::{
    delete_document, document_chunks, document_text, ensure_chunks, get_document, list_documents,
};
pub use rows::kind_name;
pub use upload::{
    Extraction, Prepared, UploadOutcome, insert_document, prepare, prepare_file, upload_document,
};

use chrono::NaiveDateTime;
use owp_db::ids::{ChunkId, DocumentId, OrganizationId, ProjectId, UserId};
use owp_rbac::visibility::{Ownership, Visibility};

use crate::Position;

/// Longest title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most tags on one document.
pub const MAX_TAGS: usize = 20;
/// Longest tag.
pub const MAX_TAG_CHARS: usize = 40;
/// How long extraction of one upload may take before the document fails (a parser stuck on
/// a hostile file is left to finish on its own thread; see `extract_guarded`).
pub const EXTRACTION_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Whether a document's text could be extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocumentState {
    /// Text extracted and chunked: it can be added to collections.
    Ready,
    /// Extraction failed; `error` says why. Kept so the uploader sees the reason.
    Failed,
}

impl DocumentState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentState::Ready => "ready",
            DocumentState::Failed => "failed",
        }
    }
}

/// A document as its readers see it (without its text: `GET …/text`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    /// Id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DocumentId,
    /// The tenant.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub organization_id: OrganizationId,
    /// Who uploaded it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    /// The project it belongs to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub project_id: Option<ProjectId>,
    /// Who may see (and use) it.
    pub visibility: Visibility,
    /// Display title.
    pub title: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// `text`, `markdown`, `html`, `pdf` or `docx`, sniffed from the content.
    pub kind: String,
    /// Size of the upload in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the uploaded bytes (lowercase hex): the same content is one document.
    pub sha256: String,
    /// Lower-case tags.
    pub tags: Vec<String>,
    /// `ready` or `failed`.
    pub state: DocumentState,
    /// Why extraction failed.
    pub error: Option<String>,
    /// Length of the extracted text in characters.
    pub characters: i64,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// UTC.
    pub updated_at: NaiveDateTime,
}

impl Document {
    /// The columns the visibility rule reads.
    pub fn ownership(&self) -> Ownership {
        Ownership {
            organization_id: self.organization_id,
            owner_id: self.owner_id,
            visibility: self.visibility,
            project_id: self.project_id,
        }
    }
}

/// What an upload says besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct UploadMeta {
    /// The file's name as uploaded (only tells markdown from text; never the type).
    pub file_name: String,
    /// Display title; the file name when absent.
    pub title: Option<String>,
    /// Tags (trimmed, lower-cased, duplicates dropped).
    pub tags: Vec<String>,
    /// Who may see it (`private` when absent).
    pub visibility: Option<Visibility>,
    /// The project it belongs to.
    pub project_id: Option<ProjectId>,
}

/// Filters of the document list.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// Text in the title or file name.
    pub q: Option<String>,
    /// Only documents with this tag.
    pub tag: Option<String>,
    /// Only documents in this state.
    pub state: Option<DocumentState>,
    /// Only this project's documents.
    pub project_id: Option<ProjectId>,
}

/// A document's extracted text and where its sections start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentText {
    /// The document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// The extracted text.
    pub text: String,
    /// Section marks: byte offset, heading path, page.
    pub sections: Vec<SectionMark>,
}

/// Where a section of the text starts and what it is under (a stored `Section`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionMark {
    /// Byte offset in the text.
    pub start: usize,
    /// Headings above it, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heading_path: Vec<String>,
    /// 1-based page, for formats with pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One stored chunk of a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredChunk {
    /// Id (what search results and citations name).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ChunkId,
    /// The document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// 0, 1, 2, … in text order.
    pub ordinal: i64,
    /// The text.
    pub text: String,
    /// Page, heading path and byte offsets in the document's text.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub position: Position,
}
