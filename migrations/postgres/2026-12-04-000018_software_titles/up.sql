-- Software titles: each distinct (name, version, publisher) an inventory
-- reported, once; installations point at theirs, so that what a title is
-- (the license register resolves titles, not rows) is decided once.
-- Also the processors (sockets) an agent reports, besides the cores.
CREATE TABLE software_titles (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX software_titles_identity ON software_titles(name, version, publisher);
INSERT INTO software_titles (id, name, version, publisher)
    SELECT gen_random_uuid()::text, name, version, COALESCE(publisher, '')
    FROM software_installations
    GROUP BY name, version, COALESCE(publisher, '');
ALTER TABLE software_installations ADD COLUMN title_id TEXT REFERENCES software_titles(id);
UPDATE software_installations SET title_id = (
    SELECT t.id FROM software_titles t
    WHERE t.name = software_installations.name
      AND t.version = software_installations.version
      AND t.publisher = COALESCE(software_installations.publisher, ''));
CREATE INDEX software_installations_title ON software_installations(title_id, asset_id, first_seen, ended_at);

CREATE TABLE asset_hardware (
    asset_id TEXT PRIMARY KEY NOT NULL REFERENCES assets(id),
    cpu_sockets INTEGER
);
