//! [`search`]: the one retrieval entry point the HTTP layer and RAG systems call — vector,
//! lexical or hybrid search over a collection's generation, answered with the chunks' text,
//! document titles and positions for citations.
//!
//! `min_score` per mode (scores are always "higher is better"):
//! - [`SearchMode::Vector`]: a floor on the vector similarity (the distance's scale, see
//!   [`crate::vector`]); hits below it are dropped, so fewer than `top_k` may come back.
//! - [`SearchMode::Hybrid`]: the same floor on the vector similarity, applied to every fused
//!   candidate — chunks only lexical search found are scored against the query vector too
//!   ([`VectorIndex::score`]) — before the best `top_k` are taken. The result's `score` is the
//!   fused (RRF) score; `vector_score` carries the similarity.
//! - [`SearchMode::Lexical`]: a floor on the lexical score in [0, 1) (see [`crate::lexical`]).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};

use crate::error::VectorsError;
use crate::fusion::{RRF_K, reciprocal_rank_fusion};
use crate::index::{Hit, VectorIndex, VectorQuery};
use crate::lexical;
use crate::results::{self, Position};
use crate::vector::Distance;

/// Largest `top_k` a search answers; more is not retrieval for a prompt any more.
pub const MAX_TOP_K: usize = 100;

/// How a search ranks chunks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    /// Nearest neighbours of the query embedding.
    Vector,
    /// Full-text ranking of the query's words.
    Lexical,
    /// Both, fused by reciprocal rank: robust when the question names exact terms (codes,
    /// names) the embedding blurs, or paraphrases what the text says in other words.
    #[default]
    Hybrid,
}

impl SearchMode {
    /// The wire spelling: `vector`, `lexical`, `hybrid`.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchMode::Vector => "vector",
            SearchMode::Lexical => "lexical",
            SearchMode::Hybrid => "hybrid",
        }
    }

    /// Whether this mode needs the query's embedding.
    pub fn needs_vector(self) -> bool {
        self != SearchMode::Lexical
    }
}

impl fmt::Display for SearchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SearchMode {
    type Err = VectorsError;

    /// Parses the wire spelling exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [SearchMode::Vector, SearchMode::Lexical, SearchMode::Hybrid]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| VectorsError::invalid("mode", "must be vector, lexical or hybrid"))
    }
}

/// What is searched: one generation of a collection, and the documents the caller may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchTarget<'a> {
    /// The generation (usually the collection's active one).
    pub generation_id: GenerationId,
    /// The collection's distance.
    pub distance: Distance,
    /// The chunking spec of the generation's chunks (`document_chunks.spec`), which lexical
    /// search must match: other specs' chunks of the same documents are not in this index.
    pub spec: &'a str,
    /// The collection's member documents after the caller's filters (tags, visibility).
    /// Required: the lexical index spans every organisation's chunks, so this list is what keeps
    /// a search inside the collection. Empty means nothing to find.
    pub document_ids: &'a [DocumentId],
}

/// How much and how to search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchParams {
    /// Results wanted, 1..=[`MAX_TOP_K`].
    pub top_k: usize,
    /// Vector, lexical or hybrid.
    pub mode: SearchMode,
    /// A floor on the score; its scale depends on the mode (see the module documentation).
    pub min_score: Option<f32>,
}

/// A retrieved chunk with what a citation needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchResult {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// The document's title.
    pub document_title: String,
    /// The chunk's text.
    pub text: String,
    /// The ranking score of the mode: vector similarity, lexical score, or fused RRF score.
    pub score: f32,
    /// The vector similarity, when known (vector and hybrid modes).
    pub vector_score: Option<f32>,
    /// The lexical score, when the chunk was a lexical hit (lexical and hybrid modes).
    pub lexical_score: Option<f32>,
    /// The similarity of its text to the query under the rerank model, when reranked (then
    /// the results are ordered by it).
    pub rerank_score: Option<f32>,
    /// Where in the document the chunk lies.
    pub position: Position,
}

/// How deep each ranking is fetched before fusion: deeper than `top_k`, so a chunk ranked
/// modestly by both can still rise to the top.
pub fn fusion_depth(top_k: usize) -> usize {
    (top_k * 4).max(40)
}

