DROP TABLE assets;
DROP TABLE locations;
DROP TABLE asset_models;
DROP TABLE manufacturers;
