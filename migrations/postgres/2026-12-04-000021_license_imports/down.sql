DROP TABLE license_imports;
DROP INDEX license_entitlements_source;
ALTER TABLE license_entitlements DROP COLUMN source_ref;
