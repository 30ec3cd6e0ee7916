-- Which assets a ticket is about (SQLite).
CREATE TABLE ticket_assets (
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    asset_id TEXT NOT NULL REFERENCES assets(id),
    linked_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, asset_id)
);
CREATE INDEX ticket_assets_asset ON ticket_assets(asset_id, created_at);
