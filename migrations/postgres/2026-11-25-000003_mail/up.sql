-- Mail in and out (PostgreSQL).

-- Every message we took in or sent: the original bytes, what was done with
-- it, and its Message-ID for threading. The unique key makes a message
-- delivered twice (IMAP after a crash, an MTA retry) count once.
CREATE TABLE mail_messages (
    id TEXT PRIMARY KEY NOT NULL,
    direction TEXT NOT NULL,
    message_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ticket_id TEXT REFERENCES tickets(id),
    comment_id TEXT REFERENCES comments(id),
    thread_index TEXT,
    from_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    raw BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX mail_messages_seen ON mail_messages(direction, message_id, content_hash);
CREATE INDEX mail_messages_message_id ON mail_messages(message_id);
CREATE INDEX mail_messages_ticket ON mail_messages(ticket_id, created_at);
CREATE INDEX mail_messages_thread_index ON mail_messages(thread_index);
CREATE INDEX mail_messages_action ON mail_messages(action, created_at);

-- Mail to send, written in the same transaction as the change it reports
-- and sent by the `mail.send` job.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT REFERENCES tickets(id),
    kind TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    auto_to TEXT,
    subject TEXT NOT NULL,
    raw BYTEA NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_status ON mail_outbox(status, created_at);
CREATE INDEX mail_outbox_auto_to ON mail_outbox(auto_to, created_at);

-- Input that was not a message at all, kept for a person to look at.
CREATE TABLE mail_dead_letters (
    id TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    error TEXT NOT NULL,
    raw BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
