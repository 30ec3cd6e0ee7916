-- Saved replies agents insert into a ticket's reply: for one queue or (no
-- queue) for every queue; placeholders such as {requester.first_name} are
-- filled from the ticket when inserted. Coordinators and admins keep them.
CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY NOT NULL,
    queue_id TEXT REFERENCES queues(id),
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX canned_responses_name ON canned_responses (name);
CREATE INDEX canned_responses_queue ON canned_responses (queue_id);
