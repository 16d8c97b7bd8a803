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
-- index (SQLite FTS5 needs an integer rowid). Here the lexical index is `lexemes`, the text's
-- tsvector stored at insert (ranking then reads it instead of re-parsing every match's text),
-- with a GIN index; it is left out of the schema-parity test like SQLite's FTS5 tables.
CREATE TABLE document_chunks (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    spec TEXT NOT NULL,
    ordinal BIGINT NOT NULL,
    text TEXT NOT NULL,
    page BIGINT,
    heading_path TEXT,
    start_offset BIGINT NOT NULL,
    end_offset BIGINT NOT NULL,
    lexemes tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    CONSTRAINT document_chunks_ordinal_key UNIQUE (document_id, spec, ordinal)
);
CREATE INDEX document_chunks_lexemes_idx ON document_chunks USING gin (lexemes);
