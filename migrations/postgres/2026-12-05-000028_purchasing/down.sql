ALTER TABLE asset_models DROP COLUMN warranty_months;
DROP TABLE purchase_invoices;
DROP TABLE purchase_units;
DROP TABLE purchase_receipt_lines;
DROP TABLE purchase_receipts;
DROP TABLE purchase_order_lines;
DROP TABLE purchase_orders;
DROP SEQUENCE purchase_order_seq;
