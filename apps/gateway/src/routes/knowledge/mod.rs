//! Knowledge: documents (upload, text, chunks). Each handler calls one `owp-documents`
//! operation, which applies the one visibility rule (invisible → 404, visible but not writable
//! → 403).

pub mod documents;
mod upload_form;
