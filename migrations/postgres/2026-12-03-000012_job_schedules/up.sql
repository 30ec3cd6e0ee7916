-- The last occurrence of each schedule that was enqueued: a compare-and-set
-- on this row makes each occurrence run once across processes, and after
-- downtime only the latest missed one runs.
CREATE TABLE job_schedules (
    kind TEXT PRIMARY KEY NOT NULL,
    last_occurrence TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
