//! `search()` on both backends: lexical search (stemming, stop words, spec and document
//! filters, safe query building), vector and hybrid modes, `min_score` per mode, and what a
//! result carries for citations.

mod support;

use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, DocumentId};
use owp_ollama_client::fake::{DEFAULT_EMBEDDING_MODEL, embedding};
use owp_testkit::{Backend, TestDatabase, on_both_backends};
use owp_vectors::{
    BuiltinIndex, Distance, NewVector, Position, SearchMode, SearchParams, SearchResult,
    SearchTarget, VectorIndex, VectorsError, lexical, search,
};

on_both_backends!(lexical_search_stays_in_its_collection, modes_and_floors);

fn embed(text: &str) -> Vec<f32> {
    embedding(DEFAULT_EMBEDDING_MODEL, text, 384)
}

fn params(mode: SearchMode, top_k: usize, min_score: Option<f32>) -> SearchParams {
    SearchParams {
        top_k,
        mode,
        min_score,
    }
}

fn ids(results: &[SearchResult]) -> Vec<ChunkId> {
    results.iter().map(|r| r.chunk_id).collect()
}

/// Indexes each chunk's text embedding.
fn index_texts(
    conn: &mut AnyConnection,
    index: &BuiltinIndex,
    fx: &support::Fixture,
    doc: DocumentId,
    chunks: &[ChunkId],
    texts: &[&str],
) {
    let vectors: Vec<Vec<f32>> = texts.iter().map(|t| embed(t)).collect();
    let batch: Vec<NewVector<'_>> = chunks
        .iter()
        .zip(&vectors)
        .map(|(chunk, vector)| NewVector {
            chunk_id: *chunk,
            document_id: doc,
            vector,
        })
        .collect();
    index
        .insert(conn, fx.generation, Distance::Cosine, &batch)
        .unwrap();
}

async fn lexical_search_stays_in_its_collection(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let wool = support::add_document(conn, &fx, "Wool");
        let other = support::add_document(conn, &fx, "Elsewhere");
        let texts = [
            "Llamas are running across the high plains of the Andes.",
            "Alpaca fleece is spun into soft wool for sweaters.",
            "The weather was mild and nothing else happened.",
        ];
        let chunks = support::add_texts(conn, wool, &texts);
        let elsewhere = support::add_texts(conn, other, &["Llamas run in another collection."]);
        // The same document chunked with another spec: not part of this generation's index.
        let other_spec = support::add_chunks(
            conn,
            &[support::NewChunk {
                document: wool,
                spec: "characters:200:20",
                ordinal: 0,
                text: "Llamas run, llamas run.",
                page: None,
                heading_path: None,
            }],
        );
        let members = [wool];
        let hits = lexical::search(conn, support::SPEC, &members, "Do llamas RUN?", 10)?;
        // Stemming on both engines: "run" finds "running".
        assert_eq!(
            hits.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
            vec![chunks[0]]
        );
        assert!(
            hits[0].score > 0.0 && hits[0].score < 1.0,
            "{}",
            hits[0].score
        );
        assert_eq!(hits[0].document_id, wool);
        assert!(
            !hits
                .iter()
                .any(|h| h.chunk_id == elsewhere[0] || h.chunk_id == other_spec[0])
        );
        let both = lexical::search(conn, support::SPEC, &[wool, other], "llamas", 10)?;
        assert_eq!(both.len(), 2);
        let spec = lexical::search(conn, "characters:200:20", &members, "llamas", 10)?;
        assert_eq!(
            spec.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
            other_spec
        );

        // Words are OR-ed; more matching words rank higher.
        let hits = lexical::search(conn, support::SPEC, &members, "soft alpaca llamas", 10)?;
        assert_eq!(
            hits.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
            vec![chunks[1], chunks[0]]
        );
        assert!(hits[0].score > hits[1].score);

        // Query syntax and stop words are not errors: they are just not searched for.
        for text in [
            "",
            "the of and",
            "\"'",
            "NEAR(",
            "llamas\" OR \"x",
            "wool:* & !",
            "a) | (b",
        ] {
            lexical::search(conn, support::SPEC, &members, text, 10)?;
        }
        assert!(lexical::search(conn, support::SPEC, &members, "?! the", 10)?.is_empty());
        assert!(lexical::search(conn, support::SPEC, &[], "llamas", 10)?.is_empty());
        let injected = lexical::search(conn, support::SPEC, &members, "wool\" OR text:*", 10)?;
        assert_eq!(
            injected.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
            vec![chunks[1]]
        );
        Ok(())
    })
    .await
    .unwrap();
}

