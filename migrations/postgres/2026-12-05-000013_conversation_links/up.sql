ALTER TABLE conversations ADD COLUMN agent_id TEXT;
ALTER TABLE conversations ADD COLUMN project_id TEXT;
CREATE INDEX conversations_project_id_idx ON conversations (project_id);
