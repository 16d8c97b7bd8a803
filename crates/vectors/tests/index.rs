//! The builtin index on both backends: insert (one transaction, revision bump, dimension
//! learned and enforced, replace on retry), search (order, k, document allow-list, distances),
//! removal (by document, by FK cascade), and a second replica's copy reloaded by revision.

mod support;

use std::sync::Arc;

use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId, GenerationId};
use owp_db::schema::{chunk_vectors, collection_generations, document_chunks, documents};
use owp_testkit::{Backend, TestDatabase, on_both_backends};
use owp_vectors::{
    BuiltinIndex, Distance, Hit, IndexBackend, NewVector, VectorIndex, VectorQuery, VectorsError,
    revision,
};

on_both_backends!(
    vectors_are_indexed_searched_and_removed,
    a_second_replica_reloads_after_a_change,
    each_distance_scores_higher_for_nearer_vectors,
    the_cache_keeps_to_its_byte_budget,
    concurrent_searches_share_one_copy
);

fn query<'a>(
    generation: GenerationId,
    vector: &'a [f32],
    k: usize,
    documents: Option<&'a [DocumentId]>,
) -> VectorQuery<'a> {
    VectorQuery {
        generation,
        vector,
        k,
        distance: Distance::Cosine,
        documents,
    }
}

fn chunk_ids(hits: &[Hit]) -> Vec<ChunkId> {
    hits.iter().map(|h| h.chunk_id).collect()
}

fn stored_rows(conn: &mut AnyConnection, generation: GenerationId) -> i64 {
    chunk_vectors::table
        .filter(chunk_vectors::generation_id.eq(generation.to_string()))
        .count()
        .get_result(conn)
        .unwrap()
}

