DROP TABLE document_chunks;
DROP TABLE document_tags;
DROP TABLE documents;
