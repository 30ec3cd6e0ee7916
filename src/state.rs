//! What every request handler shares.

use std::sync::Arc;

use actix_web::cookie::Key;

use crate::auth::token_cache::TokenCache;
use crate::config::Settings;
use crate::db::Db;

/// Shared application state, cloned cheaply into handlers.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    /// Signs session cookies.
    pub session_key: Key,
    /// Recently verified API tokens.
    pub tokens: Arc<TokenCache>,
}
