DROP TABLE jobs;
DROP TABLE chunk_vectors;
DROP TABLE collection_documents;
DROP TABLE collection_generations;
DROP TABLE collections;
