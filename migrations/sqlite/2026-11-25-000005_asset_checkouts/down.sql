DROP TABLE asset_checkouts;
