-- Vendors (with their contacts, in escalation order) and contracts: terms,
-- notice, renewal and cost. Derived figures (notice deadline, annual cost,
-- status) are computed, not stored.
CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    website TEXT,
    account_number TEXT,
    notes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX vendors_name ON vendors (lower(name));
CREATE TABLE vendor_contacts (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    name TEXT NOT NULL,
    role TEXT,
    email TEXT,
    phone TEXT,
    escalation_order INTEGER NOT NULL
);
CREATE INDEX vendor_contacts_vendor ON vendor_contacts (vendor_id, escalation_order);
CREATE TABLE contracts (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    kind TEXT NOT NULL,
    reference TEXT,
    title TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id),
    draft BOOLEAN NOT NULL,
    starts_on DATE,
    ends_on DATE,
    auto_renew BOOLEAN NOT NULL,
    renewal_months INTEGER,
    notice_months INTEGER,
    notice_days INTEGER,
    amount_minor BIGINT,
    currency TEXT,
    billing TEXT,
    terminates_on DATE,
    termination_reason TEXT,
    renewed_on DATE,
    notes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contracts_vendor ON contracts (vendor_id);
CREATE INDEX contracts_ends ON contracts (ends_on, id);
