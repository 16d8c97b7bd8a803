//! What only the pgvector index has (the contract itself runs in `index.rs`, `search.rs` and
//! `quality.rs` on both indexes): lazy, idempotent preparation and a clear refusal where it
//! cannot serve; searches through the generation's partial HNSW index (EXPLAIN); vectors gone
//! with their generation, document or chunk (and a deleted generation's index at the next
//! preparation); generations of different dimensions side by
//! side; and recall@10 with and without a document filter against the builtin's exact search.

mod support;

use std::sync::Arc;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};
use owp_db::schema::{collection_generations, collections, document_chunks, documents};
use owp_testkit::{Backend, TestDatabase};
use owp_vectors::{
    BuiltinIndex, Distance, NewVector, PgvectorIndex, VectorIndex, VectorQuery, VectorsError,
};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut AnyConnection, sql: &str, bind: &str) -> i64 {
    diesel::sql_query(sql)
        .bind::<Text, _>(bind)
        .get_result::<Count>(conn)
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .n
}

fn rows_of(conn: &mut AnyConnection, generation: GenerationId) -> i64 {
    count(
        conn,
        "SELECT count(*) AS n FROM pgvector_chunks WHERE generation_id = $1",
        &generation.to_string(),
    )
}

/// splitmix64: reproducible pseudo-random vectors without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn vector(&mut self, dimensions: usize) -> Vec<f32> {
        (0..dimensions)
            .map(|_| (self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
            .collect()
    }
}

/// `documents` documents of `per_document` chunks each, with random vectors.
fn corpus(
    conn: &mut AnyConnection,
    fx: &support::Fixture,
    documents: usize,
    per_document: usize,
    dimensions: usize,
    rng: &mut Rng,
) -> Vec<(ChunkId, DocumentId, Vec<f32>)> {
    let texts: Vec<String> = (0..per_document).map(|i| format!("chunk {i}")).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for d in 0..documents {
        let doc = support::add_document(conn, fx, &format!("document {d}"));
        for chunk in support::add_texts(conn, doc, &texts) {
            out.push((chunk, doc, rng.vector(dimensions)));
        }
    }
    out
}

