-- Collections ("vector DBs"): documents indexed for retrieval with one embedding model,
-- distance, backend and chunking. The index itself lives in generations: changing the model or
-- the chunking builds a new generation in the background and switches `active_generation_id`
-- when it is complete (queries keep using the old one meanwhile; a new dimension is fine).
CREATE TABLE collections (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    embedding_model TEXT NOT NULL,
    distance TEXT NOT NULL,
    backend TEXT NOT NULL,
    chunking TEXT NOT NULL,
    active_generation_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT collections_name_key UNIQUE (organization_id, name)
);
CREATE INDEX collections_owner_id_idx ON collections (owner_id);
CREATE INDEX collections_project_id_idx ON collections (project_id);
CREATE INDEX collections_organization_id_visibility_idx ON collections (organization_id, visibility);

-- One build of a collection's index: its model, chunking spec and the dimension learned from
-- the first embedding. `state`: building | active | retired. `revision` grows whenever its
-- vectors change (indexed, removed, deleted with a document), so a replica's in-process copy of
-- the builtin index knows with one keyed read whether it is still current.
CREATE TABLE collection_generations (
    id TEXT PRIMARY KEY NOT NULL,
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    embedding_model TEXT NOT NULL,
    chunking TEXT NOT NULL,
    dimensions BIGINT,
    state TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    CONSTRAINT collection_generations_number_key UNIQUE (collection_id, number)
);

-- Which documents a collection holds.
CREATE TABLE collection_documents (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    added_by TEXT NOT NULL REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (collection_id, document_id)
);
CREATE INDEX collection_documents_document_id_idx ON collection_documents (document_id);

-- The builtin index: one little-endian f32 vector per chunk and generation.
CREATE TABLE chunk_vectors (
    generation_id TEXT NOT NULL REFERENCES collection_generations (id) ON DELETE CASCADE,
    chunk_id TEXT NOT NULL REFERENCES document_chunks (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    embedding BLOB NOT NULL,
    PRIMARY KEY (generation_id, chunk_id)
);
CREATE INDEX chunk_vectors_chunk_id_idx ON chunk_vectors (chunk_id);
CREATE INDEX chunk_vectors_document_id_idx ON chunk_vectors (document_id);

-- Ingestion jobs: chunk → embed → index one document into one generation. `state`: queued |
-- running | done | failed; `done`/`total` count chunks. A replica runs a job while it holds the
-- lease (`lease_owner` until `lease_expires_at`, renewed as it works); an expired lease lets
-- another replica (or this one after a restart) take the job over, so no job runs twice and
-- none is lost.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    generation_id TEXT NOT NULL REFERENCES collection_generations (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    done BIGINT NOT NULL,
    total BIGINT NOT NULL,
    error TEXT,
    attempts BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    CONSTRAINT jobs_generation_document_key UNIQUE (generation_id, document_id)
);
CREATE INDEX jobs_state_created_at_idx ON jobs (state, created_at);
CREATE INDEX jobs_collection_id_idx ON jobs (collection_id);
CREATE INDEX jobs_document_id_idx ON jobs (document_id);
