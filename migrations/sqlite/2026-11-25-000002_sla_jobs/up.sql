-- Service levels, the durable job queue and in-app notifications (SQLite).

ALTER TABLE users ADD COLUMN is_vip BOOLEAN NOT NULL DEFAULT 0;

-- Each ticket's SLA, as last computed from its history: the policy, the
-- worst state, the nearest deadline, when time alone changes the state next
-- (a warning threshold or a deadline), and the thresholds still ahead (JSON)
-- so that the timer worker's scan needs no history.
ALTER TABLE tickets ADD COLUMN sla_policy TEXT;
ALTER TABLE tickets ADD COLUMN sla_state TEXT;
ALTER TABLE tickets ADD COLUMN sla_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN sla_next_check_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN sla_schedule TEXT;
CREATE INDEX tickets_open_sla_due ON tickets(is_open, sla_due_at, id);
CREATE INDEX tickets_open_sla_state ON tickets(is_open, sla_state, sla_due_at, id);
CREATE INDEX tickets_sla_check ON tickets(is_open, sla_next_check_at);

-- The calendars and policies in force. `source` is `config` (rewritten from
-- the configuration at every start) or `api` (managed over the API).
CREATE TABLE sla_calendars (
    name TEXT PRIMARY KEY NOT NULL,
    spec TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE sla_policies (
    name TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL,
    spec TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per ticket, clock, threshold and next-response cycle that has
-- fired: the primary key makes every escalation happen exactly once, however
-- many workers look.
CREATE TABLE sla_escalations (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    clock TEXT NOT NULL,
    threshold TEXT NOT NULL,
    cycle INTEGER NOT NULL,
    fired_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, clock, threshold, cycle)
);

-- Coordinators responsible for a queue (notified by SLA escalations).
CREATE TABLE queue_coordinators (
    queue_id TEXT NOT NULL REFERENCES queues(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (queue_id, user_id)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT REFERENCES users(id),
    email TEXT,
    ticket_id TEXT REFERENCES tickets(id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

-- The durable job queue every worker runs on.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_ready ON jobs(status, run_at);

-- Small shared values, e.g. the SLA configuration's version.
CREATE TABLE app_state (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
