//! Reading what a citation needs for the ranked chunks only: text, position and the document's
//! title, in one query joining `document_chunks` and `documents`.

use std::collections::HashMap;

use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::schema::{document_chunks as dc, documents as d};

use crate::error::VectorsError;
use crate::search::{Ranked, SearchResult};

/// Where a chunk lies in its document; the same shape as `owp_documents::Position`, so a
/// citation reads alike wherever it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// The page of the chunk's start, for formats that have pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The headings above the chunk's start, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heading_path: Vec<String>,
    /// Byte offset of the chunk's first character in the document's extracted text.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

/// A chunk's stored position columns (page, heading path as JSON, byte offsets) read back.
pub(crate) fn position_of(
    page: Option<i64>,
    heading_path: Option<String>,
    start: i64,
    end: i64,
) -> Position {
    Position {
        page: page.and_then(|p| u32::try_from(p).ok()),
        heading_path: heading_path
            .and_then(|path| serde_json::from_str(&path).ok())
            .unwrap_or_default(),
        start: usize::try_from(start).unwrap_or(0),
        end: usize::try_from(end).unwrap_or(0),
    }
}

type ChunkRow = (
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    String,
);

/// The ranked chunks with their text, position and document title, in rank order. A chunk
/// deleted since it was ranked is left out.
pub(crate) fn assemble(
    conn: &mut AnyConnection,
    ranked: &[Ranked],
) -> Result<Vec<SearchResult>, VectorsError> {
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ranked.iter().map(|r| r.chunk_id.to_string()).collect();
    let rows: Vec<ChunkRow> = dc::table
        .inner_join(d::table)
        .filter(dc::id.eq_any(&keys))
        .select((
            dc::id,
            dc::text,
            dc::page,
            dc::heading_path,
            dc::start_offset,
            dc::end_offset,
            d::title,
        ))
        .load(conn)?;
    let mut by_id: HashMap<String, ChunkRow> =
        rows.into_iter().map(|row| (row.0.clone(), row)).collect();
    Ok(ranked
        .iter()
        .zip(keys)
        .filter_map(|(rank, key)| {
            let (_, text, page, heading_path, start, end, title) = by_id.remove(&key)?;
            Some(SearchResult {
                chunk_id: rank.chunk_id,
                document_id: rank.document_id,
                document_title: title,
                text,
                score: rank.score,
                vector_score: rank.vector_score,
                lexical_score: rank.lexical_score,
                rerank_score: None,
                position: position_of(page, heading_path, start, end),
            })
        })
        .collect())
}
