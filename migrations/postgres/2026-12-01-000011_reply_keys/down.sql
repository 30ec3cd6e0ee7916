ALTER TABLE comments DROP COLUMN is_verified;
ALTER TABLE mail_messages DROP COLUMN recipient;
