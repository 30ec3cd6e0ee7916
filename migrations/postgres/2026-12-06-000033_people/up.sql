-- Employees: a login account (users) with what HR and the directory know
-- of the person. Requesters known only by mail have no row here; they
-- stay contacts.
CREATE TABLE people (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
    employee_id TEXT,
    given_name TEXT NOT NULL,
    surname TEXT NOT NULL,
    department TEXT,
    title TEXT,
    manager_id TEXT REFERENCES users(id),
    location_id TEXT,
    start_date DATE,
    end_date DATE,
    employment_status TEXT NOT NULL,
    directory_flavor TEXT,
    directory_dn TEXT,
    directory_key TEXT,
    account_name TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX people_employee_id ON people (employee_id);
CREATE UNIQUE INDEX people_directory_key ON people (directory_key);
CREATE INDEX people_department ON people (department, surname, given_name);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_status ON people (employment_status);
CREATE INDEX people_names ON people (surname, given_name, user_id);
