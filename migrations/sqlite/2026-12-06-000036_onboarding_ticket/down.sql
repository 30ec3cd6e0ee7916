ALTER TABLE onboarding_runs DROP COLUMN ticket_id;
