DROP TRIGGER document_chunks_fts_delete;
DROP TRIGGER document_chunks_fts_insert;
DROP TABLE document_chunks_fts;
DROP TABLE document_chunks;
DROP TABLE document_tags;
DROP TABLE documents;
