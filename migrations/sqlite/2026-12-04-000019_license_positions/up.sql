-- Where each software title resolves under the normalization rules (a
-- product, excluded, or unmatched when both are empty), kept current as
-- rules and titles change; and named seats of user and device
-- entitlements.
CREATE TABLE license_resolutions (
    title_id TEXT PRIMARY KEY NOT NULL REFERENCES software_titles(id),
    product_id TEXT REFERENCES license_products(id),
    rule_id TEXT,
    excluded BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX license_resolutions_product ON license_resolutions(product_id, title_id);
CREATE TABLE license_allocations (
    id TEXT PRIMARY KEY NOT NULL,
    entitlement_id TEXT NOT NULL REFERENCES license_entitlements(id),
    person_id TEXT REFERENCES users(id),
    asset_id TEXT REFERENCES assets(id),
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX license_allocations_person ON license_allocations(entitlement_id, person_id);
CREATE UNIQUE INDEX license_allocations_asset ON license_allocations(entitlement_id, asset_id);
