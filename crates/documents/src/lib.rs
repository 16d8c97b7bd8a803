//! Documents an organisation uploads for retrieval: upload intake, text extraction and chunking
//! (DESIGN §2: documents → rbac, audit, db; no web framework).
//!
//! Content sniffing ([`sniff`](mod@sniff): the type comes from the bytes, never from the name
//! alone), text extraction with section paths and pages ([`extract`](mod@extract); uploads go
//! through [`extract_guarded`], which contains a parser's panic or endless loop), the chunker
//! ([`chunk_text`], a pure function over extracted text and its section marks, with the
//! strategies a collection chooses in its [`ChunkSpec`]) and the document store ([`store`]:
//! upload, list, read, delete under the one visibility rule).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

pub mod chunking;
mod error;
pub mod extract;
pub mod sniff;
pub mod store;

pub use chunking::{Chunk, ChunkSpec, ChunkStrategy, Position, Section, chunk_text, count_tokens};
pub use error::DocumentsError;
pub use extract::{Extracted, extract, extract_guarded};
pub use sniff::{DocumentKind, sniff};
