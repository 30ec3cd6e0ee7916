DROP TABLE contract_entitlements;
DROP TABLE contract_assets;
DROP TABLE asset_suppliers;
