ALTER TABLE purchase_receipts DROP COLUMN request_hash;
