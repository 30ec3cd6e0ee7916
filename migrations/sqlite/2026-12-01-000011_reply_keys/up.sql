-- Each outgoing message has one recipient, whose reply key its Message-ID
-- carries: a thread shown to one person never holds another's keys.
ALTER TABLE mail_messages ADD COLUMN recipient TEXT;
-- A mailed reply whose sender could not be proven waits for staff.
ALTER TABLE comments ADD COLUMN is_verified BOOLEAN NOT NULL DEFAULT TRUE;
