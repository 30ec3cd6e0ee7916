-- Named queue views: a filter and a sort a person saved, for themselves or
-- (coordinators and admins) shared with every member of staff.
CREATE TABLE saved_views (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    shared BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX saved_views_owner_name ON saved_views (owner_id, name);
CREATE INDEX saved_views_shared ON saved_views (shared);
