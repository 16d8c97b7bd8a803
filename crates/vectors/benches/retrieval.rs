//! Retrieval figures (DESIGN §8): the builtin index's exact search over 10k and 100k random unit
//! vectors of 384 dimensions (p50/p99 after the one-off load from SQLite, which is reported
//! too), its recall@10 against a brute-force reference, and the hybrid query (lexical + vector,
//! RRF) at 100k chunks on SQLite — then the same at 100k on PostgreSQL (a fresh database from
//! the test kit, so PostgreSQL must be running as for the tests). Run with
//! `cargo bench -p owp-vectors --bench retrieval`.
//! Prints figures; asserts nothing.

#![expect(clippy::unwrap_used, reason = "a benchmark stops at the first failure")]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use owp_db::ids::{ChunkId, DocumentId};
use owp_db::{AnyConnection, DatabaseUrl};
use owp_testkit::{Backend, TestDatabase};
use owp_vectors::{
    BuiltinIndex, Distance, NewVector, SearchMode, SearchParams, SearchTarget, VectorIndex,
    VectorQuery, search,
};

const DIMENSIONS: usize = 384;
const CHUNKS_PER_DOCUMENT: usize = 100;
const QUERIES: usize = 200;
const VOCABULARY: usize = 20_000;
const WORDS_PER_CHUNK: usize = 80;
/// The most frequent ranks of the vocabulary stand for English function words (about as many
/// as the stop-word list), which together make up roughly half of real text.
const FUNCTION_WORDS: usize = 120;

/// splitmix64: reproducible pseudo-random numbers without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// A random direction: Gaussian components (Box–Muller), normalised.
    fn unit_vector(&mut self) -> Vec<f32> {
        let mut v: Vec<f32> = (0..DIMENSIONS)
            .map(|_| {
                let (u1, u2) = (self.unit().max(1e-12), self.unit());
                ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v
    }

    /// A word of a Zipf-like vocabulary (rank r drawn with probability ~ 1/r).
    fn word(&mut self) -> String {
        let rank = (VOCABULARY as f64).powf(self.unit()) as usize;
        word_for(rank)
    }

    /// A word a question would search for: as [`Rng::word`], but never one of the
    /// [`FUNCTION_WORDS`] most frequent ranks, which in English are the stop words that
    /// `lexical::query_words` drops (the chunks' texts keep them, as real text does).
    fn query_word(&mut self) -> String {
        loop {
            let rank = (VOCABULARY as f64).powf(self.unit()) as usize;
            if rank > FUNCTION_WORDS {
                return word_for(rank);
            }
        }
    }
}

/// A made-up but stable word for a vocabulary rank ("bakelo", "tirumi", …).
fn word_for(rank: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ba", "ke", "lo", "ti", "ru", "mi", "so", "na", "ve", "do", "pa", "gu", "zi", "fe", "ho",
        "ly",
    ];
    let mut n = rank;
    let mut word = String::new();
    for _ in 0..4 {
        word.push_str(SYLLABLES[n % 16]);
        n /= 16;
    }
    word
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct Corpus {
    _database: Database,
    engine: &'static str,
    conn: AnyConnection,
    fixture: support::Fixture,
    documents: Vec<DocumentId>,
    chunks: Vec<ChunkId>,
    vectors: Vec<Vec<f32>>,
}

/// A migrated SQLite file with `rows` chunks (with text) and their vectors indexed.
/// Where a corpus lives: a SQLite file in a temporary folder, or a fresh PostgreSQL database
/// from the test kit (dropped afterwards).
#[expect(
    dead_code,
    reason = "held only so the database is removed when the corpus is dropped"
)]
enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

/// A migrated database of the backend with `rows` chunks (with text) and their vectors indexed.
fn corpus(backend: Backend, rows: usize, rng: &mut Rng) -> Corpus {
    let (database, mut conn) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bench.db");
            let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
            let mut conn = url.establish().unwrap();
            owp_db::run_migrations(&mut conn).unwrap();
            (Database::Sqlite(dir), conn)
        }
        Backend::Postgres => {
            let test_db = TestDatabase::create(Backend::Postgres);
            let conn = DatabaseUrl::parse(test_db.url())
                .unwrap()
                .establish()
                .unwrap();
            (Database::Postgres(test_db), conn)
        }
    };
    let fixture = support::setup(&mut conn);
    let started = Instant::now();
    let documents: Vec<DocumentId> = (0..rows.div_ceil(CHUNKS_PER_DOCUMENT))
        .map(|i| support::add_document(&mut conn, &fixture, &format!("document {i}")))
        .collect();
    let texts: Vec<String> = (0..rows)
        .map(|_| {
            (0..WORDS_PER_CHUNK)
                .map(|_| rng.word())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let new_chunks: Vec<support::NewChunk<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| support::NewChunk {
            document: documents[i / CHUNKS_PER_DOCUMENT],
            spec: support::SPEC,
            ordinal: (i % CHUNKS_PER_DOCUMENT) as i64,
            text,
            page: None,
            heading_path: None,
        })
        .collect();
    let chunks = support::add_chunks(&mut conn, &new_chunks);
    let chunks_time = started.elapsed();
    let vectors: Vec<Vec<f32>> = (0..rows).map(|_| rng.unit_vector()).collect();
    let started = Instant::now();
    let new_vectors: Vec<NewVector<'_>> = (0..rows)
        .map(|i| NewVector {
            chunk_id: chunks[i],
            document_id: documents[i / CHUNKS_PER_DOCUMENT],
            vector: &vectors[i],
        })
        .collect();
    BuiltinIndex::new(0)
        .insert(
            &mut conn,
            fixture.generation,
            Distance::Cosine,
            &new_vectors,
        )
        .unwrap();
    println!(
        "  set-up: {rows} chunks with text in {} (one transaction), their vectors in {}",
        ms(chunks_time),
        ms(started.elapsed())
    );
    Corpus {
        _database: database,
        engine: match backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        conn,
        fixture,
        documents,
        chunks,
        vectors,
    }
}

