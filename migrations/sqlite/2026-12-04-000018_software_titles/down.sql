DROP TABLE asset_hardware;
DROP INDEX software_installations_title;
ALTER TABLE software_installations DROP COLUMN title_id;
DROP TABLE software_titles;
