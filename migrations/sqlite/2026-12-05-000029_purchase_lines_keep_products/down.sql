CREATE TABLE purchase_order_lines_old (
    order_id TEXT NOT NULL REFERENCES purchase_orders(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    model_id TEXT REFERENCES asset_models(id),
    product_id TEXT REFERENCES license_products(id),
    metric TEXT,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_cost_minor BIGINT NOT NULL,
    received BIGINT NOT NULL,
    PRIMARY KEY (order_id, number)
);
INSERT INTO purchase_order_lines_old
    (order_id, number, kind, model_id, product_id, metric, description, quantity, unit_cost_minor, received)
SELECT order_id, number, kind, model_id, product_id, metric, description, quantity, unit_cost_minor, received
FROM purchase_order_lines;
DROP TABLE purchase_order_lines;
ALTER TABLE purchase_order_lines_old RENAME TO purchase_order_lines;
