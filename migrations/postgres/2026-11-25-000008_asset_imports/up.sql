-- Every asset import, dry runs included: who ran which file with which
-- profile, what it did, and the full report (JSON) for the report page.
CREATE TABLE asset_imports (
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
CREATE INDEX asset_imports_created ON asset_imports(created_at, id);

-- Lists filtered by status and category together (the register's commonest
-- question, "deployed laptops", and its rare corners, "servers in repair")
-- read one index range in keyset order instead of filtering a long walk.
CREATE INDEX assets_status_category_created ON assets(status, category, created_at, id);

-- The register's search (`q`): LIKE 'start%' on these, whatever the
-- database's collation.
CREATE INDEX assets_tag_lower ON assets((lower(asset_tag)) text_pattern_ops);
CREATE INDEX assets_serial_lower ON assets((lower(serial)) text_pattern_ops);
CREATE INDEX assets_hostname_pattern ON assets(hostname text_pattern_ops);
