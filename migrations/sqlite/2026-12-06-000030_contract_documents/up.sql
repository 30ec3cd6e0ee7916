-- Files kept with a contract (the signed contract, order forms, price
-- lists). Bytes live by SHA-256 in the attachments folder, like a
-- ticket's files; a row here keeps them from being collected.
CREATE TABLE contract_documents (
    id TEXT PRIMARY KEY NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contract_documents_contract ON contract_documents (contract_id, created_at);
CREATE INDEX contract_documents_sha256 ON contract_documents (sha256);
