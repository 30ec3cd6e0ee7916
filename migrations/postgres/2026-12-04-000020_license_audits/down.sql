DROP TABLE license_audit_files;
DROP TABLE license_audits;
