DROP TABLE onboarding_steps;
DROP TABLE onboarding_runs;
DROP TABLE onboarding_templates;
