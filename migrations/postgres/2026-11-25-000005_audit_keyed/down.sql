ALTER TABLE audit_chain DROP COLUMN key_fingerprint;
ALTER TABLE audit_chain DROP COLUMN keyed_from_seq;
