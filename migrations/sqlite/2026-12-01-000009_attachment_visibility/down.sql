DROP INDEX attachments_comment;
ALTER TABLE attachments DROP COLUMN is_public;