/// Searches a collection's generation; see the module documentation for modes and `min_score`.
/// `query_vector` (the embedding of `query_text` by the generation's model) is required by the
/// vector and hybrid modes and ignored by lexical search.
pub fn search(
    conn: &mut AnyConnection,
    index: &dyn VectorIndex,
    target: &SearchTarget<'_>,
    query_text: &str,
    query_vector: Option<&[f32]>,
    params: &SearchParams,
) -> Result<Vec<SearchResult>, VectorsError> {
    if params.top_k == 0 || params.top_k > MAX_TOP_K {
        return Err(VectorsError::invalid(
            "top_k",
            format!("must be between 1 and {MAX_TOP_K}"),
        ));
    }
    if params.min_score.is_some_and(|s| !s.is_finite()) {
        return Err(VectorsError::invalid(
            "min_score",
            "must be a finite number",
        ));
    }
    let vector = match (params.mode.needs_vector(), query_vector) {
        (true, None) => {
            return Err(VectorsError::invalid(
                "query_vector",
                format!("{} search needs the query's embedding", params.mode),
            ));
        }
        (true, Some(v)) => Some(v),
        (false, _) => None,
    };
    if target.document_ids.is_empty() {
        return Ok(Vec::new());
    }
    let floor = params.min_score.unwrap_or(f32::NEG_INFINITY);
    let ranked = match (params.mode, vector) {
        (SearchMode::Lexical, _) | (_, None) => {
            let hits = lexical::search(
                conn,
                target.spec,
                target.document_ids,
                query_text,
                params.top_k,
            )?;
            hits.into_iter()
                .filter(|h| h.score >= floor)
                .map(|h| Ranked::new(h, h.score, None, Some(h.score)))
                .collect()
        }
        (SearchMode::Vector, Some(vector)) => {
            let hits = index.search(conn, &vector_query(target, vector, params.top_k))?;
            hits.into_iter()
                .filter(|h| h.score >= floor)
                .map(|h| Ranked::new(h, h.score, Some(h.score), None))
                .collect()
        }
        (SearchMode::Hybrid, Some(vector)) => {
            hybrid(conn, index, target, query_text, vector, params)?
        }
    };
    results::assemble(conn, &ranked)
}

/// A ranked chunk before its text is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    pub(crate) chunk_id: ChunkId,
    pub(crate) document_id: DocumentId,
    pub(crate) score: f32,
    pub(crate) vector_score: Option<f32>,
    pub(crate) lexical_score: Option<f32>,
}

impl Ranked {
    fn new(hit: Hit, score: f32, vector_score: Option<f32>, lexical_score: Option<f32>) -> Self {
        Self {
            chunk_id: hit.chunk_id,
            document_id: hit.document_id,
            score,
            vector_score,
            lexical_score,
        }
    }
}

fn vector_query<'a>(target: &SearchTarget<'a>, vector: &'a [f32], k: usize) -> VectorQuery<'a> {
    VectorQuery {
        generation: target.generation_id,
        vector,
        k,
        distance: target.distance,
        documents: Some(target.document_ids),
    }
}

/// Both rankings `fusion_depth` deep, fused; chunks only lexical search found get their vector
/// similarity from the index, then the floor applies and the best `top_k` remain.
fn hybrid(
    conn: &mut AnyConnection,
    index: &dyn VectorIndex,
    target: &SearchTarget<'_>,
    query_text: &str,
    vector: &[f32],
    params: &SearchParams,
) -> Result<Vec<Ranked>, VectorsError> {
    let depth = fusion_depth(params.top_k);
    let vector_hits = index.search(conn, &vector_query(target, vector, depth))?;
    let lexical_hits = lexical::search(conn, target.spec, target.document_ids, query_text, depth)?;
    let mut known: HashMap<ChunkId, (DocumentId, Option<f32>, Option<f32>)> = HashMap::new();
    for hit in &vector_hits {
        known.insert(hit.chunk_id, (hit.document_id, Some(hit.score), None));
    }
    for hit in &lexical_hits {
        known
            .entry(hit.chunk_id)
            .or_insert((hit.document_id, None, None))
            .2 = Some(hit.score);
    }
    let lexical_only: Vec<(ChunkId, DocumentId)> = known
        .iter()
        .filter(|(_, (_, vector_score, _))| vector_score.is_none())
        .map(|(chunk, (doc, _, _))| (*chunk, *doc))
        .collect();
    if !lexical_only.is_empty() {
        let scored = index.score(
            conn,
            target.generation_id,
            target.distance,
            vector,
            &lexical_only,
        )?;
        for hit in scored {
            if let Some(entry) = known.get_mut(&hit.chunk_id) {
                entry.1 = Some(hit.score);
            }
        }
    }
    let vector_ranking: Vec<ChunkId> = vector_hits.iter().map(|h| h.chunk_id).collect();
    let lexical_ranking: Vec<ChunkId> = lexical_hits.iter().map(|h| h.chunk_id).collect();
    let fused = reciprocal_rank_fusion(&[&vector_ranking, &lexical_ranking], RRF_K);
    let floor = params.min_score;
    Ok(fused
        .into_iter()
        .filter_map(|(chunk_id, score)| {
            let (document_id, vector_score, lexical_score) = *known.get(&chunk_id)?;
            // A chunk without a vector in this generation has no similarity: a floor drops it.
            if let Some(floor) = floor
                && vector_score.is_none_or(|s| s < floor)
            {
                return None;
            }
            Some(Ranked {
                chunk_id,
                document_id,
                score,
                vector_score,
                lexical_score,
            })
        })
        .take(params.top_k)
        .collect())
}
