-- Each directory sync of people: who or what started it, whether it was a
-- dry run, what it did (counts, and a line per person touched) or why it
-- failed.
CREATE TABLE directory_syncs (
    id TEXT PRIMARY KEY NOT NULL,
    started_by TEXT NOT NULL,
    actor_id TEXT REFERENCES users(id),
    dry_run BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    deactivated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    error TEXT,
    details TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL
);
CREATE INDEX directory_syncs_started ON directory_syncs (started_at, id);
