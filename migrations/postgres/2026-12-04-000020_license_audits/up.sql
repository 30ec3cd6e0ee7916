-- Frozen audits: an audit export as it stood, kept byte for byte in each
-- format with its SHA-256, so the numbers sent to a vendor can be shown
-- again whatever changed since.
CREATE TABLE license_audits (
    id TEXT PRIMARY KEY NOT NULL,
    as_of DATE NOT NULL,
    products TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE license_audit_files (
    audit_id TEXT NOT NULL REFERENCES license_audits(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (audit_id, name)
);
