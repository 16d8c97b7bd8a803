DROP INDEX conversations_project_id_idx;
ALTER TABLE conversations DROP COLUMN project_id;
ALTER TABLE conversations DROP COLUMN agent_id;
