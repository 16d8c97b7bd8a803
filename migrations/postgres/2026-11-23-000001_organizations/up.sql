CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT organizations_slug_key UNIQUE (slug)
);

INSERT INTO organizations (id, name, slug, created_at, updated_at)
VALUES ('019ab0c4-0000-7000-8000-000000000001', 'Default organization', 'default',
        date_trunc('microseconds', now() AT TIME ZONE 'UTC'),
        date_trunc('microseconds', now() AT TIME ZONE 'UTC'));
