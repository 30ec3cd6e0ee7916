-- Web sessions are rows as well as signed cookies, so that logging out,
-- "log out everywhere", deactivation and a password change end them.
CREATE TABLE web_sessions (
    -- SHA-256 of the session id the cookie carries.
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    client_ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_user ON web_sessions(user_id, expires_at);

-- Tokens may expire.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
