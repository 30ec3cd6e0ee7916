//! What every request handler shares.

use std::sync::Arc;

use actix_web::cookie::Key;

use crate::auth::token_cache::TokenCache;
use crate::db::Db;
use crate::settings::Settings;
use crate::sla::registry::{Registry, Sla};
use crate::tickets::service::Rules;

/// Shared application state, cloned cheaply into handlers.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    /// Signs session cookies.
    pub session_key: Key,
    /// Recently verified API tokens.
    pub tokens: Arc<TokenCache>,
    /// The SLA calendars and policies in force.
    pub sla: Arc<Sla>,
    /// Makes the per-recipient reply keys of outgoing mail.
    pub reply_secret: Arc<Vec<u8>>,
}

impl AppState {
    /// Runs `f` with the ticket rules in force now.
    pub fn with_rules<T>(&self, f: impl FnOnce(&Rules<'_>) -> T) -> T {
        let sla = self.sla.get();
        f(&self.rules(&sla))
    }

    /// The ticket rules under these SLA definitions (for work that holds
    /// one set of definitions across many transactions).
    pub fn rules<'a>(&'a self, sla: &'a Registry) -> Rules<'a> {
        Rules {
            tickets: &self.settings.tickets,
            sla,
            mail: &self.settings.mail,
            attachments: &self.settings.attachments,
            public_url: &self.settings.server.public_url,
            reply_secret: &self.reply_secret,
        }
    }
}
