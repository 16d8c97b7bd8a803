-- Keyed audit chain (issue 9): events from `keyed_from_seq` on are HMAC-SHA256 under a key
-- derived from a server secret; the events already present stay plain SHA-256 and keep verifying.
ALTER TABLE audit_chain ADD COLUMN keyed_from_seq BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_chain ADD COLUMN key_fingerprint TEXT;
UPDATE audit_chain SET keyed_from_seq = last_seq + 1;