async fn modes_and_floors(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| -> Result<(), VectorsError> {
        let fx = support::setup(conn);
        let index = BuiltinIndex::default();
        let doc = support::add_document(conn, &fx, "Camelids handbook");
        let texts = [
            "llama wool sweater knitting guide",
            "alpaca grazing habits on mountain pastures",
            "the xq-7 gearbox service manual",
            "knitting patterns for winter",
        ];
        let chunks = support::add_chunks(
            conn,
            &texts
                .iter()
                .enumerate()
                .map(|(i, text)| support::NewChunk {
                    document: doc,
                    spec: support::SPEC,
                    ordinal: i as i64,
                    text,
                    page: Some(i as i64 + 1),
                    heading_path: Some(r#"["Animals","Camelids"]"#),
                })
                .collect::<Vec<_>>(),
        );
        index_texts(conn, &index, &fx, doc, &chunks, &texts);
        let unindexed = support::add_document(conn, &fx, "Not in the index");
        support::add_texts(conn, unindexed, &["gearbox oil"]);
        let members = [doc, unindexed];
        let target = SearchTarget {
            generation_id: fx.generation,
            distance: Distance::Cosine,
            spec: support::SPEC,
            document_ids: &members,
        };
        let question = "llama wool knitting";
        let q = embed(question);

        // Vector: similarities, best first, with what a citation needs.
        let vector = search(
            conn,
            &index,
            &target,
            question,
            Some(&q),
            &params(SearchMode::Vector, 2, None),
        )?;
        assert_eq!(ids(&vector), vec![chunks[0], chunks[3]]);
        let first = &vector[0];
        assert_eq!(first.document_title, "Camelids handbook");
        assert_eq!(first.text, texts[0]);
        assert_eq!(first.vector_score, Some(first.score));
        assert_eq!(first.lexical_score, None);
        assert_eq!(
            first.position,
            Position {
                page: Some(1),
                heading_path: vec!["Animals".into(), "Camelids".into()],
                start: 0,
                end: texts[0].len(),
            }
        );
        // The floor is on similarity: one between the first two scores keeps the first only.
        let between = (vector[0].score + vector[1].score) / 2.0;
        let floored = search(
            conn,
            &index,
            &target,
            question,
            Some(&q),
            &params(SearchMode::Vector, 4, Some(between)),
        )?;
        assert_eq!(ids(&floored), vec![chunks[0]]);

        // Lexical: the exact term an embedding blurs; the floor is on the lexical score.
        let code = search(
            conn,
            &index,
            &target,
            "xq-7 gearbox",
            None,
            &params(SearchMode::Lexical, 5, None),
        )?;
        assert_eq!(code[0].chunk_id, chunks[2]);
        assert!(
            code.iter()
                .all(|r| r.vector_score.is_none() && r.lexical_score == Some(r.score))
        );
        let strict = search(
            conn,
            &index,
            &target,
            "xq-7 gearbox",
            None,
            &params(SearchMode::Lexical, 5, Some(0.999)),
        )?;
        assert!(strict.is_empty());

        // Hybrid: fused ranks; lexical-only hits get their similarity from the index, and a
        // chunk without a vector (the unindexed document) has none, so any floor drops it.
        let gearbox = embed("gearbox");
        let hybrid = search(
            conn,
            &index,
            &target,
            "gearbox",
            Some(&gearbox),
            &params(SearchMode::Hybrid, 10, None),
        )?;
        assert_eq!(hybrid.len(), 5);
        assert!(hybrid.windows(2).all(|w| w[0].score >= w[1].score));
        let top = &hybrid[0];
        assert_eq!(top.chunk_id, chunks[2]);
        assert!(top.vector_score.is_some() && top.lexical_score.is_some());
        let lexical_only: Vec<&SearchResult> =
            hybrid.iter().filter(|r| r.vector_score.is_none()).collect();
        assert_eq!(lexical_only.len(), 1);
        assert_eq!(lexical_only[0].document_id, unindexed);
        let floored = search(
            conn,
            &index,
            &target,
            "gearbox",
            Some(&gearbox),
            &params(SearchMode::Hybrid, 10, Some(-1.0)),
        )?;
        assert_eq!(floored.len(), 4);
        assert!(floored.iter().all(|r| r.document_id == doc));
        let high = search(
            conn,
            &index,
            &target,
            "gearbox",
            Some(&gearbox),
            &params(SearchMode::Hybrid, 10, Some(0.3)),
        )?;
        assert_eq!(ids(&high), vec![chunks[2]]);
        let one = search(
            conn,
            &index,
            &target,
            "gearbox",
            Some(&gearbox),
            &params(SearchMode::Hybrid, 1, None),
        )?;
        assert_eq!(ids(&one), vec![chunks[2]]);

        // The allow-list narrows every mode.
        let narrowed = SearchTarget {
            document_ids: &[unindexed],
            ..target
        };
        let only = search(
            conn,
            &index,
            &narrowed,
            "gearbox",
            Some(&gearbox),
            &params(SearchMode::Hybrid, 10, None),
        )?;
        assert!(only.iter().all(|r| r.document_id == unindexed));
        let nothing = SearchTarget {
            document_ids: &[],
            ..target
        };
        assert!(
            search(
                conn,
                &index,
                &nothing,
                "gearbox",
                Some(&gearbox),
                &params(SearchMode::Hybrid, 10, None)
            )?
            .is_empty()
        );

        // Refusals.
        for (mode, top_k, vector, floor) in [
            (SearchMode::Vector, 5, None, None),
            (SearchMode::Hybrid, 5, None, None),
            (SearchMode::Lexical, 0, None, None),
            (SearchMode::Lexical, 101, None, None),
            (SearchMode::Lexical, 5, None, Some(f32::NAN)),
        ] {
            let refused = search(
                conn,
                &index,
                &target,
                "x",
                vector,
                &params(mode, top_k, floor),
            );
            assert!(
                matches!(refused, Err(VectorsError::Invalid(..))),
                "{mode} {top_k}"
            );
        }
        assert!(matches!(
            search(
                conn,
                &index,
                &target,
                "x",
                Some(&[1.0, 0.0]),
                &params(SearchMode::Vector, 5, None)
            ),
            Err(VectorsError::DimensionMismatch {
                expected: 384,
                actual: 2
            })
        ));
        Ok(())
    })
    .await
    .unwrap();
}
