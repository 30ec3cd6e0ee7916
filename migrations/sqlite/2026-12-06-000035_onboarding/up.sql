-- Onboarding templates: from the configuration ([[onboarding_templates]],
-- rewritten at every start, source 'config') or the API (source 'api').
CREATE TABLE onboarding_templates (
    name TEXT PRIMARY KEY NOT NULL,
    spec TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Onboarding, offboarding and move runs: the plan made when asked, who
-- approved it, and the initial password sealed until its one reveal.
CREATE TABLE onboarding_runs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    person_id TEXT REFERENCES users(id),
    person TEXT NOT NULL,
    template TEXT,
    effective_on DATE NOT NULL,
    plan TEXT NOT NULL,
    undo TEXT,
    sealed_password TEXT,
    password_state TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id),
    approved_by TEXT REFERENCES users(id),
    approved_at TIMESTAMP,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX onboarding_runs_status ON onboarding_runs (status, effective_on);
CREATE INDEX onboarding_runs_person ON onboarding_runs (person_id);
CREATE INDEX onboarding_runs_created ON onboarding_runs (created_at, id);

-- Each run's steps in order, with what each will do and what it did.
CREATE TABLE onboarding_steps (
    run_id TEXT NOT NULL REFERENCES onboarding_runs(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    PRIMARY KEY (run_id, position)
);
