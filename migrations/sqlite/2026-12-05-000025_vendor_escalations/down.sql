DROP TABLE vendor_escalations;
ALTER TABLE contracts DROP COLUMN service_calendar;
ALTER TABLE contracts DROP COLUMN resolution_target_seconds;
ALTER TABLE contracts DROP COLUMN response_target_seconds;
