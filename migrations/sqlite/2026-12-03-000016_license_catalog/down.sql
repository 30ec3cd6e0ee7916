DROP TABLE license_rules;
DROP TABLE license_products;
