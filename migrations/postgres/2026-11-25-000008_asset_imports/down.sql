DROP TABLE asset_imports;
