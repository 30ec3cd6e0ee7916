//! People and access: users with fixed roles, argon2 password hashes, API
//! tokens stored as SHA-256 digests, signed-cookie web sessions with CSRF
//! tokens, and login rate limiting per account and per client address.

pub mod cli;
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

use std::sync::Arc;

use crate::db::Db;

/// People and access at run time: built at start-up, read by the request
/// extractors (`ApiUser`, the web session) and the account pages.
#[derive(Clone)]
pub struct Auth {
    pub db: Db,
    pub login: Arc<settings::LoginSettings>,
    pub web: Arc<settings::WebSettings>,
    /// Recently verified API tokens.
    pub tokens: Arc<token_cache::TokenCache>,
    /// Signs session cookies.
    pub session_key: actix_web::cookie::Key,
}
