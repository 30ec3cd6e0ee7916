//! People and access: users with fixed roles, argon2 password hashes, API
//! tokens stored as SHA-256 digests, signed-cookie web sessions with CSRF
//! tokens, and login rate limiting per account and per client address.

pub mod commands;
pub mod domain;
pub mod dto;
pub mod extract;
pub mod handlers;
pub mod login;
mod model;
pub mod password;
pub mod people;
mod repo;
pub mod service;
pub mod session;
pub mod sessions;
pub mod settings;
pub mod token;
pub mod token_cache;
pub mod tokens;

pub use domain::Role;
pub use model::User;
