-- Data migrations that need the application's own rules (run once, in Rust, after the schema
-- migrations); a row here says one has been applied.
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
