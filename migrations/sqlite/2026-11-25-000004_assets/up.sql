-- The hardware and software asset register (SQLite).

CREATE TABLE manufacturers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE asset_models (
    id TEXT PRIMARY KEY NOT NULL,
    manufacturer_id TEXT NOT NULL REFERENCES manufacturers(id),
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    depreciation_months INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (manufacturer_id, name)
);

CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Money in minor units with its ISO 4217 currency; dates as calendar days.
-- `custom_fields` is a JSON object (per category, validated by the service).
CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    asset_tag TEXT NOT NULL UNIQUE,
    serial TEXT,
    model_id TEXT REFERENCES asset_models(id),
    category TEXT,
    hostname TEXT,
    status TEXT NOT NULL,
    substate TEXT,
    needs_review BOOLEAN NOT NULL,
    location_id TEXT REFERENCES locations(id),
    assignee_id TEXT REFERENCES users(id),
    purchase_date DATE,
    cost_minor BIGINT,
    currency TEXT,
    supplier TEXT,
    po_number TEXT,
    warranty_end DATE,
    notes TEXT NOT NULL,
    custom_fields TEXT NOT NULL,
    disposal_method TEXT,
    disposal_date DATE,
    disposal_evidence TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Each list filter reads one index that ends in the keyset columns.
CREATE INDEX assets_created ON assets(created_at, id);
CREATE INDEX assets_status_created ON assets(status, created_at, id);
CREATE INDEX assets_category_created ON assets(category, created_at, id);
CREATE INDEX assets_model_created ON assets(model_id, created_at, id);
CREATE INDEX assets_location_created ON assets(location_id, created_at, id);
CREATE INDEX assets_assignee_created ON assets(assignee_id, created_at, id);
CREATE INDEX assets_serial ON assets(serial);
CREATE INDEX assets_hostname ON assets(hostname);
CREATE INDEX assets_warranty ON assets(warranty_end, id);
