CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_organization_id_name_idx ON projects (organization_id, name);

CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user_id_idx ON project_members (user_id);

CREATE TABLE prompts (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    name TEXT NOT NULL,
    command TEXT NOT NULL,
    content TEXT NOT NULL,
    variables TEXT NOT NULL,
    tags TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT prompts_command_key UNIQUE (organization_id, command)
);
CREATE INDEX prompts_owner_id_idx ON prompts (owner_id);
CREATE INDEX prompts_project_id_idx ON prompts (project_id);
CREATE INDEX prompts_organization_id_visibility_idx ON prompts (organization_id, visibility);
CREATE INDEX prompts_organization_id_name_idx ON prompts (organization_id, name);

CREATE TABLE prompt_tags (
    prompt_id TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);
CREATE INDEX prompt_tags_tag_idx ON prompt_tags (tag);

CREATE TABLE prompt_versions (
    prompt_id TEXT NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    variables TEXT NOT NULL,
    message TEXT,
    author_id TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (prompt_id, version)
);
CREATE INDEX prompt_versions_author_id_idx ON prompt_versions (author_id);

CREATE TABLE tools (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    owner_id TEXT NOT NULL REFERENCES users (id),
    project_id TEXT REFERENCES projects (id),
    visibility TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    parameters TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT tools_name_key UNIQUE (organization_id, name)
);
CREATE INDEX tools_owner_id_idx ON tools (owner_id);
CREATE INDEX tools_project_id_idx ON tools (project_id);
CREATE INDEX tools_organization_id_visibility_idx ON tools (organization_id, visibility);
