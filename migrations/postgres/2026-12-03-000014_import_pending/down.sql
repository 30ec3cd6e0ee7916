ALTER TABLE asset_imports DROP COLUMN pending_request;
ALTER TABLE asset_imports DROP COLUMN pending_file;
