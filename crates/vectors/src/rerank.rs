//! Optional reranking of a search's results by an Ollama model the caller names: the query and
//! every result's text are embedded by that model in one call, the results are ordered by the
//! cosine similarity of each text to the query, and the best `top_n` are kept. See
//! docs/decisions.md for why embeddings rather than a scoring prompt.

use owp_db::model_name::ModelName;
use owp_ollama_client::OllamaClient;
use owp_ollama_client::ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;
use owp_rbac::Principal;

use crate::{SearchResult, VectorsError};

/// Reorder the results with a model.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rerank {
    /// The model (granted to you) that embeds the query and each result.
    pub model: String,
    /// Results kept after reranking, 1..=`top_k` (default `top_k`).
    pub top_n: Option<usize>,
}

/// A checked [`Rerank`]: the model's canonical name and how many results to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reranker {
    model: String,
    top_n: usize,
}

impl Rerank {
    /// The reranker for a search of `top_k` results by `principal`: the model must be a valid
    /// name (422) the caller is granted (403); `top_n` 1..=`top_k` (422).
    pub(crate) fn checked(
        &self,
        principal: &Principal,
        top_k: usize,
    ) -> Result<Reranker, VectorsError> {
        let model = self.model.trim();
        let own_host = [model.split('/').next().unwrap_or_default().to_owned()];
        let model = ModelName::parse(model, &own_host)
            .map(|name| name.canonical())
            .map_err(|e| VectorsError::invalid("rerank.model", e.to_string()))?;
        let top_n = self.top_n.unwrap_or(top_k);
        if top_n == 0 || top_n > top_k {
            return Err(VectorsError::invalid(
                "rerank.top_n",
                format!("must be between 1 and top_k ({top_k})"),
            ));
        }
        if !principal.can_use_model(&model) {
            return Err(VectorsError::NotGranted(format!(
                "you may not use model {model:?}, the rerank model"
            )));
        }
        Ok(Reranker { model, top_n })
    }
}

impl Reranker {
    /// `results` best first by their text's similarity to `query` under the model, each with
    /// its `rerank_score`, cut to `top_n`; ties keep the retrieval order.
    pub(crate) async fn apply(
        &self,
        ollama: &OllamaClient,
        query: &str,
        results: Vec<SearchResult>,
    ) -> Result<Vec<SearchResult>, VectorsError> {
        if results.is_empty() {
            return Ok(results);
        }
        let texts: Vec<String> = std::iter::once(query.to_owned())
            .chain(results.iter().map(|r| r.text.clone()))
            .collect();
        let request = GenerateEmbeddingsRequest::new(self.model.clone(), texts.into());
        let answer = ollama.embed(&request).await?;
        let Some((question, chunks)) = answer.embeddings.split_first() else {
            return Err(malformed(0, results.len() + 1));
        };
        if chunks.len() != results.len() {
            return Err(malformed(answer.embeddings.len(), results.len() + 1));
        }
        let mut scored: Vec<SearchResult> = results
            .into_iter()
            .zip(chunks)
            .map(|(result, vector)| SearchResult {
                rerank_score: Some(cosine(question, vector)),
                ..result
            })
            .collect();
        scored.sort_by(|a, b| {
            let score = |r: &SearchResult| r.rerank_score.unwrap_or(f32::NEG_INFINITY);
            score(b).total_cmp(&score(a))
        });
        scored.truncate(self.top_n);
        Ok(scored)
    }
}

fn malformed(got: usize, wanted: usize) -> VectorsError {
    owp_ollama_client::OllamaError::Malformed(format!(
        "{got} embeddings returned for {wanted} texts"
    ))
    .into()
}

/// Cosine similarity, 0 when either vector is zero or their lengths differ.
fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let norms = crate::vector::dot(a, a).sqrt() * crate::vector::dot(b, b).sqrt();
    if norms > 0.0 && norms.is_finite() {
        crate::vector::dot(a, b) / norms
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_ignores_length_and_guards_against_zero() {
        assert!((cosine(&[1.0, 0.0], &[3.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 1.0]), 0.0);
    }
}
