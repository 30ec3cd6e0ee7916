DROP INDEX license_products_identity;
CREATE UNIQUE INDEX license_products_identity ON license_products (publisher, name, edition);
