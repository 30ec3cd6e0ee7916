-- An attachment carries the visibility of the comment it came with.
ALTER TABLE attachments ADD COLUMN is_public BOOLEAN NOT NULL DEFAULT TRUE;

UPDATE attachments
   SET is_public = (SELECT c.is_public FROM comments c WHERE c.id = attachments.comment_id)
 WHERE comment_id IS NOT NULL;

-- The web form used to store a note's files without their comment: files
-- uploaded by a note's author within a minute after the note belong to it.
UPDATE attachments
   SET comment_id = (SELECT c.id FROM comments c
                      WHERE c.ticket_id = attachments.ticket_id
                        AND c.author_id = attachments.uploaded_by_id
                        AND c.is_public = FALSE
                        AND c.created_at <= attachments.created_at
                        AND c.created_at >= datetime(attachments.created_at, '-60 seconds')
                      ORDER BY c.created_at DESC LIMIT 1),
       is_public = FALSE
 WHERE comment_id IS NULL
   AND EXISTS (SELECT 1 FROM comments c
                WHERE c.ticket_id = attachments.ticket_id
                  AND c.author_id = attachments.uploaded_by_id
                  AND c.is_public = FALSE
                  AND c.created_at <= attachments.created_at
                  AND c.created_at >= datetime(attachments.created_at, '-60 seconds'));

CREATE INDEX attachments_comment ON attachments (comment_id);
