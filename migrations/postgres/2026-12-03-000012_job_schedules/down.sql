DROP TABLE job_schedules;
