DROP INDEX assets_serial_lower;
DROP INDEX assets_tag_lower;
DROP INDEX assets_status_category_created;
DROP TABLE asset_imports;
