//! itdesk: an IT helpdesk and asset management service in one binary.
//!
//! The library builds the application (`startup`), and holds one module per
//! bounded context; `main.rs` only parses the command line and calls in here.
#![deny(unsafe_code)]

pub mod assets;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod commands;
pub mod config;
pub mod db;
pub mod demo;
pub mod directory;
pub mod error;
pub mod export;
pub mod health;
pub mod housekeeping;
pub mod http;
pub mod ids;
pub mod jobs;
pub mod licenses;
pub mod mail;
pub mod metrics;
pub mod money;
pub mod onboarding;
pub mod openapi;
pub mod outbox;
pub mod people;
pub mod purchasing;
pub mod settings;
pub mod sla;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod text;
pub mod tickets;
pub mod vendors;
pub mod web;
