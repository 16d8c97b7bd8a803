//! pgvector figures beside the builtin ones of `retrieval.rs` (DESIGN §8): `PgvectorIndex`
//! over 10k and 100k vectors of 384 dimensions on the PostgreSQL with pgvector
//! (`TEST_PGVECTOR_URL`, default 127.0.0.1:5433, `make pgvector`): insertion through the HNSW
//! index, search p50/p99 (top-10, cosine) over the whole generation and with a document
//! allow-list of a tenth of the documents, and recall@10 of each against exact search.
//!
//! Two kinds of data. *Topics*: each document has a topic (a random direction) and its chunks
//! lie around it (topic + an equally long random offset: cosine ≈ 0.7 to the topic, ≈ 0.5
//! between chunks of a document, ≈ 0 across documents); a query is a new point around one
//! document's topic (with an allow-list, a document in it) — the shape of real embeddings,
//! where a question has neighbours. *Random*: uniformly random unit vectors, as
//! `retrieval.rs` uses for the exact scan — no point has real neighbours, the worst case for
//! any approximate index (10k only).
//!
//! Run with `cargo bench -p owp-vectors --bench pgvector`. Prints figures; asserts nothing;
//! without the server it prints a note and ends.

#![expect(clippy::unwrap_used, reason = "a benchmark stops at the first failure")]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use owp_db::ids::{ChunkId, DocumentId};
use owp_db::{AnyConnection, DatabaseUrl};
use owp_testkit::{TestDatabase, pgvector_admin_url};
use owp_vectors::{Distance, NewVector, PgvectorIndex, VectorIndex, VectorQuery};

const DIMENSIONS: usize = 384;
const CHUNKS_PER_DOCUMENT: usize = 100;
const QUERIES: usize = 200;
const BATCH: usize = 1000;

/// splitmix64, as in `retrieval.rs`: the same kind of data for both indexes.
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
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct Corpus {
    _database: TestDatabase,
    kind: Kind,
    conn: AnyConnection,
    fixture: support::Fixture,
    documents: Vec<DocumentId>,
    topics: Vec<Vec<f32>>,
    chunks: Vec<ChunkId>,
    vectors: Vec<Vec<f32>>,
}

/// How the vectors are drawn (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Topics,
    Random,
}

