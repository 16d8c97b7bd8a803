DROP TABLE tools;
DROP TABLE prompt_versions;
DROP TABLE prompt_tags;
DROP TABLE prompts;
DROP TABLE project_members;
DROP TABLE projects;
