ALTER TABLE conversations ADD COLUMN agent_id TEXT;
