-- A dry run keeps its file and choices, so "apply this dry run" needs no
-- second upload; applying takes them (once) and clears them.
ALTER TABLE asset_imports ADD COLUMN pending_file BYTEA;
ALTER TABLE asset_imports ADD COLUMN pending_request TEXT;
