DROP INDEX assets_status_category_created;
DROP TABLE asset_imports;
