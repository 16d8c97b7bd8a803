//! Retrieval for an answer: the best chunks of several collections, numbered as sources, the
//! context block the model reads, the rendered template, and which sources an answer cites.
//! Everything but [`retrieve`] is pure.

use owp_chat::OllamaClient;
use owp_db::Database;
use owp_db::ids::{ChunkId, CollectionId, DocumentId};
use owp_rbac::Principal;
use owp_vectors::retrieve::{SearchFilter, SearchRequest, search_collection};
use owp_vectors::{Indexes, Position, SearchMode, VectorsError};

use crate::RagError;

/// What the model is told when no chunk passes the score floor, in place of sources.
pub const NO_CONTEXT: &str = "(No relevant context was found in the knowledge base for this \
question. Say that there is no relevant context instead of answering from memory.)";

/// One collection to search and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    /// The collection.
    pub collection_id: CollectionId,
    /// Chunks wanted from it.
    pub top_k: usize,
    /// How to rank.
    pub mode: SearchMode,
    /// The score floor.
    pub min_score: Option<f32>,
}

/// A numbered source of an answer: where the chunk comes from and whether the answer cites it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citation {
    /// The number the model sees (`[n]`), from 1.
    pub n: usize,
    /// The collection it was found in.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub collection_id: CollectionId,
    /// The chunk.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chunk_id: ChunkId,
    /// Its document.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub document_id: DocumentId,
    /// The document's title.
    pub document_title: String,
    /// The chunk's text.
    pub text: String,
    /// Its retrieval score.
    pub score: f32,
    /// Page, heading path and byte offsets in the document's text.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub position: Position,
    /// Whether the answer cites it with `[n]`.
    pub cited: bool,
}

