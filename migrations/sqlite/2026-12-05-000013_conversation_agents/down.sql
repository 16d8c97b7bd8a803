ALTER TABLE conversations DROP COLUMN agent_id;
