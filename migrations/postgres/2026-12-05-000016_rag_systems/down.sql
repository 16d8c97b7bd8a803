DROP TABLE rag_systems;