/// The best `limit` chunks for `question` over `sources` the caller may read, best first and
/// numbered from 1. A collection deleted since (or no longer visible) is skipped; a collection
/// whose embedding model the caller is not granted refuses the whole question (403).
pub async fn retrieve(
    db: &Database,
    ollama: &OllamaClient,
    indexes: &Indexes,
    principal: &Principal,
    sources: &[Source],
    question: &str,
    limit: usize,
) -> Result<Vec<Citation>, RagError> {
    let mut found = Vec::new();
    for source in sources {
        let request = SearchRequest {
            query: question.to_owned(),
            top_k: source.top_k,
            mode: source.mode,
            min_score: source.min_score,
            filter: SearchFilter::default(),
            rerank: None,
        };
        match search_collection(
            db,
            ollama,
            indexes,
            principal,
            source.collection_id,
            request,
        )
        .await
        {
            Ok(answer) => found.extend(
                answer
                    .results
                    .into_iter()
                    .map(|r| (source.collection_id, r)),
            ),
            Err(VectorsError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    found.truncate(limit);
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(i, (collection_id, r))| Citation {
            n: i + 1,
            collection_id,
            chunk_id: r.chunk_id,
            document_id: r.document_id,
            document_title: r.document_title,
            text: r.text,
            score: r.score,
            position: r.position,
            cited: false,
        })
        .collect())
}

/// Where a source lies, as a reader would say it: `Title — Heading › Sub (page 3)`.
fn label(citation: &Citation) -> String {
    let mut label = citation.document_title.clone();
    if !citation.position.heading_path.is_empty() {
        label.push_str(" — ");
        label.push_str(&citation.position.heading_path.join(" › "));
    }
    if let Some(page) = citation.position.page {
        label.push_str(&format!(" (page {page})"));
    }
    label
}

/// The numbered sources as the model reads them, or [`NO_CONTEXT`] when there are none.
pub fn context_of(citations: &[Citation]) -> String {
    if citations.is_empty() {
        return NO_CONTEXT.to_owned();
    }
    citations
        .iter()
        .map(|c| format!("[{}] {}\n{}", c.n, label(c), c.text.trim()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `template` with `{{context}}` and `{{question}}` filled in (once each, left to right, so a
/// question quoting `{{context}}` stays text).
pub fn render(template: &str, context: &str, question: &str) -> String {
    let mut out = String::with_capacity(template.len() + context.len() + question.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{context}}") {
            out.push_str(context);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{{question}}") {
            out.push_str(question);
            rest = after;
        } else {
            out.push_str("{{");
            rest = &tail[2..];
        }
    }
    out.push_str(rest);
    out
}

/// The numbers `[n]` (also `[1, 3]` and `[2][4]`) an answer cites.
pub fn cited_numbers(answer: &str) -> Vec<usize> {
    let mut numbers = Vec::new();
    let mut rest = answer;
    while let Some(open) = rest.find('[') {
        let inside = &rest[open + 1..];
        let Some(close) = inside.find(']') else { break };
        let group = &inside[..close];
        if !group.is_empty()
            && group
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == ' ')
        {
            for part in group.split(',') {
                if let Ok(n) = part.trim().parse::<usize>()
                    && !numbers.contains(&n)
                {
                    numbers.push(n);
                }
            }
        }
        rest = &inside[close..];
    }
    numbers
}

/// `citations` with `cited` set for the sources `answer` names.
pub fn mark_cited(mut citations: Vec<Citation>, answer: &str) -> Vec<Citation> {
    let cited = cited_numbers(answer);
    for citation in &mut citations {
        citation.cited = cited.contains(&citation.n);
    }
    citations
}

/// A grounded reply's stored metadata brought up to date with its `answer` (the chat crate's
/// `Grounding::answered`): each of its `sources` gets `cited` as [`mark_cited`] sets it, so the
/// stored conversation and the `citations` event agree.
pub fn cite_stored_sources(fields: &mut serde_json::Map<String, serde_json::Value>, answer: &str) {
    let cited = cited_numbers(answer);
    let Some(serde_json::Value::Array(sources)) = fields.get_mut("sources") else {
        return;
    };
    for source in sources {
        let n = source.get("n").and_then(serde_json::Value::as_u64);
        let is_cited = n.is_some_and(|n| usize::try_from(n).is_ok_and(|n| cited.contains(&n)));
        if let serde_json::Value::Object(fields) = source {
            fields.insert("cited".into(), serde_json::Value::Bool(is_cited));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citation(n: usize, title: &str, headings: &[&str], page: Option<u32>) -> Citation {
        Citation {
            n,
            collection_id: CollectionId::new(),
            chunk_id: ChunkId::new(),
            document_id: DocumentId::new(),
            document_title: title.into(),
            text: format!("  text {n}  "),
            score: 0.5,
            position: Position {
                page,
                heading_path: headings.iter().map(|h| (*h).to_owned()).collect(),
                start: 0,
                end: 5,
            },
            cited: false,
        }
    }

    #[test]
    fn the_context_numbers_its_sources_with_where_they_come_from() {
        let context = context_of(&[
            citation(1, "Guide", &["Llamas", "Food"], None),
            citation(2, "Manual.pdf", &[], Some(3)),
        ]);
        assert_eq!(
            context,
            "[1] Guide — Llamas › Food\ntext 1\n\n[2] Manual.pdf (page 3)\ntext 2"
        );
        assert_eq!(context_of(&[]), NO_CONTEXT);
    }

    #[test]
    fn templates_fill_each_placeholder_once_and_keep_other_braces() {
        assert_eq!(
            render(
                "Q: {{question}}\nC: {{context}} {{x}}",
                "the {{question}}",
                "why?"
            ),
            "Q: why?\nC: the {{question}} {{x}}"
        );
        assert_eq!(render("{{question}}{{", "c", "q"), "q{{");
    }

    #[test]
    fn cited_numbers_are_read_in_all_the_usual_spellings() {
        assert_eq!(
            cited_numbers("Grass [1], hay [2][3] and [1, 4]."),
            vec![1, 2, 3, 4]
        );
        assert!(cited_numbers("no [citation] here [] or [a1]").is_empty());
        assert_eq!(cited_numbers("unclosed [2"), Vec::<usize>::new());
        let marked = mark_cited(
            vec![citation(1, "a", &[], None), citation(2, "b", &[], None)],
            "see [2]",
        );
        assert_eq!((marked[0].cited, marked[1].cited), (false, true));
    }

    #[test]
    fn stored_sources_are_marked_like_the_citations() {
        let sources = vec![
            citation(1, "A", &[], None),
            citation(2, "B", &[], None),
            citation(3, "C", &[], None),
        ];
        let answer = "Hay [2] and grass [3].";
        let mut fields = serde_json::Map::new();
        fields.insert("sources".into(), serde_json::json!(sources));
        cite_stored_sources(&mut fields, answer);
        assert_eq!(
            fields["sources"],
            serde_json::json!(mark_cited(sources, answer))
        );
        let mut none = serde_json::Map::new();
        cite_stored_sources(&mut none, answer);
        assert!(none.is_empty());
    }
}
