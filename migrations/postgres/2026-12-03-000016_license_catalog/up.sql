-- The license register's catalog: products (publisher, name, edition, and
-- the family and version downgrade rights compare) and the normalization
-- rules that map discovered installations to them, tried by position.
CREATE TABLE license_products (
    id TEXT PRIMARY KEY NOT NULL,
    publisher TEXT NOT NULL,
    name TEXT NOT NULL,
    edition TEXT,
    family TEXT,
    version TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX license_products_identity ON license_products (publisher, name, edition);
CREATE TABLE license_rules (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT REFERENCES license_products(id),
    name_pattern TEXT NOT NULL,
    publisher_pattern TEXT,
    version_pattern TEXT,
    exclude BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX license_rules_position ON license_rules (position, id);
CREATE INDEX license_rules_product ON license_rules (product_id);
