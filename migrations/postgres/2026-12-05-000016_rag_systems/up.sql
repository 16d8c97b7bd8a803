-- RAG systems: collections to retrieve from, a chat model and a prompt template holding
-- {{context}} and {{question}}, with retrieval settings. `collection_ids` is a JSON list (not
-- foreign keys): a deleted collection is skipped at query time and reported, instead of
-- blocking the collection's deletion.
CREATE TABLE rag_systems (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    collection_ids TEXT NOT NULL,
    chat_model TEXT NOT NULL,
    prompt_template TEXT NOT NULL,
    top_k BIGINT NOT NULL,
    min_score DOUBLE PRECISION,
    mode TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT rag_systems_name_key UNIQUE (organization_id, name)
);
CREATE INDEX rag_systems_owner_id_idx ON rag_systems (owner_id);
CREATE INDEX rag_systems_project_id_idx ON rag_systems (project_id);
CREATE INDEX rag_systems_organization_id_visibility_idx ON rag_systems (organization_id, visibility);