async fn vectors_are_indexed_searched_and_removed(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = BuiltinIndex::default();
        assert_eq!(index.backend(), IndexBackend::Builtin);
        let g = fx.generation;
        let a = support::add_document(conn, &fx, "A");
        let b = support::add_document(conn, &fx, "B");
        let ca = support::add_texts(conn, a, &["a0", "a1"]);
        let cb = support::add_texts(conn, b, &["b0"]);

        // An empty generation has nothing to find, whatever the query's length.
        assert!(
            index
                .search(conn, &query(g, &[1.0, 0.0], 5, None))?
                .is_empty()
        );

        let vectors = [
            NewVector {
                chunk_id: ca[0],
                document_id: a,
                vector: &[1.0, 0.0, 0.0],
            },
            NewVector {
                chunk_id: ca[1],
                document_id: a,
                vector: &[0.0, 2.0, 0.0],
            },
            NewVector {
                chunk_id: cb[0],
                document_id: b,
                vector: &[3.0, 3.0, 0.0],
            },
        ];
        let change = index.insert(conn, g, Distance::Cosine, &vectors)?;
        assert_eq!((change.rows, change.revision), (3, 1));
        assert_eq!(revision::read(conn, g)?, 1);
        let dims: Option<i64> = collection_generations::table
            .find(g.to_string())
            .select(collection_generations::dimensions)
            .first(conn)?;
        assert_eq!(dims, Some(3));

        // Cosine: unit vectors stored, so scores are similarities, best first.
        let hits = index.search(conn, &query(g, &[1.0, 0.1, 0.0], 2, None))?;
        assert_eq!(chunk_ids(&hits), vec![ca[0], cb[0]]);
        assert_eq!(hits[1].document_id, b);
        assert!(hits[0].score > 0.99 && hits[0].score <= 1.0 + 1e-6);
        let only_b = index.search(conn, &query(g, &[1.0, 0.1, 0.0], 5, Some(&[b])))?;
        assert_eq!(chunk_ids(&only_b), vec![cb[0]]);
        assert!(
            index
                .search(conn, &query(g, &[1.0, 0.0, 0.0], 5, Some(&[])))?
                .is_empty()
        );
        assert!(
            index
                .search(conn, &query(g, &[1.0, 0.0, 0.0], 0, None))?
                .is_empty()
        );

        // The generation's dimension holds for queries and later inserts alike.
        let mismatch = VectorsError::DimensionMismatch {
            expected: 3,
            actual: 2,
        };
        assert_eq!(
            index.search(conn, &query(g, &[1.0, 0.0], 5, None)),
            Err(mismatch.clone())
        );
        let short = [NewVector {
            chunk_id: cb[0],
            document_id: b,
            vector: &[1.0, 0.0],
        }];
        assert_eq!(
            index.insert(conn, g, Distance::Cosine, &short),
            Err(mismatch)
        );
        assert_eq!(
            revision::read(conn, g)?,
            1,
            "a refused batch changes nothing"
        );
        let zero = [NewVector {
            chunk_id: cb[0],
            document_id: b,
            vector: &[0.0; 3],
        }];
        assert!(matches!(
            index.insert(conn, g, Distance::Cosine, &zero),
            Err(VectorsError::Invalid(..))
        ));
        assert!(matches!(
            index.search(conn, &query(g, &[f32::NAN, 0.0, 0.0], 5, None)),
            Err(VectorsError::Invalid(..))
        ));

        // A retried batch replaces the chunk's vector instead of failing.
        let again = [NewVector {
            chunk_id: cb[0],
            document_id: b,
            vector: &[0.0, 0.0, 1.0],
        }];
        assert_eq!(index.insert(conn, g, Distance::Cosine, &again)?.revision, 2);
        assert_eq!(stored_rows(conn, g), 3);
        let hits = index.search(conn, &query(g, &[0.0, 0.0, 1.0], 1, None))?;
        assert_eq!(chunk_ids(&hits), vec![cb[0]]);

        // Removing a document's vectors bumps the revision; the next search sees it.
        let removed = index.remove_document(conn, g, a)?;
        assert_eq!((removed.rows, removed.revision), (2, 3));
        let hits = index.search(conn, &query(g, &[1.0, 0.0, 0.0], 5, None))?;
        assert_eq!(chunk_ids(&hits), vec![cb[0]]);

        // A missing generation is "not found", for searches and writes.
        let missing = GenerationId::new();
        assert_eq!(
            index.search(conn, &query(missing, &[1.0], 1, None)),
            Err(VectorsError::NotFound)
        );
        assert_eq!(
            index.remove_document(conn, missing, a),
            Err(VectorsError::NotFound)
        );
        let orphan = [NewVector {
            chunk_id: ca[0],
            document_id: a,
            vector: &[1.0, 0.0, 0.0],
        }];
        assert_eq!(
            index.insert(conn, missing, Distance::Cosine, &orphan),
            Err(VectorsError::NotFound)
        );
        // A chunk that does not exist is refused by its foreign key.
        let ghost = [NewVector {
            chunk_id: ChunkId::new(),
            document_id: a,
            vector: &[1.0, 0.0, 0.0],
        }];
        assert!(matches!(
            index.insert(conn, g, Distance::Cosine, &ghost),
            Err(VectorsError::Store(owp_db::StoreError::ForeignKey { .. }))
        ));
        Ok(())
    })
    .await
    .unwrap();
}

