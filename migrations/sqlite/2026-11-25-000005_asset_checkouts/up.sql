-- Check-out and check-in of assets to people (SQLite).

-- One row per hand-over; open while checked_in_at is NULL. The person
-- confirms receipt with a link whose token is stored only as a digest.
CREATE TABLE asset_checkouts (
    id TEXT PRIMARY KEY NOT NULL,
    asset_id TEXT NOT NULL REFERENCES assets(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    checked_out_by TEXT NOT NULL REFERENCES users(id),
    checked_out_at TIMESTAMP NOT NULL,
    expected_return DATE,
    accept_token_digest TEXT UNIQUE,
    accepted_at TIMESTAMP,
    checked_in_at TIMESTAMP,
    checked_in_by TEXT REFERENCES users(id),
    note TEXT NOT NULL
);
CREATE INDEX asset_checkouts_asset ON asset_checkouts(asset_id, checked_out_at);
CREATE INDEX asset_checkouts_open_due ON asset_checkouts(checked_in_at, expected_return);
CREATE INDEX asset_checkouts_user ON asset_checkouts(user_id, checked_out_at);