fn insert_all(
    index: &dyn VectorIndex,
    conn: &mut AnyConnection,
    generation: GenerationId,
    distance: Distance,
    rows: &[(ChunkId, DocumentId, Vec<f32>)],
) {
    let batch: Vec<NewVector<'_>> = rows
        .iter()
        .map(|(chunk, doc, vector)| NewVector {
            chunk_id: *chunk,
            document_id: *doc,
            vector,
        })
        .collect();
    for part in batch.chunks(700) {
        index.insert(conn, generation, distance, part).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepares_once_idempotently_and_refuses_where_it_cannot_serve() {
    let test_db = TestDatabase::create_pgvector();
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        // A fresh database has the extension available but not created, and no table.
        assert!(PgvectorIndex::available(conn)?);
        let tables = "SELECT count(to_regclass($1)) AS n";
        assert_eq!(count(conn, tables, "pgvector_chunks"), 0);
        let (one, two) = (PgvectorIndex::new(), PgvectorIndex::new());
        one.prepare(conn)?;
        one.prepare(conn)?;
        two.prepare(conn)?;
        assert_eq!(count(conn, tables, "pgvector_chunks"), 1);
        let extension = "SELECT count(*) AS n FROM pg_extension WHERE extname = $1";
        assert_eq!(count(conn, extension, "vector"), 1);

        // Inside a caller's transaction too (a savepoint), e.g. a search during a job step.
        conn.transaction(|conn| two.prepare(conn))?;
        Ok(())
    })
    .await
    .unwrap();

    // SQLite, and a PostgreSQL without the extension: refused with a 422 that says why.
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let plain = TestDatabase::create(backend);
        let db = plain.migrated().await;
        db.run(move |conn| -> Result<(), VectorsError> {
            let fx = support::setup(conn);
            assert!(!PgvectorIndex::available(conn)?, "{backend:?}");
            let index = PgvectorIndex::new();
            let refused = |err: VectorsError| {
                matches!(&err, VectorsError::Invalid(field, message)
                    if field == "backend" && message.contains("pgvector needs PostgreSQL"))
            };
            assert!(refused(index.prepare(conn).unwrap_err()), "{backend:?}");
            let query = VectorQuery {
                generation: fx.generation,
                vector: &[1.0, 0.0],
                k: 3,
                distance: Distance::Cosine,
                documents: None,
            };
            assert!(refused(index.search(conn, &query).unwrap_err()));
            Ok(())
        })
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// 10k rows: below about 5k PostgreSQL rightly prefers reading the generation's rows and
/// sorting them (exact, and cheaper there); from about 10k it chooses the HNSW index unaided,
/// with or without a document filter.
async fn searches_go_through_the_generations_hnsw_index() {
    let test_db = TestDatabase::create_pgvector();
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = PgvectorIndex::new();
        let rows = corpus(conn, &fx, 20, 500, 32, &mut Rng(7));
        insert_all(&index, conn, fx.generation, Distance::Cosine, &rows);
        diesel::sql_query("ANALYZE pgvector_chunks").execute(conn)?;
        let hex: String = fx.generation.to_string().replace('-', "");
        let expected = format!("Index Scan using pgvector_hnsw_{hex}");
        let some: Vec<DocumentId> = rows.iter().map(|r| r.1).step_by(1000).collect();
        for documents in [None, Some(some.as_slice())] {
            let query = VectorQuery {
                generation: fx.generation,
                vector: &rows[0].2,
                k: 10,
                distance: Distance::Cosine,
                documents,
            };
            let plan = index.explain(conn, &query)?.join("\n");
            assert!(plan.contains(&expected), "{plan}");
            let hits = index.search(conn, &query)?;
            assert_eq!(hits.len(), 10);
            if documents.is_none() {
                assert_eq!(hits[0].chunk_id, rows[0].0);
            }
        }
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vectors_go_with_their_chunk_document_and_generation() {
    let test_db = TestDatabase::create_pgvector();
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = PgvectorIndex::new();
        let rows = corpus(conn, &fx, 3, 4, 8, &mut Rng(1));
        let second = support::add_generation(conn, &fx, 2);
        insert_all(&index, conn, fx.generation, Distance::L2, &rows);
        insert_all(&index, conn, second, Distance::L2, &rows);
        assert_eq!(rows_of(conn, fx.generation), 12);

        diesel::delete(document_chunks::table.find(rows[0].0.to_string())).execute(conn)?;
        assert_eq!(rows_of(conn, fx.generation), 11);
        diesel::delete(documents::table.find(rows[4].1.to_string())).execute(conn)?;
        assert_eq!(rows_of(conn, fx.generation), 7);
        assert_eq!(rows_of(conn, second), 7);

        // A generation deleted (retired after a rebuild) takes its vectors; its empty partial
        // index goes at the next preparation (a start of the server).
        let index_of = |generation: GenerationId| {
            format!("pgvector_hnsw_{}", generation.to_string().replace('-', ""))
        };
        let exists = "SELECT count(to_regclass($1)) AS n";
        assert_eq!(count(conn, exists, &index_of(fx.generation)), 1);
        diesel::delete(collection_generations::table.find(fx.generation.to_string()))
            .execute(conn)?;
        assert_eq!(rows_of(conn, fx.generation), 0);
        assert_eq!(rows_of(conn, second), 7);
        PgvectorIndex::new().prepare(conn)?;
        assert_eq!(count(conn, exists, &index_of(fx.generation)), 0);
        assert_eq!(count(conn, exists, &index_of(second)), 1);
        // And a deleted collection takes all of its generations' vectors.
        diesel::delete(collections::table.find(fx.collection.to_string())).execute(conn)?;
        assert_eq!(rows_of(conn, second), 0);
        Ok(())
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generations_of_different_dimensions_live_side_by_side() {
    let test_db = TestDatabase::create_pgvector();
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = PgvectorIndex::new();
        let mut rng = Rng(3);
        let small = corpus(conn, &fx, 2, 5, 3, &mut rng);
        let wide_generation = support::add_generation(conn, &fx, 2);
        let wide: Vec<_> = small
            .iter()
            .map(|(chunk, doc, _)| (*chunk, *doc, rng.vector(768)))
            .collect();
        insert_all(&index, conn, fx.generation, Distance::Cosine, &small);
        insert_all(&index, conn, wide_generation, Distance::Dot, &wide);

        let indexes = "SELECT count(*) AS n FROM pg_indexes \
                       WHERE tablename = 'pgvector_chunks' AND indexdef LIKE $1";
        assert_eq!(count(conn, indexes, "%vector(3)) vector_cosine_ops%"), 1);
        assert_eq!(count(conn, indexes, "%vector(768)) vector_ip_ops%"), 1);

        for (generation, distance, rows) in [
            (fx.generation, Distance::Cosine, &small),
            (wide_generation, Distance::Dot, &wide),
        ] {
            let query = VectorQuery {
                generation,
                vector: &rows[3].2,
                k: 3,
                distance,
                documents: None,
            };
            let hits = index.search(conn, &query)?;
            assert_eq!(hits.len(), 3);
            if distance == Distance::Cosine {
                assert_eq!(hits[0].chunk_id, rows[3].0);
            }
        }
        let wrong = VectorQuery {
            generation: fx.generation,
            vector: &wide[0].2,
            k: 3,
            distance: Distance::Cosine,
            documents: None,
        };
        assert_eq!(
            index.search(conn, &wrong),
            Err(VectorsError::DimensionMismatch {
                expected: 3,
                actual: 768
            })
        );
        Ok(())
    })
    .await
    .unwrap();
}

/// Recall@10 of the HNSW search against the builtin index's exact scan of the same vectors
/// (both indexes fed the same rows in one database), with and without a document filter; and
/// the scores of the chunks both return agree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recall_at_10_against_exact_search_with_and_without_filters() {
    let test_db = TestDatabase::create_pgvector();
    let db = test_db.migrated().await;
    let pgvector: Arc<dyn VectorIndex> = Arc::new(PgvectorIndex::new());
    let builtin: Arc<dyn VectorIndex> = Arc::new(BuiltinIndex::default());
    db.run(move |conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let mut rng = Rng(42);
        let rows = corpus(conn, &fx, 50, 100, 64, &mut rng);
        for index in [&pgvector, &builtin] {
            insert_all(index.as_ref(), conn, fx.generation, Distance::Cosine, &rows);
        }
        diesel::sql_query("ANALYZE pgvector_chunks").execute(conn)?;
        let all_documents: Vec<DocumentId> = rows.iter().map(|r| r.1).step_by(100).collect();
        for filtered in [false, true] {
            let (mut found, mut wanted) = (0, 0);
            for q in 0..40 {
                let vector = rng.vector(64);
                // A fifth of the documents, different for each query.
                let allowed: Vec<DocumentId> = all_documents
                    .iter()
                    .copied()
                    .skip(q % 5)
                    .step_by(5)
                    .collect();
                let query = VectorQuery {
                    generation: fx.generation,
                    vector: &vector,
                    k: 10,
                    distance: Distance::Cosine,
                    documents: filtered.then_some(allowed.as_slice()),
                };
                let exact = builtin.search(conn, &query)?;
                let approximate = pgvector.search(conn, &query)?;
                assert_eq!(approximate.len(), 10, "a filter still yields k rows");
                for hit in &approximate {
                    if let Some(reference) = exact.iter().find(|e| e.chunk_id == hit.chunk_id) {
                        found += 1;
                        assert!((reference.score - hit.score).abs() < 1e-5);
                    }
                    if let Some(allowed) = query.documents {
                        assert!(allowed.contains(&hit.document_id));
                    }
                }
                wanted += exact.len();
            }
            let recall = f64::from(found) / wanted as f64;
            println!("pgvector recall@10 (filtered: {filtered}) = {recall:.3}");
            assert!(recall >= 0.95, "recall@10 {recall} (filtered: {filtered})");
        }
        Ok(())
    })
    .await
    .unwrap();
}
