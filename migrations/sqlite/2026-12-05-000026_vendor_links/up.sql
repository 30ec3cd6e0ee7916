-- Assets name their supplier as free text; where it is a vendor's name
-- (any case, spaces around ignored) the asset is also linked to that
-- vendor here, and the text stays for the rest. Contracts cover assets and
-- license entitlements; what they name is looked up when read, so that an
-- entitlement deleted from the license register (which knows nothing of
-- contracts) simply drops out.
CREATE TABLE asset_suppliers (
    asset_id TEXT PRIMARY KEY NOT NULL REFERENCES assets(id),
    vendor_id TEXT NOT NULL REFERENCES vendors(id)
);
CREATE INDEX asset_suppliers_vendor ON asset_suppliers (vendor_id);
INSERT INTO asset_suppliers (asset_id, vendor_id)
SELECT a.id, v.id FROM assets a JOIN vendors v ON lower(v.name) = lower(trim(a.supplier))
WHERE a.supplier IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM asset_suppliers s WHERE s.asset_id = a.id);
CREATE TABLE contract_assets (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    asset_id TEXT NOT NULL,
    PRIMARY KEY (contract_id, asset_id)
);
CREATE INDEX contract_assets_asset ON contract_assets (asset_id);
CREATE TABLE contract_entitlements (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    entitlement_id TEXT NOT NULL,
    PRIMARY KEY (contract_id, entitlement_id)
);
