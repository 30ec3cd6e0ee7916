DROP TABLE contract_reminders;
DROP TABLE contract_terms;
