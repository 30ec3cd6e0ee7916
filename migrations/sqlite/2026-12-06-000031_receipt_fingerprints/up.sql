-- The fingerprint of the body a receipt was posted with under an
-- Idempotency-Key: the same key with another body is refused, not
-- answered as a replay. Receipts taken before have none and replay as
-- before.
ALTER TABLE purchase_receipts ADD COLUMN request_hash TEXT;
