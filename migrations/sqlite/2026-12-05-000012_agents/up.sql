-- Agents: a model with its system prompt (text, or a prompt rendered with stored variables),
-- tools and options. `prompt_id` is deliberately not a foreign key: a prompt may be deleted
-- while agents name it, and using such an agent then answers "the agent's prompt is
-- unavailable" (409) instead of blocking the prompt's deletion (docs/decisions.md).
CREATE TABLE agents (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    description TEXT NOT NULL,
    model TEXT NOT NULL,
    system_prompt TEXT,
    prompt_id TEXT,
    prompt_variables TEXT NOT NULL,
    tool_ids TEXT NOT NULL,
    options TEXT NOT NULL,
    knowledge TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT agents_slug_key UNIQUE (organization_id, slug)
);
CREATE INDEX agents_owner_id_idx ON agents (owner_id);
CREATE INDEX agents_project_id_idx ON agents (project_id);
CREATE INDEX agents_prompt_id_idx ON agents (prompt_id);
CREATE INDEX agents_organization_id_visibility_idx ON agents (organization_id, visibility);
CREATE INDEX agents_organization_id_name_idx ON agents (organization_id, name);
