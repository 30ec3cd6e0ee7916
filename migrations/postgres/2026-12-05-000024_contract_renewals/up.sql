-- Terms a contract has left behind when it renewed (the running term is
-- the contract row itself), and the reminders sent about its deadlines:
-- one row per contract, deadline, date and offset, so each reminder is
-- sent once whatever the number of processes or restarts.
CREATE TABLE contract_terms (
    id TEXT PRIMARY KEY NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    starts_on DATE,
    ends_on DATE NOT NULL,
    renewed_by TEXT NOT NULL,
    amount_minor BIGINT,
    currency TEXT,
    billing TEXT,
    closed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX contract_terms_end ON contract_terms (contract_id, ends_on);
CREATE TABLE contract_reminders (
    id TEXT PRIMARY KEY NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    deadline TEXT NOT NULL,
    due_on DATE NOT NULL,
    offset_days INTEGER NOT NULL,
    missed TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    queued_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX contract_reminders_once
    ON contract_reminders (contract_id, deadline, due_on, offset_days);
CREATE INDEX contract_reminders_due ON contract_reminders (due_on);
