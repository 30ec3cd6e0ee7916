-- What was bought: a quantity of a product under a metric, for a term,
-- with its cost and the core rule per-core licences count by.
CREATE TABLE license_entitlements (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES license_products(id),
    metric TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    starts_on DATE,
    ends_on DATE,
    unit_cost_minor BIGINT,
    currency TEXT,
    core_rule TEXT,
    min_cores_per_processor INTEGER,
    min_cores_per_device INTEGER,
    core_pack INTEGER,
    downgrade_rights BOOLEAN NOT NULL DEFAULT FALSE,
    license_key TEXT,
    vendor TEXT,
    po_number TEXT,
    contract_ref TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX license_entitlements_product ON license_entitlements (product_id, metric);
