DROP TABLE license_allocations;
DROP TABLE license_resolutions;
