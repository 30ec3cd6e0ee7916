-- Entitlement imports: every run with its report, and where an imported
-- entitlement came from (`snipeit:42`), so that importing the same export
-- again updates what it created instead of adding it twice.
ALTER TABLE license_entitlements ADD COLUMN source_ref TEXT;
CREATE UNIQUE INDEX license_entitlements_source ON license_entitlements (source_ref);
CREATE TABLE license_imports (
    id TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT REFERENCES users(id),
    profile TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    applied BOOLEAN NOT NULL,
    row_count INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    report TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX license_imports_recent ON license_imports (created_at);
