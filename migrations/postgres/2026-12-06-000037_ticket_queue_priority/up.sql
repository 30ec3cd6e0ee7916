-- The queue listing sorted by priority (the board's default): open tickets
-- of one queue in priority order are one index range, read 50 at a time,
-- rather than every open ticket of the queue sorted for each page.
CREATE INDEX tickets_queue_open_priority ON tickets(queue_id, is_open, priority, created_at, id);
