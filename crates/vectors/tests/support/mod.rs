//! Rows the retrieval tests and the benchmark need, inserted directly with diesel: a user of the
//! default organisation, documents, chunks of a spec, a collection with its generations.
//! (Collections, documents and ingestion have their own crates; this stays minimal on purpose.)

// `allow`, not `expect`: each test binary and the benchmark use a different part of the
// fixture, and rustc does not fulfil a module-wide `expect(dead_code)` in some of them.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the fixture"
)]

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{ChunkId, CollectionId, DocumentId, GenerationId, UserId};
use owp_db::schema::{collection_generations, collections, document_chunks, documents, users};

/// The organisation every migrated database starts with.
pub const DEFAULT_ORGANIZATION: &str = "019ab0c4-0000-7000-8000-000000000001";

/// The chunking spec the fixture's chunks use.
pub const SPEC: &str = "characters:1000:100";

/// A fixed time for every row.
pub fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// What the rows hang off.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    pub user: UserId,
    pub collection: CollectionId,
    pub generation: GenerationId,
}

/// A user, a collection and its first generation (revision 0, no dimension yet).
pub fn setup(conn: &mut AnyConnection) -> Fixture {
    let user = UserId::new();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(user.to_string()),
            users::organization_id.eq(DEFAULT_ORGANIZATION),
            users::email.eq(format!("{user}@example.org")),
            users::email_normalized.eq(format!("{user}@example.org")),
            users::status.eq("active"),
            users::created_at.eq(at()),
            users::updated_at.eq(at()),
        ))
        .execute(conn)
        .unwrap();
    let collection = CollectionId::new();
    diesel::insert_into(collections::table)
        .values((
            collections::id.eq(collection.to_string()),
            collections::organization_id.eq(DEFAULT_ORGANIZATION),
            collections::owner_id.eq(user.to_string()),
            collections::visibility.eq("org"),
            collections::name.eq(format!("collection {collection}")),
            collections::description.eq(""),
            collections::embedding_model.eq("all-minilm:latest"),
            collections::distance.eq("cosine"),
            collections::backend.eq("builtin"),
            collections::chunking.eq("{}"),
            collections::created_at.eq(at()),
            collections::updated_at.eq(at()),
        ))
        .execute(conn)
        .unwrap();
    let mut fixture = Fixture {
        user,
        collection,
        generation: GenerationId::new(),
    };
    fixture.generation = add_generation(conn, &fixture, 1);
    fixture
}

/// Another generation of the fixture's collection.
pub fn add_generation(conn: &mut AnyConnection, fixture: &Fixture, number: i64) -> GenerationId {
    let generation = GenerationId::new();
    diesel::insert_into(collection_generations::table)
        .values((
            collection_generations::id.eq(generation.to_string()),
            collection_generations::collection_id.eq(fixture.collection.to_string()),
            collection_generations::number.eq(number),
            collection_generations::embedding_model.eq("all-minilm:latest"),
            collection_generations::chunking.eq("{}"),
            collection_generations::state.eq("active"),
            collection_generations::revision.eq(0_i64),
            collection_generations::created_at.eq(at()),
        ))
        .execute(conn)
        .unwrap();
    generation
}

/// A ready document with a title.
pub fn add_document(conn: &mut AnyConnection, fixture: &Fixture, title: &str) -> DocumentId {
    let document = DocumentId::new();
    diesel::insert_into(documents::table)
        .values((
            documents::id.eq(document.to_string()),
            documents::organization_id.eq(DEFAULT_ORGANIZATION),
            documents::owner_id.eq(fixture.user.to_string()),
            documents::visibility.eq("org"),
            documents::title.eq(title),
            documents::file_name.eq(format!("{title}.txt")),
            documents::kind.eq("text"),
            documents::size_bytes.eq(0_i64),
            documents::characters.eq(0_i64),
            documents::sha256.eq(""),
            documents::tags.eq("[]"),
            documents::state.eq("ready"),
            documents::content.eq(""),
            documents::sections.eq("[]"),
            documents::created_at.eq(at()),
            documents::updated_at.eq(at()),
        ))
        .execute(conn)
        .unwrap();
    document
}

/// A chunk to insert.
pub struct NewChunk<'a> {
    pub document: DocumentId,
    pub spec: &'a str,
    pub ordinal: i64,
    pub text: &'a str,
    pub page: Option<i64>,
    pub heading_path: Option<&'a str>,
}

/// Inserts chunks (500 per statement, in one transaction) and returns their ids in order.
pub fn add_chunks(conn: &mut AnyConnection, chunks: &[NewChunk<'_>]) -> Vec<ChunkId> {
    let ids: Vec<ChunkId> = chunks.iter().map(|_| ChunkId::new()).collect();
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for (batch, batch_ids) in chunks.chunks(500).zip(ids.chunks(500)) {
            let rows: Vec<_> = batch
                .iter()
                .zip(batch_ids)
                .map(|(chunk, id)| {
                    let start = chunk.ordinal * 1000;
                    (
                        document_chunks::id.eq(id.to_string()),
                        document_chunks::document_id.eq(chunk.document.to_string()),
                        document_chunks::spec.eq(chunk.spec),
                        document_chunks::ordinal.eq(chunk.ordinal),
                        document_chunks::text.eq(chunk.text),
                        document_chunks::page.eq(chunk.page),
                        document_chunks::heading_path.eq(chunk.heading_path),
                        document_chunks::start_offset.eq(start),
                        document_chunks::end_offset.eq(start + chunk.text.len() as i64),
                    )
                })
                .collect();
            let statement = diesel::insert_into(document_chunks::table).values(rows);
            match conn {
                AnyConnection::Pg(c) => statement.execute(c)?,
                AnyConnection::Sqlite(c) => statement.execute(c)?,
            };
        }
        Ok(())
    })
    .unwrap();
    ids
}

/// One chunk per text, ordinals 0, 1, … in `document`, with the fixture's spec.
pub fn add_texts(conn: &mut AnyConnection, document: DocumentId, texts: &[&str]) -> Vec<ChunkId> {
    let chunks: Vec<NewChunk<'_>> = texts
        .iter()
        .enumerate()
        .map(|(ordinal, text)| NewChunk {
            document,
            spec: SPEC,
            ordinal: ordinal as i64,
            text,
            page: None,
            heading_path: None,
        })
        .collect();
    add_chunks(conn, &chunks)
}
