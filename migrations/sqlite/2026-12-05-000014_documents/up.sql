-- Documents: the extracted text of an upload (the original file is not kept: text and its
-- section marks are what retrieval, citations and re-chunking need; docs/decisions.md).
-- `sha256` is of the uploaded bytes: a second upload of the same content by someone who can
-- see the first answers with the first (not unique: a private copy elsewhere stays private).
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    tags TEXT NOT NULL,
    state TEXT NOT NULL,
    error TEXT,
    characters BIGINT NOT NULL,
    content TEXT NOT NULL,
    sections TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_owner_id_idx ON documents (owner_id);
CREATE INDEX documents_project_id_idx ON documents (project_id);
CREATE INDEX documents_organization_id_sha256_idx ON documents (organization_id, sha256);
CREATE INDEX documents_organization_id_visibility_idx ON documents (organization_id, visibility);
CREATE INDEX documents_organization_id_created_at_idx ON documents (organization_id, created_at);

CREATE TABLE document_tags (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (document_id, tag)
);
CREATE INDEX document_tags_tag_idx ON document_tags (tag);

-- Chunks of a document's text under one chunking spec (`spec`, e.g. `characters:1000:100`);
-- collections with the same spec share them. `seq` is a stable integer key for the lexical
-- index (FTS5's external-content rowid; an INTEGER PRIMARY KEY survives VACUUM).
CREATE TABLE document_chunks (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    spec TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    text TEXT NOT NULL,
    page BIGINT,
    heading_path TEXT,
    start_offset BIGINT NOT NULL,
    end_offset BIGINT NOT NULL,
    CONSTRAINT document_chunks_ordinal_key UNIQUE (document_id, spec, ordinal)
);

-- The lexical index: FTS5 over the chunks' text (BM25 via bm25()), kept in step by triggers,
-- so it is maintained incrementally and never rebuilt per query. Chunks are never updated.
CREATE VIRTUAL TABLE document_chunks_fts USING fts5(
    text, content = 'document_chunks', content_rowid = 'seq', tokenize = 'porter unicode61'
);
CREATE TRIGGER document_chunks_fts_insert AFTER INSERT ON document_chunks BEGIN
    INSERT INTO document_chunks_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER document_chunks_fts_delete AFTER DELETE ON document_chunks BEGIN
    INSERT INTO document_chunks_fts (document_chunks_fts, rowid, text)
        VALUES ('delete', old.seq, old.text);
END;
