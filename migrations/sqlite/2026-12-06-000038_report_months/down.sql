DROP TABLE report_months;
