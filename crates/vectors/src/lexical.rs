//! Lexical (keyword) search over a collection's chunks, in each database's own full-text index:
//! SQLite FTS5 (`document_chunks_fts`, porter stemmer, ranked by `bm25()`), PostgreSQL
//! `to_tsvector('english', text)` (GIN expression index, ranked by `ts_rank_cd`).
//!
//! The user's text never reaches a query language as is: it is cut into words (letters and
//! digits only, lower-cased), English stop words are dropped, at most [`MAX_QUERY_WORDS`]
//! distinct words are kept, and the words are OR-ed — each one quoted for FTS5
//! (`"llama" OR "wool"`), `to_tsquery('english', 'llama | wool')` for PostgreSQL. Nothing left
//! after that (only punctuation or stop words) means no hits, not an error.
//!
//! Scores are "higher is better" and lie in [0, 1) on both databases: the engine's rank `r`
//! (SQLite: `-bm25()`, PostgreSQL: `ts_rank_cd`) mapped through `r / (r + 1)` (PostgreSQL's
//! normalisation flag 32), so a floor of 0.5 means "engine rank at least 1". The engines rank
//! differently (BM25 vs cover density), so equal scores on the two databases are not equal
//! relevance; the order within one database is what counts.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Text};
use owp_db::AnyConnection;
use owp_db::ids::{DocumentId, parse_stored_id};

use crate::error::VectorsError;
use crate::index::Hit;
use crate::stopwords::is_stop_word;

/// Most distinct words a lexical query keeps (the first ones); longer questions add little and
/// every word is another posting list to merge.
pub const MAX_QUERY_WORDS: usize = 32;

/// Longest word kept, in characters; longer "words" are pasted noise (hashes, base64).
const MAX_WORD_CHARS: usize = 64;

/// The words of a query as searched: lower-cased runs of letters and digits, stop words and
/// repeats dropped, at most [`MAX_QUERY_WORDS`].
pub fn query_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() || word.chars().count() > MAX_WORD_CHARS {
            continue;
        }
        let word = word.to_lowercase();
        if is_stop_word(&word) || words.contains(&word) {
            continue;
        }
        words.push(word);
        if words.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    words
}

/// An FTS5 MATCH expression: every word quoted (so none is read as an operator or column) and
/// OR-ed. Words hold letters and digits only, so they never contain a quote.
pub fn fts5_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The text of `to_tsquery('english', …)`: the words OR-ed. Words hold letters and digits
/// only, so they never contain an operator, quote or weight mark.
pub fn tsquery(words: &[String]) -> String {
    words.join(" | ")
}

#[derive(QueryableByName)]
struct LexicalRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    document_id: String,
    /// The engine's rank, higher is better (not FTS5's hidden `rank` column, which is lower).
    #[diesel(sql_type = Double)]
    relevance: f64,
}

const SQLITE_SEARCH: &str = "\
SELECT c.id AS id, c.document_id AS document_id, -bm25(document_chunks_fts) AS relevance \
FROM document_chunks_fts JOIN document_chunks c ON c.seq = document_chunks_fts.rowid \
WHERE document_chunks_fts MATCH ? AND c.spec = ? \
AND c.document_id IN (SELECT value FROM json_each(?)) \
ORDER BY relevance DESC, c.seq LIMIT ?";

// The WHERE clause repeats the GIN index's expression exactly, so the planner can use it.
const POSTGRES_SEARCH: &str = "\
SELECT c.id AS id, c.document_id AS document_id, \
ts_rank_cd(to_tsvector('english', c.text), to_tsquery('english', $1))::float8 AS relevance \
FROM document_chunks c \
WHERE to_tsvector('english', c.text) @@ to_tsquery('english', $1) AND c.spec = $2 \
AND c.document_id = ANY($3) \
ORDER BY relevance DESC, c.seq LIMIT $4";

/// The `k` best chunks of `spec` among `documents` for the words of `text`, best first.
pub fn search(
    conn: &mut AnyConnection,
    spec: &str,
    documents: &[DocumentId],
    text: &str,
    k: usize,
) -> Result<Vec<Hit>, VectorsError> {
    let words = query_words(text);
    if words.is_empty() || documents.is_empty() || k == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(k).unwrap_or(i64::MAX);
    let rows: Vec<LexicalRow> = match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(SQLITE_SEARCH)
            .bind::<Text, _>(fts5_query(&words))
            .bind::<Text, _>(spec)
            .bind::<Text, _>(json_array(documents))
            .bind::<BigInt, _>(limit)
            .load(c)?,
        AnyConnection::Pg(c) => diesel::sql_query(POSTGRES_SEARCH)
            .bind::<Text, _>(tsquery(&words))
            .bind::<Text, _>(spec)
            .bind::<Array<Text>, _>(
                documents
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
            )
            .bind::<BigInt, _>(limit)
            .load(c)?,
    };
    rows.into_iter()
        .map(|row| {
            let rank = row.relevance.max(0.0);
            Ok(Hit {
                chunk_id: parse_stored_id(&row.id)?,
                document_id: parse_stored_id(&row.document_id)?,
                score: (rank / (rank + 1.0)) as f32,
            })
        })
        .collect()
}

/// A JSON array of ids for SQLite's `json_each` (one bind, however many documents; ids are
/// UUIDs, so they need no escaping).
fn json_array(documents: &[DocumentId]) -> String {
    let items: Vec<String> = documents.iter().map(|d| format!("\"{d}\"")).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_words_only_once_without_stop_words() {
        assert_eq!(
            query_words("What do LLAMAS eat? llamas, grass & \"hay\"; OR NOT -x*"),
            vec!["llamas", "eat", "grass", "hay", "x"]
        );
        assert_eq!(
            query_words("Ünïcode café 42"),
            vec!["ünïcode", "café", "42"]
        );
        assert!(query_words("  ?!* the of and ... ").is_empty());
        let long = "y".repeat(65);
        assert_eq!(query_words(&format!("{long} short")), vec!["short"]);
        let many: String = (0..50).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_words(&many).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn engine_queries_quote_and_or_the_words() {
        let words = query_words("NEAR(llama wool) col:x");
        assert_eq!(words, vec!["near", "llama", "wool", "col", "x"]);
        assert_eq!(
            fts5_query(&words),
            "\"near\" OR \"llama\" OR \"wool\" OR \"col\" OR \"x\""
        );
        assert_eq!(tsquery(&words), "near | llama | wool | col | x");
        let id = DocumentId::new();
        assert_eq!(json_array(&[id]), format!("[\"{id}\"]"));
        assert_eq!(json_array(&[]), "[]");
    }
}
