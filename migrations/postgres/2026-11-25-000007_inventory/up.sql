-- What inventory agents report about a device, and its installed software (PostgreSQL).
ALTER TABLE assets ADD COLUMN os_name TEXT;
ALTER TABLE assets ADD COLUMN os_version TEXT;
ALTER TABLE assets ADD COLUMN cpu_name TEXT;
ALTER TABLE assets ADD COLUMN cpu_cores INTEGER;
ALTER TABLE assets ADD COLUMN cpu_threads INTEGER;
ALTER TABLE assets ADD COLUMN memory_mb BIGINT;
ALTER TABLE assets ADD COLUMN device_id TEXT;
ALTER TABLE assets ADD COLUMN last_inventory_at TIMESTAMP;
CREATE INDEX assets_device_id ON assets(device_id);

-- One row per (device, package, version) while installed; a package that
-- disappears from an inventory gets an end date instead of being deleted.
CREATE TABLE software_installations (
    id TEXT PRIMARY KEY NOT NULL,
    asset_id TEXT NOT NULL REFERENCES assets(id),
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    publisher TEXT,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX software_installations_asset ON software_installations(asset_id, ended_at, name);
CREATE INDEX software_installations_name ON software_installations(name, version);