async fn a_second_replica_reloads_after_a_change(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let replica_one = Arc::new(BuiltinIndex::default());
    let replica_two = Arc::new(BuiltinIndex::default());
    let (fx, doc, chunks) = db
        .run(|conn| -> Result<_, VectorsError> {
            let fx = support::setup(conn);
            let doc = support::add_document(conn, &fx, "Doc");
            let chunks = support::add_texts(conn, doc, &["zero", "one", "two"]);
            Ok((fx, doc, chunks))
        })
        .await
        .unwrap();
    let g = fx.generation;
    let one = Arc::clone(&replica_one);
    let ids = chunks.clone();
    db.run(move |conn| -> Result<(), VectorsError> {
        let chunks = ids;
        let first = [NewVector {
            chunk_id: chunks[0],
            document_id: doc,
            vector: &[1.0, 0.0],
        }];
        one.insert(conn, g, Distance::Cosine, &first)?;
        assert_eq!(one.search(conn, &query(g, &[0.0, 1.0], 5, None))?.len(), 1);
        assert_eq!(one.search(conn, &query(g, &[0.0, 1.0], 5, None))?.len(), 1);
        let stats = one.stats();
        assert_eq!((stats.generations, stats.loads, stats.hits), (1, 1, 1));
        Ok(())
    })
    .await
    .unwrap();

    // Another replica (its own index, its own pooled connection) indexes more vectors.
    let two = Arc::clone(&replica_two);
    let ids = chunks.clone();
    db.run(move |conn| -> Result<(), VectorsError> {
        let chunks = ids;
        let more = [NewVector {
            chunk_id: chunks[1],
            document_id: doc,
            vector: &[0.0, 1.0],
        }];
        two.insert(conn, g, Distance::Cosine, &more)?;
        Ok(())
    })
    .await
    .unwrap();
    let one = Arc::clone(&replica_one);
    db.run(move |conn| -> Result<(), VectorsError> {
        let hits = one.search(conn, &query(g, &[0.0, 1.0], 5, None))?;
        assert_eq!(
            chunk_ids(&hits),
            vec![chunks[1], chunks[0]],
            "the stale copy was reloaded"
        );
        assert_eq!(one.stats().loads, 2);

        // Rows deleted by cascade (a chunk, then a whole document) are gone once the deleting
        // code bumps the revision, as the index contract asks of it.
        diesel::delete(document_chunks::table.find(chunks[1].to_string())).execute(conn)?;
        revision::bump(conn, g)?;
        let hits = one.search(conn, &query(g, &[0.0, 1.0], 5, None))?;
        assert_eq!(chunk_ids(&hits), vec![chunks[0]]);
        diesel::delete(documents::table.find(doc.to_string())).execute(conn)?;
        revision::bump(conn, g)?;
        assert!(
            one.search(conn, &query(g, &[0.0, 1.0], 5, None))?
                .is_empty()
        );
        assert_eq!(stored_rows(conn, g), 0);

        // A forgotten generation is loaded again on its next search.
        one.forget(g);
        assert_eq!(one.stats().generations, 0);
        assert!(
            one.search(conn, &query(g, &[0.0, 1.0], 5, None))?
                .is_empty()
        );
        assert_eq!(one.stats().loads, 5);
        Ok(())
    })
    .await
    .unwrap();
}

async fn each_distance_scores_higher_for_nearer_vectors(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = BuiltinIndex::default();
        let doc = support::add_document(conn, &fx, "Doc");
        let chunks = support::add_texts(conn, doc, &["near", "far", "long"]);
        let rows: [&[f32]; 3] = [&[1.0, 1.0], &[-2.0, 0.0], &[10.0, 9.0]];
        for (number, distance) in [(2, Distance::Dot), (3, Distance::L2), (4, Distance::Cosine)] {
            let g = support::add_generation(conn, &fx, number);
            let batch: Vec<NewVector<'_>> = chunks
                .iter()
                .zip(rows)
                .map(|(chunk, vector)| NewVector {
                    chunk_id: *chunk,
                    document_id: doc,
                    vector,
                })
                .collect();
            index.insert(conn, g, distance, &batch)?;
            let mut q = query(g, &[1.0, 1.0], 3, None);
            q.distance = distance;
            let hits = index.search(conn, &q)?;
            let scores: Vec<f32> = hits.iter().map(|h| h.score).collect();
            let order = chunk_ids(&hits);
            match distance {
                // Dot: length counts, so the long vector wins; scores are raw dot products.
                Distance::Dot => {
                    assert_eq!(order, vec![chunks[2], chunks[0], chunks[1]]);
                    assert_eq!(scores, vec![19.0, 2.0, -2.0]);
                }
                // L2: the identical vector wins with 0; others score minus their distance.
                Distance::L2 => {
                    assert_eq!(order, vec![chunks[0], chunks[1], chunks[2]]);
                    assert_eq!(scores[0], 0.0);
                    assert!((scores[1] + 10.0_f32.sqrt()).abs() < 1e-5);
                }
                // Cosine: direction only; the long vector is nearly parallel.
                Distance::Cosine => {
                    assert_eq!(order, vec![chunks[0], chunks[2], chunks[1]]);
                    assert!((scores[0] - 1.0).abs() < 1e-6);
                    assert!((scores[2] + 0.5_f32.sqrt()).abs() < 1e-5);
                }
            }
            let scored = index.score(conn, g, distance, &[1.0, 1.0], &[(chunks[1], doc)])?;
            assert_eq!(scored.len(), 1);
            assert_eq!(
                scored[0].score,
                scores[order.iter().position(|c| *c == chunks[1]).unwrap()]
            );
        }
        Ok(())
    })
    .await
    .unwrap();
}