/// `topic` plus a random offset of the same length, normalised.
fn around(topic: &[f32], rng: &mut Rng) -> Vec<f32> {
    let offset = rng.unit_vector();
    let mut v: Vec<f32> = topic.iter().zip(&offset).map(|(t, o)| t + o).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// A fresh database on the pgvector server with `rows` chunks and their vectors indexed.
fn corpus(index: &PgvectorIndex, kind: Kind, rows: usize, rng: &mut Rng) -> Corpus {
    let database = TestDatabase::create_pgvector();
    let mut conn = DatabaseUrl::parse(database.url())
        .unwrap()
        .establish()
        .unwrap();
    let fixture = support::setup(&mut conn);
    let documents: Vec<DocumentId> = (0..rows.div_ceil(CHUNKS_PER_DOCUMENT))
        .map(|i| support::add_document(&mut conn, &fixture, &format!("document {i}")))
        .collect();
    let texts: Vec<String> = (0..rows).map(|i| format!("chunk {i}")).collect();
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
    let topics: Vec<Vec<f32>> = documents.iter().map(|_| rng.unit_vector()).collect();
    let vectors: Vec<Vec<f32>> = (0..rows)
        .map(|i| match kind {
            Kind::Topics => around(&topics[i / CHUNKS_PER_DOCUMENT], rng),
            Kind::Random => rng.unit_vector(),
        })
        .collect();
    let new_vectors: Vec<NewVector<'_>> = (0..rows)
        .map(|i| NewVector {
            chunk_id: chunks[i],
            document_id: documents[i / CHUNKS_PER_DOCUMENT],
            vector: &vectors[i],
        })
        .collect();
    let started = Instant::now();
    for batch in new_vectors.chunks(BATCH) {
        index
            .insert(&mut conn, fixture.generation, Distance::Cosine, batch)
            .unwrap();
    }
    let took = started.elapsed();
    diesel::sql_query("ANALYZE pgvector_chunks")
        .execute(&mut conn)
        .unwrap();
    println!(
        "  set-up: {rows} vectors inserted into the HNSW index in {:.1} s ({:.0} rows/s, \
         batches of {BATCH})",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    Corpus {
        _database: database,
        kind,
        conn,
        fixture,
        documents,
        topics,
        chunks,
        vectors,
    }
}

/// The exact top-10 by brute force among the allowed documents' chunks.
fn reference_top10(corpus: &Corpus, query: &[f32], allowed: Option<&[DocumentId]>) -> Vec<ChunkId> {
    let mut scored: Vec<(f32, usize)> = corpus
        .vectors
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            allowed.is_none_or(|a| a.contains(&corpus.documents[i / CHUNKS_PER_DOCUMENT]))
        })
        .map(|(i, v)| (v.iter().zip(query).map(|(a, b)| a * b).sum::<f32>(), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .iter()
        .take(10)
        .map(|(_, i)| corpus.chunks[*i])
        .collect()
}

fn measure(index: &PgvectorIndex, corpus: &mut Corpus, rows: usize, rng: &mut Rng, filtered: bool) {
    // A tenth of the documents, another tenth for each query.
    let allowed: Vec<Vec<DocumentId>> = (0..10)
        .map(|offset| {
            corpus
                .documents
                .iter()
                .copied()
                .skip(offset)
                .step_by(10)
                .collect()
        })
        .collect();
    // With an allow-list, a topic query asks about a document in it.
    let queries: Vec<Vec<f32>> = (0..QUERIES)
        .map(|i| match corpus.kind {
            Kind::Random => rng.unit_vector(),
            Kind::Topics => {
                let documents = corpus.documents.len();
                let document = if filtered {
                    // The allow-list of query i holds documents i % 10, i % 10 + 10, …
                    (rng.next() as usize) % (documents / 10) * 10 + i % 10
                } else {
                    (rng.next() as usize) % documents
                };
                around(&corpus.topics[document], rng)
            }
        })
        .collect();
    let query = |i: usize| VectorQuery {
        generation: corpus.fixture.generation,
        vector: &queries[i],
        k: 10,
        distance: Distance::Cosine,
        documents: filtered.then(|| allowed[i % 10].as_slice()),
    };
    let plan = index.explain(&mut corpus.conn, &query(0)).unwrap();
    let uses_hnsw = plan.iter().any(|l| l.contains("pgvector_hnsw_"));
    index.search(&mut corpus.conn, &query(0)).unwrap();
    let mut times = Vec::with_capacity(QUERIES);
    let (mut found, mut wanted) = (0_usize, 0_usize);
    for (i, vector) in queries.iter().enumerate() {
        let q = query(i);
        let started = Instant::now();
        let hits = index.search(&mut corpus.conn, &q).unwrap();
        times.push(started.elapsed());
        let reference = reference_top10(corpus, vector, q.documents);
        found += hits
            .iter()
            .filter(|h| reference.contains(&h.chunk_id))
            .count();
        wanted += reference.len();
    }
    times.sort();
    println!(
        "  {:?}: top-10 over {rows} x {DIMENSIONS}{}: p50 {}, p99 {}, recall@10 {:.3} \
         (HNSW index in the plan: {uses_hnsw})",
        corpus.kind,
        if filtered {
            ", allow-list of 1/10 of the documents"
        } else {
            ""
        },
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        found as f64 / wanted as f64,
    );
}

fn main() {
    let url = pgvector_admin_url();
    if let Err(err) = PgConnection::establish(&url) {
        println!(
            "pgvector bench skipped: no PostgreSQL with pgvector at {url} ({err}); \
             run `make pgvector` or set TEST_PGVECTOR_URL"
        );
        return;
    }
    let mut rng = Rng(0x5eed);
    for (kind, rows) in [
        (Kind::Topics, 10_000),
        (Kind::Random, 10_000),
        (Kind::Topics, 100_000),
    ] {
        println!("pgvector, {kind:?}, {rows} chunks:");
        let index = PgvectorIndex::new();
        let mut corpus = corpus(&index, kind, rows, &mut rng);
        measure(&index, &mut corpus, rows, &mut rng, false);
        measure(&index, &mut corpus, rows, &mut rng, true);
    }
}
