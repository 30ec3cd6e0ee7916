DROP TABLE contracts;
DROP TABLE vendor_contacts;
DROP TABLE vendors;