async fn the_cache_keeps_to_its_byte_budget(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let doc = support::add_document(conn, &fx, "Doc");
        let texts: Vec<String> = (0..50).map(|i| format!("chunk {i}")).collect();
        let text_refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let chunks = support::add_texts(conn, doc, &text_refs);
        let vectors: Vec<Vec<f32>> = (0..50).map(|i| vec![1.0, i as f32, 0.5]).collect();
        let batch: Vec<NewVector<'_>> = chunks
            .iter()
            .zip(&vectors)
            .map(|(chunk, vector)| NewVector {
                chunk_id: *chunk,
                document_id: doc,
                vector,
            })
            .collect();
        let first = fx.generation;
        let second = support::add_generation(conn, &fx, 2);
        let writer = BuiltinIndex::default();
        writer.insert(conn, first, Distance::Cosine, &batch)?;
        writer.insert(conn, second, Distance::Cosine, &batch)?;
        writer.search(conn, &query(first, &[1.0, 0.0, 0.0], 1, None))?;
        let one_generation = writer.stats().bytes;
        assert!(
            one_generation >= 50 * (3 * 4 + 16),
            "{one_generation} bytes"
        );

        // Room for one generation: using the other evicts it (least recently used).
        let index = BuiltinIndex::new(one_generation + one_generation / 2);
        for (g, loads) in [(first, 1), (first, 1), (second, 2), (first, 3)] {
            assert_eq!(
                index
                    .search(conn, &query(g, &[1.0, 0.0, 0.0], 3, None))?
                    .len(),
                3
            );
            let stats = index.stats();
            assert_eq!((stats.generations, stats.loads), (1, loads));
            assert!(stats.bytes <= stats.budget);
        }

        // A budget below one generation still answers, loading per search and keeping nothing.
        let tiny = BuiltinIndex::new(64);
        for loads in 1..=2 {
            assert_eq!(
                tiny.search(conn, &query(first, &[1.0, 0.0, 0.0], 3, None))?
                    .len(),
                3
            );
            assert_eq!((tiny.stats().generations, tiny.stats().bytes), (0, 0));
            assert_eq!(tiny.stats().loads, loads);
        }
        Ok(())
    })
    .await
    .unwrap();
}

async fn concurrent_searches_share_one_copy(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let index = Arc::new(BuiltinIndex::default());
    let writer = Arc::clone(&index);
    let (fx, doc, chunks) = db
        .run(move |conn| -> Result<_, VectorsError> {
            let fx = support::setup(conn);
            let doc = support::add_document(conn, &fx, "Doc");
            let chunks = support::add_texts(conn, doc, &["x", "y"]);
            let first = [NewVector {
                chunk_id: chunks[0],
                document_id: doc,
                vector: &[1.0, 0.0],
            }];
            writer.insert(conn, fx.generation, Distance::Cosine, &first)?;
            Ok((fx, doc, chunks))
        })
        .await
        .unwrap();
    let g = fx.generation;
    let searches: Vec<_> = (0..8)
        .map(|_| {
            let index = Arc::clone(&index);
            let db = db.clone();
            tokio::spawn(async move {
                db.run(move |conn| index.search(conn, &query(g, &[1.0, 0.0], 5, None)))
                    .await
            })
        })
        .collect();
    for search in searches {
        assert_eq!(search.await.unwrap().unwrap().len(), 1);
    }
    // Eight searches of one revision: one load, however they interleaved.
    assert_eq!(index.stats().loads, 1);
    assert_eq!(index.stats().hits, 7);
    let writer = Arc::clone(&index);
    let second = chunks[1];
    db.run(move |conn| -> Result<(), VectorsError> {
        let more = [NewVector {
            chunk_id: second,
            document_id: doc,
            vector: &[0.0, 1.0],
        }];
        writer.insert(conn, g, Distance::Cosine, &more)?;
        assert_eq!(
            writer.search(conn, &query(g, &[1.0, 0.0], 5, None))?.len(),
            2
        );
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(index.stats().loads, 2);
}
