//! Tables of knowledge (`owp-documents`, `owp-vectors`, `owp-rag`): documents with their tags
//! and chunks, collections with their generations, members and the builtin index's vectors, the
//! ingestion jobs, and the RAG systems built on collections. SQLite's lexical index
//! (`document_chunks_fts`, FTS5) and PostgreSQL's (a GIN expression index) are kept by the
//! database and queried with SQL, so they have no entry here.

diesel::table! {
    /// Uploaded documents: the extracted text and its section marks (the file is not kept).
    documents (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who uploaded it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Display title (the file name unless given).
        title -> Text,
        /// The uploaded file's name.
        file_name -> Text,
        /// `text`, `markdown`, `html`, `pdf` or `docx` (sniffed from the content).
        kind -> Text,
        /// Size of the upload.
        size_bytes -> BigInt,
        /// SHA-256 of the uploaded bytes, lowercase hex.
        sha256 -> Text,
        /// JSON list of tags (also in `document_tags` for filtering).
        tags -> Text,
        /// `ready` or `failed`.
        state -> Text,
        /// Why extraction failed.
        error -> Nullable<Text>,
        /// Length of the extracted text in characters.
        characters -> BigInt,
        /// The extracted text.
        content -> Text,
        /// JSON list of section marks (offset, page, heading path).
        sections -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A document's tags, one row each, for filtering.
    document_tags (document_id, tag) {
        /// The document.
        document_id -> Text,
        /// Lower-case tag.
        tag -> Text,
    }
}

diesel::table! {
    /// Chunks of a document under one chunking spec.
    document_chunks (id) {
        /// Integer key of the lexical index (never shown).
        seq -> BigInt,
        /// UUIDv7 as text.
        id -> Text,
        /// The document.
        document_id -> Text,
        /// The chunking spec, e.g. `characters:1000:100`.
        spec -> Text,
        /// 0, 1, 2, … in text order.
        ordinal -> BigInt,
        /// The chunk's text.
        text -> Text,
        /// 1-based PDF page.
        page -> Nullable<BigInt>,
        /// Heading path, ` > ` separated.
        heading_path -> Nullable<Text>,
        /// Character offset in the document's text where the chunk starts.
        start_offset -> BigInt,
        /// Character offset where it ends (exclusive).
        end_offset -> BigInt,
    }
}

diesel::table! {
    /// Collections of documents indexed for retrieval.
    collections (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who created it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Display name, unique per organisation.
        name -> Text,
        /// Free text.
        description -> Text,
        /// The model new generations embed with.
        embedding_model -> Text,
        /// `cosine`, `dot` or `l2`.
        distance -> Text,
        /// `builtin` or `pgvector`.
        backend -> Text,
        /// JSON chunking spec new generations use.
        chunking -> Text,
        /// The generation queries use.
        active_generation_id -> Nullable<Text>,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One build of a collection's index.
    collection_generations (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The collection.
        collection_id -> Text,
        /// 1, 2, 3, … per collection.
        number -> BigInt,
        /// The model its vectors come from.
        embedding_model -> Text,
        /// JSON chunking spec of its chunks.
        chunking -> Text,
        /// Vector length, learned from the first embedding.
        dimensions -> Nullable<BigInt>,
        /// `building`, `active` or `retired`.
        state -> Text,
        /// Grows whenever its vectors change (in-process index copies check it).
        revision -> BigInt,
        /// UTC.
        created_at -> Timestamp,
        /// UTC, when it became the one queries use.
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Which documents a collection holds.
    collection_documents (collection_id, document_id) {
        /// The collection.
        collection_id -> Text,
        /// The document.
        document_id -> Text,
        /// Who added it.
        added_by -> Text,
        /// UTC.
        added_at -> Timestamp,
    }
}

diesel::table! {
    /// The builtin index: one little-endian f32 vector per chunk and generation.
    chunk_vectors (generation_id, chunk_id) {
        /// The generation.
        generation_id -> Text,
        /// The chunk.
        chunk_id -> Text,
        /// The chunk's document (for deletes and filters without a join).
        document_id -> Text,
        /// Little-endian f32 components.
        embedding -> Binary,
    }
}

diesel::table! {
    /// Ingestion jobs: one document into one generation, leased by one replica at a time.
    jobs (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who caused it.
        user_id -> Text,
        /// The collection.
        collection_id -> Text,
        /// The generation it fills.
        generation_id -> Text,
        /// The document it indexes.
        document_id -> Text,
        /// `queued`, `running`, `done` or `failed`.
        state -> Text,
        /// Chunks indexed so far.
        done -> BigInt,
        /// Chunks to index (0 until chunked).
        total -> BigInt,
        /// Why it failed.
        error -> Nullable<Text>,
        /// How many times a replica took it.
        attempts -> BigInt,
        /// The replica running it.
        lease_owner -> Nullable<Text>,
        /// UTC; after this another replica may take it over.
        lease_expires_at -> Nullable<Timestamp>,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
        /// UTC.
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// RAG systems: collections, a chat model and a prompt template with retrieval settings.
    rag_systems (id) {
        /// UUIDv7 as text.
        id -> Text,
        /// The tenant.
        organization_id -> Text,
        /// Who created it.
        owner_id -> Text,
        /// The project it belongs to.
        project_id -> Nullable<Text>,
        /// `private`, `project` or `org`.
        visibility -> Text,
        /// Display name, unique per organisation.
        name -> Text,
        /// Free text.
        description -> Text,
        /// JSON list of collection ids.
        collection_ids -> Text,
        /// The model that answers (canonical name).
        chat_model -> Text,
        /// The prompt, with `{{context}}` and `{{question}}`.
        prompt_template -> Text,
        /// Chunks retrieved per question.
        top_k -> BigInt,
        /// Score floor of retrieval.
        min_score -> Nullable<Double>,
        /// `vector`, `lexical` or `hybrid`.
        mode -> Text,
        /// UTC.
        created_at -> Timestamp,
        /// UTC.
        updated_at -> Timestamp,
    }
}

diesel::joinable!(document_tags -> documents (document_id));
diesel::joinable!(document_chunks -> documents (document_id));
diesel::joinable!(collection_generations -> collections (collection_id));
diesel::joinable!(collection_documents -> collections (collection_id));
diesel::joinable!(collection_documents -> documents (document_id));
diesel::joinable!(chunk_vectors -> collection_generations (generation_id));
diesel::joinable!(chunk_vectors -> document_chunks (chunk_id));
diesel::joinable!(jobs -> collections (collection_id));
diesel::joinable!(jobs -> collection_generations (generation_id));
