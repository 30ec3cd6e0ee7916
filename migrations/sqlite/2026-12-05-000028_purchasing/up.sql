-- Purchase orders: lines of asset models, license products or free text;
-- receipts of what arrived (the assets they created are the asset
-- register's, linked here by id; license lines' entitlements likewise);
-- invoices matched against the received value. Asset models gain a
-- default warranty for the assets received of them.
-- Numbers are MAX(seq) + 1 under SQLite's single writer.
CREATE TABLE purchase_orders (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL UNIQUE,
    number TEXT NOT NULL UNIQUE,
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    requested_by TEXT REFERENCES users(id),
    cost_centre TEXT,
    currency TEXT NOT NULL,
    conversion_rate_micros BIGINT,
    tax_bp BIGINT NOT NULL,
    discount_bp BIGINT NOT NULL,
    shipping_minor BIGINT NOT NULL,
    expected_on DATE,
    status TEXT NOT NULL,
    notes TEXT NOT NULL,
    approved_by TEXT,
    ordered_on DATE,
    invoice_flagged BOOLEAN NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX purchase_orders_vendor ON purchase_orders (vendor_id);
CREATE INDEX purchase_orders_status ON purchase_orders (status, seq);
CREATE TABLE purchase_order_lines (
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    model_id TEXT REFERENCES asset_models(id),
    product_id TEXT REFERENCES license_products(id),
    metric TEXT,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_cost_minor BIGINT NOT NULL,
    received BIGINT NOT NULL,
    PRIMARY KEY (order_id, number)
);
CREATE TABLE purchase_receipts (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    received_on DATE NOT NULL,
    location_id TEXT,
    received_by TEXT,
    request_key TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX purchase_receipts_order ON purchase_receipts (order_id, created_at);
CREATE UNIQUE INDEX purchase_receipts_key ON purchase_receipts (order_id, request_key);
CREATE TABLE purchase_receipt_lines (
    receipt_id TEXT NOT NULL REFERENCES purchase_receipts(id),
    line_number INTEGER NOT NULL,
    quantity BIGINT NOT NULL,
    entitlement_id TEXT,
    PRIMARY KEY (receipt_id, line_number)
);
CREATE TABLE purchase_units (
    asset_id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    line_number INTEGER NOT NULL,
    receipt_id TEXT REFERENCES purchase_receipts(id)
);
CREATE INDEX purchase_units_line ON purchase_units (order_id, line_number);
CREATE TABLE purchase_invoices (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    number TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    received_on DATE NOT NULL,
    expected_minor BIGINT NOT NULL,
    variance_minor BIGINT NOT NULL,
    flagged BOOLEAN NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX purchase_invoices_number ON purchase_invoices (order_id, number);
ALTER TABLE asset_models ADD COLUMN warranty_months INTEGER;
