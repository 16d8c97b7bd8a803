//! [`search_collection`]: the search operation of the API — a readable collection, the query
//! embedded by its active generation's model (which the caller must be granted), and the
//! chunks of the member documents the caller may read, through [`crate::search()`].

use diesel::prelude::*;
use owp_db::ids::{CollectionId, DocumentId, parse_stored_id};
use owp_db::schema::{collection_documents, document_tags, documents, jobs};
use owp_db::{AnyBackend, Database};
use owp_ollama_client::OllamaClient;
use owp_ollama_client::ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;
use owp_rbac::Principal;
use owp_rbac::visible_filter;

use crate::collections::{Collection, CollectionState, require_readable};
use crate::jobs::JobState;
use crate::{Indexes, Rerank, SearchMode, SearchParams, SearchResult, SearchTarget, VectorsError};

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 4000;

/// What to search for.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// The question or keywords.
    pub query: String,
    /// Results wanted, 1..=100 (default 5).
    #[serde(default = "default_top_k")]
    pub top_k: usize,
    /// `vector`, `lexical` or `hybrid` (default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mode: SearchMode,
    /// A floor on the score: vector similarity in vector and hybrid modes, the lexical score
    /// (0..1) in lexical mode.
    pub min_score: Option<f32>,
    /// Only some of the collection's documents.
    #[serde(default)]
    pub filter: SearchFilter,
    /// Reorder the `top_k` results by a model you are granted and keep the best `top_n`.
    pub rerank: Option<Rerank>,
}

fn default_top_k() -> usize {
    5
}

/// Narrows a search to documents by id or tag.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchFilter {
    /// Only these documents.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub document_ids: Option<Vec<DocumentId>>,
    /// Only documents with at least one of these tags.
    pub tags: Option<Vec<String>>,
}

/// The results, and whether the collection answered from everything it holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchAnswer {
    /// The collection.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub collection_id: CollectionId,
    /// The generation searched.
    pub generation: i64,
    /// The mode used.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub mode: SearchMode,
    /// `indexing` when some documents are not indexed yet: they were not searched.
    pub state: CollectionState,
    /// Member documents not searched because their indexing has not finished.
    pub pending_documents: i64,
    /// Best first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub results: Vec<SearchResult>,
}

/// Searches a collection the caller may read. Only documents indexed in the active generation
/// and readable by the caller are searched (a private document in a shared collection stays
/// its owner's); the answer says how many are still being indexed.
pub async fn search_collection(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    id: CollectionId,
    request: SearchRequest,
) -> Result<SearchAnswer, VectorsError> {
    let query = request.query.trim().to_owned();
    if query.is_empty() || query.chars().count() > MAX_QUERY_CHARS || query.contains('\0') {
        return Err(VectorsError::invalid(
            "query",
            format!("must be 1 to {MAX_QUERY_CHARS} characters"),
        ));
    }
    if request.top_k == 0 || request.top_k > crate::MAX_TOP_K {
        return Err(VectorsError::invalid(
            "top_k",
            format!("must be between 1 and {}", crate::MAX_TOP_K),
        ));
    }
    if request.min_score.is_some_and(|s| !s.is_finite()) {
        return Err(VectorsError::invalid(
            "min_score",
            "must be a finite number",
        ));
    }
    let reranker = request
        .rerank
        .as_ref()
        .map(|rerank| rerank.checked(principal, request.top_k))
        .transpose()?;
    let caller = principal.clone();
    let filter = request.filter.clone();
    let (collection, generation, allowed, pending) = db
        .run(move |conn| {
            let (viewer, collection) = require_readable(conn, &caller, id)?;
            let generation = crate::collections::active_generation_of(conn, id)?;
            let mut members = visible_filter!(
                documents::table.into_boxed::<AnyBackend>(),
                documents,
                &viewer
            )
            .filter(
                documents::id.eq_any(
                    collection_documents::table
                        .filter(collection_documents::collection_id.eq(id.to_string()))
                        .select(collection_documents::document_id),
                ),
            );
            if let Some(ids) = &filter.document_ids {
                members = members.filter(
                    documents::id.eq_any(ids.iter().map(ToString::to_string).collect::<Vec<_>>()),
                );
            }
            if let Some(tags) = &filter.tags {
                let tags: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).collect();
                members = members.filter(
                    documents::id.eq_any(
                        document_tags::table
                            .filter(document_tags::tag.eq_any(tags))
                            .select(document_tags::document_id),
                    ),
                );
            }
            let visible: Vec<String> = members.select(documents::id).load(conn)?;
            let states: Vec<(String, String)> = jobs::table
                .filter(jobs::generation_id.eq(generation.to_string()))
                .filter(jobs::document_id.eq_any(&visible))
                .select((jobs::document_id, jobs::state))
                .load(conn)?;
            let done = JobState::Done.as_str();
            let allowed = states
                .iter()
                .filter(|(_, state)| state == done)
                .map(|(document, _)| parse_stored_id(document))
                .collect::<Result<Vec<DocumentId>, _>>()?;
            let pending = states
                .iter()
                .filter(|(_, state)| state == "queued" || state == "running")
                .count();
            Ok::<_, VectorsError>((
                collection,
                generation,
                allowed,
                i64::try_from(pending).unwrap_or(0),
            ))
        })
        .await?;
    if allowed.is_empty() {
        return Ok(SearchAnswer {
            collection_id: id,
            generation: collection.generation,
            mode: request.mode,
            state: state_of(pending),
            pending_documents: pending,
            results: Vec::new(),
        });
    }
    let vector = if request.mode.needs_vector() {
        Some(embed_query(ollama, principal, &collection, &query).await?)
    } else {
        None
    };
    let index = indexes.clone();
    let spec = collection.chunking.key();
    let params = SearchParams {
        top_k: request.top_k,
        mode: request.mode,
        min_score: request.min_score,
    };
    let text = query.clone();
    let results = db
        .run(move |conn| {
            let target = SearchTarget {
                generation_id: generation,
                distance: collection.distance,
                spec: &spec,
                document_ids: &allowed,
            };
            let index = index.get(collection.backend)?;
            crate::search(conn, index, &target, &text, vector.as_deref(), &params)
        })
        .await?;
    let results = match reranker {
        Some(reranker) => reranker.apply(ollama, &query, results).await?,
        None => results,
    };
    Ok(SearchAnswer {
        collection_id: id,
        generation: collection.generation,
        mode: request.mode,
        state: state_of(pending),
        pending_documents: pending,
        results,
    })
}

fn state_of(pending: i64) -> CollectionState {
    if pending > 0 {
        CollectionState::Indexing
    } else {
        CollectionState::Ready
    }
}

/// The query's embedding by the collection's active model, if the caller is granted it.
async fn embed_query(
    ollama: &OllamaClient,
    principal: &Principal,
    collection: &Collection,
    query: &str,
) -> Result<Vec<f32>, VectorsError> {
    if !principal.can_use_model(&collection.embedding_model) {
        return Err(VectorsError::NotGranted(format!(
            "you may not use model {:?}, the collection's embedding model",
            collection.embedding_model
        )));
    }
    let request =
        GenerateEmbeddingsRequest::new(collection.embedding_model.clone(), query.to_owned().into());
    let mut answer = ollama.embed(&request).await?;
    answer.embeddings.pop().ok_or_else(|| {
        owp_ollama_client::OllamaError::Malformed("no embedding returned".into()).into()
    })
}
