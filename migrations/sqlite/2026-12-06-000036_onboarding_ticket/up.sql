-- A run asked for by a service request in the onboarding category: the
-- ticket it notes its progress on.
ALTER TABLE onboarding_runs ADD COLUMN ticket_id TEXT REFERENCES tickets(id);
