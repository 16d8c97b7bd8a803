CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    model TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX conversations_organization_id_idx ON conversations (organization_id);
CREATE INDEX conversations_user_id_updated_at_idx ON conversations (user_id, updated_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    model TEXT,
    tokens_used BIGINT,
    processing_time_ms BIGINT,
    metadata TEXT NOT NULL,
    incomplete BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_conversation_id_created_at_idx ON messages (conversation_id, created_at);

CREATE TABLE usage_daily (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL,
    model TEXT NOT NULL,
    day TEXT NOT NULL,
    requests BIGINT NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    CONSTRAINT usage_daily_bucket_key UNIQUE (user_id, key_id, model, day)
);
CREATE INDEX usage_daily_organization_id_day_idx ON usage_daily (organization_id, day);
CREATE INDEX usage_daily_user_id_day_idx ON usage_daily (user_id, day);

CREATE TABLE token_quotas (
    subject_id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT REFERENCES credentials (id) ON DELETE CASCADE,
    daily_tokens BIGINT,
    monthly_tokens BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX token_quotas_user_id_idx ON token_quotas (user_id);
CREATE INDEX token_quotas_credential_id_idx ON token_quotas (credential_id);
