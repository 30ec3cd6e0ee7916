-- A contract's service targets for its vendor (business time on a named
-- calendar), and tickets handed to vendors: when, under which contract and
-- targets, and when the vendor answered and resolved. Business seconds are
-- stored when an answer is recorded, so that a vendor's performance is
-- reproducible whatever the calendars become later.
ALTER TABLE contracts ADD COLUMN response_target_seconds BIGINT;
ALTER TABLE contracts ADD COLUMN resolution_target_seconds BIGINT;
ALTER TABLE contracts ADD COLUMN service_calendar TEXT;
CREATE TABLE vendor_escalations (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    vendor_id TEXT NOT NULL REFERENCES vendors(id),
    contract_id TEXT REFERENCES contracts(id),
    vendor_reference TEXT,
    note TEXT NOT NULL,
    escalated_by TEXT REFERENCES users(id),
    escalated_at TIMESTAMP NOT NULL,
    calendar TEXT NOT NULL,
    response_target_seconds BIGINT,
    resolution_target_seconds BIGINT,
    response_due_at TIMESTAMP,
    resolution_due_at TIMESTAMP,
    responded_at TIMESTAMP,
    response_seconds BIGINT,
    resolved_at TIMESTAMP,
    resolution_seconds BIGINT,
    resolution_note TEXT
);
CREATE INDEX vendor_escalations_ticket ON vendor_escalations (ticket_id, escalated_at);
CREATE INDEX vendor_escalations_vendor ON vendor_escalations (vendor_id, escalated_at);
