DROP TABLE license_entitlements;