/// The exact top-10 by brute force, as chunk ids.
fn reference_top10(corpus: &Corpus, query: &[f32]) -> Vec<ChunkId> {
    let mut scored: Vec<(f32, usize)> = corpus
        .vectors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.iter().zip(query).map(|(a, b)| a * b).sum::<f32>(), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored[..10]
        .iter()
        .map(|(_, i)| corpus.chunks[*i])
        .collect()
}

fn vector_search(corpus: &mut Corpus, rows: usize, rng: &mut Rng) {
    for threads in [1, 2] {
        let index = BuiltinIndex::new(1 << 30).with_scan_threads(threads);
        let queries: Vec<Vec<f32>> = (0..QUERIES).map(|_| rng.unit_vector()).collect();
        let query = |conn: &mut AnyConnection, vector: &[f32]| {
            index
                .search(
                    conn,
                    &VectorQuery {
                        generation: corpus.fixture.generation,
                        vector,
                        k: 10,
                        distance: Distance::Cosine,
                        documents: None,
                    },
                )
                .unwrap()
        };
        let started = Instant::now();
        query(&mut corpus.conn, &queries[0]);
        let load = started.elapsed();
        let mut times = Vec::with_capacity(QUERIES);
        let mut found = 0_usize;
        for vector in &queries {
            let started = Instant::now();
            let hits = query(&mut corpus.conn, vector);
            times.push(started.elapsed());
            let reference = reference_top10(corpus, vector);
            found += hits
                .iter()
                .filter(|h| reference.contains(&h.chunk_id))
                .count();
        }
        times.sort();
        println!(
            "  exact top-10 over {rows} x {DIMENSIONS}, {threads} scan thread(s): p50 {}, p99 {}, \
             recall@10 {:.3}; one-off load from {} {} ({:.0} MiB cached)",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            found as f64 / (10 * QUERIES) as f64,
            corpus.engine,
            ms(load),
            index.stats().bytes as f64 / (1024.0 * 1024.0),
        );
    }
}

fn hybrid_search(corpus: &mut Corpus, rows: usize, rng: &mut Rng) {
    let index = BuiltinIndex::default();
    let target = SearchTarget {
        generation_id: corpus.fixture.generation,
        distance: Distance::Cosine,
        spec: support::SPEC,
        document_ids: &corpus.documents,
    };
    let cases: Vec<(String, Vec<f32>)> = (0..QUERIES)
        .map(|_| {
            let text = (0..3)
                .map(|_| rng.query_word())
                .collect::<Vec<_>>()
                .join(" ");
            (text, rng.unit_vector())
        })
        .collect();
    for mode in [SearchMode::Hybrid, SearchMode::Lexical, SearchMode::Vector] {
        let params = SearchParams {
            top_k: 10,
            mode,
            min_score: None,
        };
        search(
            &mut corpus.conn,
            &index,
            &target,
            &cases[0].0,
            Some(&cases[0].1),
            &params,
        )
        .unwrap();
        let mut times = Vec::with_capacity(QUERIES);
        for (text, vector) in &cases {
            let started = Instant::now();
            let results = search(
                &mut corpus.conn,
                &index,
                &target,
                text,
                Some(vector),
                &params,
            )
            .unwrap();
            times.push(started.elapsed());
            assert!(!results.is_empty());
        }
        times.sort();
        println!(
            "  search() {mode} top-10 at {rows} chunks ({}, 3-word queries): p50 {}, p99 {}",
            corpus.engine,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
        );
    }
}

fn main() {
    let mut rng = Rng(0x5eed);
    for (backend, rows) in [
        (Backend::Sqlite, 10_000),
        (Backend::Sqlite, 100_000),
        (Backend::Postgres, 100_000),
    ] {
        println!("{backend:?}, {rows} chunks:");
        let mut corpus = corpus(backend, rows, &mut rng);
        vector_search(&mut corpus, rows, &mut rng);
        if rows == 100_000 {
            hybrid_search(&mut corpus, rows, &mut rng);
        }
    }
}
