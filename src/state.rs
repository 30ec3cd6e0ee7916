//! What every request handler shares.

use std::sync::Arc;

use actix_web::cookie::Key;

use crate::auth::token_cache::TokenCache;
use crate::db::Db;
use crate::mail::notify::Notifier;
use crate::settings::Settings;
use crate::sla::events::SlaHooks;
use crate::sla::registry::{Registry, Sla};
use crate::tickets::events::Hooks;
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
    /// Who hears of ticket changes (the SLA, mail).
    pub ticket_hooks: Arc<Hooks>,
    /// Who hears of SLA escalations (mail).
    pub sla_hooks: SlaHooks,
    /// Mail about tickets.
    pub notifier: Notifier,
}

impl AppState {
    /// Builds the state and registers each context's subscribers: the SLA
    /// keeps a ticket's clocks and mail tells people, in that order.
    pub fn new(
        settings: Settings,
        db: Db,
        session_key: Key,
        tokens: Arc<TokenCache>,
        registry: Registry,
        reply_secret: Vec<u8>,
    ) -> AppState {
        let settings = Arc::new(settings);
        let reply_secret = Arc::new(reply_secret);
        let sla = Arc::new(Sla::new(registry));
        let notifier = Notifier {
            mail: Arc::new(settings.mail.clone()),
            reference_prefix: settings.tickets.reference_prefix.clone(),
            public_url: settings.server.public_url.clone(),
            reply_secret: reply_secret.clone(),
        };
        let mut sla_hooks = SlaHooks::default();
        sla_hooks.subscribe(Arc::new(notifier.clone()));
        let clocks = Arc::new(crate::sla::service::TicketClocks {
            registry: sla.clone(),
            hooks: sla_hooks.clone(),
        });
        let mut ticket_hooks = Hooks::default();
        ticket_hooks.subscribe(clocks.clone());
        ticket_hooks.subscribe(Arc::new(notifier.clone()));
        ticket_hooks.set_service_levels(clocks);
        AppState {
            settings,
            db,
            session_key,
            tokens,
            sla,
            reply_secret,
            ticket_hooks: Arc::new(ticket_hooks),
            sla_hooks,
            notifier,
        }
    }

    /// Runs `f` with the ticket rules in force now.
    pub fn with_rules<T>(&self, f: impl FnOnce(&Rules<'_>) -> T) -> T {
        f(&self.ticket_rules())
    }

    /// What ticket use cases apply.
    pub fn ticket_rules(&self) -> Rules<'_> {
        Rules {
            tickets: &self.settings.tickets,
            attachments: &self.settings.attachments,
            hooks: &self.ticket_hooks,
        }
    }

    /// What the SLA applies under these definitions (for work that holds
    /// one set of definitions across many transactions).
    pub fn sla_rules<'a>(&'a self, sla: &'a Registry) -> crate::sla::service::Rules<'a> {
        crate::sla::service::Rules {
            sla,
            hooks: &self.sla_hooks,
        }
    }
}
