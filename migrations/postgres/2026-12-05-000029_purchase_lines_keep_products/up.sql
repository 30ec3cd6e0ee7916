-- An order line names a license product without a foreign key: the
-- license register (which knows nothing of purchasing) may delete a
-- product an old order bought; the line keeps its description, and
-- receiving it is refused naming the line.
ALTER TABLE purchase_order_lines DROP CONSTRAINT IF EXISTS purchase_order_lines_product_id_fkey;
