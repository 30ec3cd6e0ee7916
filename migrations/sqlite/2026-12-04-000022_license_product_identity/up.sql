-- A product without an edition is one product too: NULLs never collide in
-- a unique index, so the identity compares a missing edition as ''.
DROP INDEX license_products_identity;
CREATE UNIQUE INDEX license_products_identity ON license_products (publisher, name, COALESCE(edition, ''));
