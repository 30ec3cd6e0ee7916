//! People and access: users with fixed roles, argon2 password hashes, API
//! tokens stored as SHA-256 digests, signed-cookie web sessions with CSRF
//! tokens, and login rate limiting per account and per client address.

pub mod domain;
pub mod extract;
pub mod model;
pub mod password;
pub mod repo;
pub mod service;
pub mod session;
pub mod token;
pub mod token_cache;

pub use domain::Role;
pub use model::User;
