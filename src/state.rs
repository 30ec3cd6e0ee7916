//! The running service, composed: one value per context, built once and
//! wired together here — the SLA and mail subscribe to ticket events, mail
//! to SLA escalations. Handlers take their own context as app data; pages
//! and commands, which span contexts, take this.

use std::sync::Arc;

use actix_web::cookie::Key;

use crate::assets::{Assets, MailFrom};
use crate::auth::Auth;
use crate::auth::token_cache::TokenCache;
use crate::db::Db;
use crate::mail::Mail;
use crate::mail::notify::Notifier;
use crate::outbox::Outbox;
use crate::settings::Settings;
use crate::sla::Sla;
use crate::sla::events::SlaHooks;
use crate::sla::registry::{InForce, Registry};
use crate::tickets::Tickets;
use crate::tickets::events::Hooks;

/// Every context of one process.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub auth: Auth,
    pub tickets: Tickets,
    pub sla: Sla,
    pub mail: Mail,
    pub assets: Assets,
    pub people: crate::people::People,
    pub licenses: crate::licenses::Licenses,
    pub vendors: crate::vendors::Vendors,
    pub purchasing: crate::purchasing::Purchasing,
    pub onboarding: crate::onboarding::Onboarding,
    pub metrics: crate::metrics::Metrics,
    pub outbox: Outbox,
}

impl AppState {
    /// Builds each context and registers the subscribers: on a ticket
    /// change the SLA keeps its clocks, then mail tells people; mail also
    /// hears SLA escalations.
    pub fn new(
        settings: Settings,
        db: Db,
        session_key: Key,
        tokens: Arc<TokenCache>,
        registry: Registry,
        reply_secret: Vec<u8>,
    ) -> AppState {
        let s = Arc::new(settings);
        let api = Arc::new(s.api.clone());
        let notifier = Notifier {
            mail: Arc::new(s.mail.clone()),
            reference_prefix: s.tickets.reference_prefix.clone(),
            public_url: s.base_url().to_owned(),
            reply_secret: Arc::new(reply_secret),
        };
        let mut sla_hooks = SlaHooks::default();
        sla_hooks.subscribe(Arc::new(notifier.clone()));
        let sla = Sla {
            db: db.clone(),
            settings: Arc::new(s.sla.clone()),
            registry: Arc::new(InForce::new(registry)),
            hooks: sla_hooks,
        };
        let clocks = Arc::new(crate::sla::service::TicketClocks {
            registry: sla.registry.clone(),
            hooks: sla.hooks.clone(),
        });
        let mut ticket_hooks = Hooks::default();
        ticket_hooks.subscribe(clocks.clone());
        ticket_hooks.subscribe(Arc::new(notifier.clone()));
        ticket_hooks.set_service_levels(clocks);
        let tickets = Tickets {
            db: db.clone(),
            settings: Arc::new(s.tickets.clone()),
            attachments: Arc::new(s.attachments.clone()),
            api: api.clone(),
            hooks: Arc::new(ticket_hooks),
        };
        let licenses = crate::licenses::Licenses {
            db: db.clone(),
            settings: Arc::new(s.licenses.clone()),
        };
        let vendors = vendors(&s, &db, &sla);
        let purchasing = purchasing(&s, &db);
        AppState {
            auth: Auth {
                db: db.clone(),
                login: Arc::new(s.login.clone()),
                web: Arc::new(s.web.clone()),
                tokens: tokens.clone(),
                session_key,
            },
            mail: Mail {
                db: db.clone(),
                settings: notifier.mail.clone(),
                notifier,
                tickets: tickets.clone(),
            },
            assets: assets(&s, &db, api),
            people: people(&s, &db, &tokens),
            metrics: metrics(&s, &db, &sla, (&licenses, &vendors, &purchasing)),
            licenses,
            vendors,
            purchasing,
            outbox: Outbox {
                db: db.clone(),
                smtp: Arc::new(s.mail.smtp.clone()),
            },
            onboarding: onboarding(&s, people(&s, &db, &tokens), &tickets, &sla),
            tickets,
            sla,
            db,
            settings: s,
        }
    }
}

/// Vendors and contracts; service calendars are the SLA ones.
fn vendors(s: &Settings, db: &Db, sla: &Sla) -> crate::vendors::Vendors {
    crate::vendors::Vendors {
        files: Arc::new(s.attachments.clone()),
        db: db.clone(),
        settings: Arc::new(s.vendors.clone()),
        mail_from: mail_from(s),
        calendars: sla.registry.clone(),
    }
}

/// The monthly report: ticket clocks count on the SLA calendars.
fn metrics(
    s: &Settings,
    db: &Db,
    sla: &Sla,
    (licenses, vendors, purchasing): (
        &crate::licenses::Licenses,
        &crate::vendors::Vendors,
        &crate::purchasing::Purchasing,
    ),
) -> crate::metrics::Metrics {
    crate::metrics::Metrics {
        db: db.clone(),
        settings: Arc::new(s.reports.clone()),
        calendars: sla.registry.clone(),
        licenses: licenses.clone(),
        vendors: vendors.clone(),
        purchasing: purchasing.clone(),
        mail_from: mail_from(s),
    }
}

/// Onboarding, with the contexts its steps reach into.
fn onboarding(
    s: &Settings,
    people: crate::people::People,
    tickets: &Tickets,
    sla: &Sla,
) -> crate::onboarding::Onboarding {
    crate::onboarding::Onboarding {
        db: people.db.clone(),
        settings: Arc::new(s.onboarding.clone()),
        people,
        tickets: tickets.clone(),
        calendars: sla.registry.clone(),
        mail_from: mail_from(s),
        seal: Arc::default(),
    }
}

/// The people register and the directory it is synced from.
fn people(s: &Settings, db: &Db, tokens: &Arc<TokenCache>) -> crate::people::People {
    crate::people::People {
        db: db.clone(),
        directory: Arc::new(s.directory.clone()),
        tokens: tokens.clone(),
        holdings: Some(Arc::new(crate::onboarding::holdings::Everything)),
    }
}

fn assets(s: &Settings, db: &Db, api: Arc<crate::http::ApiSettings>) -> Assets {
    Assets {
        db: db.clone(),
        settings: Arc::new(s.assets.clone()),
        inventory: Arc::new(s.inventory.clone()),
        fields: Arc::new(s.asset_fields.clone()),
        api,
        mail_from: mail_from(s),
    }
}

fn purchasing(s: &Settings, db: &Db) -> crate::purchasing::Purchasing {
    crate::purchasing::Purchasing {
        db: db.clone(),
        settings: Arc::new(s.purchasing.clone()),
        tag_pattern: Arc::new(
            crate::assets::import::tags::TagPattern::parse_setting(
                &s.assets.tag_pattern,
                "assets.tag_pattern",
            )
            .expect("validated with the settings"),
        ),
    }
}

/// Where the contexts' own mail (digests, reminders) comes from.
fn mail_from(s: &Settings) -> Arc<MailFrom> {
    Arc::new(MailFrom {
        address: s.mail.address.clone(),
        display_name: s.mail.display_name.clone(),
        public_url: s.base_url().to_owned(),
    })
}
