-- An order line names a license product without a foreign key: the
-- license register (which knows nothing of purchasing) may delete a
-- product an old order bought; the line keeps its description, and
-- receiving it is refused naming the line. SQLite drops a constraint by
-- rebuilding the table.
CREATE TABLE purchase_order_lines_new (
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    model_id TEXT REFERENCES asset_models(id),
    product_id TEXT,
    metric TEXT,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_cost_minor BIGINT NOT NULL,
    received BIGINT NOT NULL,
    PRIMARY KEY (order_id, number)
);
INSERT INTO purchase_order_lines_new
    (order_id, number, kind, model_id, product_id, metric, description, quantity, unit_cost_minor, received)
SELECT order_id, number, kind, model_id, product_id, metric, description, quantity, unit_cost_minor, received
FROM purchase_order_lines;
DROP TABLE purchase_order_lines;
ALTER TABLE purchase_order_lines_new RENAME TO purchase_order_lines;
