//! Knowledge: documents (upload, text, chunks), collections (members, search) and ingestion
//! jobs. Each handler calls one `owp-documents` or `owp-vectors` operation, which applies the one visibility rule (invisible → 404, visible but not writable
//! → 403).

pub mod collections;
pub mod documents;
pub mod jobs;
pub mod rag;
mod upload_form;
