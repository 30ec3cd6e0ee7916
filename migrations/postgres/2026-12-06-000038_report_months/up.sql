-- Frozen monthly reports: a closed month's figures as computed when it was
-- frozen (the report's JSON) with the definitions version they follow, who
-- froze it, and when its mail went out (set once, in the transaction that
-- queues the mail, so several processes send it once).
CREATE TABLE report_months (
    month TEXT PRIMARY KEY NOT NULL,
    definitions_version INTEGER NOT NULL,
    report TEXT NOT NULL,
    frozen_at TIMESTAMP NOT NULL,
    frozen_by TEXT,
    mailed_at TIMESTAMP
);
