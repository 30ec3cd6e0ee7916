//! All integration tests in one binary: each test spawns the real app on a
//! random port with a database of its own (SQLite by default; PostgreSQL when
//! ITDESK_TEST_DATABASE_URL is set, as tests/run.sh does for the second run).

mod access;
mod access_matrix;
mod architecture;
mod asset_checkouts;
mod asset_edits;
mod asset_import;
mod asset_import_api;
mod asset_reports;
mod assets;
mod attachments;
mod backup;
mod browser;
mod cli;
mod cli_sla;
mod comments;
mod contracts;
mod fixtures;
mod hardening_access;
mod hardening_files;
mod hardening_input;
mod hardening_mail;
mod health;
mod helpers;
mod housekeeping;
mod inventory;
mod jobs;
mod lifecycle;
mod listing;
mod mail;
mod mail_cli;
mod mail_content;
mod mail_gate;
mod mail_imap;
mod mail_loops;
mod mail_servers;
mod mail_smtp;
mod sla;
mod sla_config;
mod storage;
mod tickets;
mod web_asset_forms;
mod web_assets;
mod web_pages;
mod web_sla;
