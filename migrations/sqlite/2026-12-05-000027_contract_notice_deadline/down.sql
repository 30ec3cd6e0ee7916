DROP INDEX contracts_terminates;
DROP INDEX contracts_notice;
ALTER TABLE contracts DROP COLUMN notice_deadline;
