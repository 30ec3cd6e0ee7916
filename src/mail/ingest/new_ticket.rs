//! A message that starts a ticket: from an allowed domain or a known
//! person, filed with its text, addressees and files, and acknowledged.

use super::super::settings::UnknownDomain;
use super::super::thread::clean_subject;
use super::{Job, Outcome};
use crate::auth::{User, service as people};
use crate::db::DbConn;
use crate::error::AppError;
use crate::tickets::domain::Channel;
use crate::tickets::dto::CreateTicket;
use crate::tickets::service::insert_ticket;

impl Job<'_> {
    pub(super) fn new_ticket(
        &self,
        conn: &mut DbConn,
        sender: Option<User>,
    ) -> Result<Outcome, AppError> {
        let m = self.m;
        let mail = &*self.notifier.mail;
        let domain = m.from.address.rsplit('@').next().unwrap_or("");
        let domain_ok = mail.allowed_domains.is_empty()
            || mail
                .allowed_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain));
        if sender.is_none() && !domain_ok {
            return match mail.unknown_domain {
                UnknownDomain::Hold => self.record(
                    conn,
                    "held",
                    &format!("{domain} is not an allowed domain; held for a person"),
                    None,
                    None,
                ),
                UnknownDomain::Reject => self.record(
                    conn,
                    "ignored",
                    &format!("{domain} is not an allowed domain; rejected"),
                    None,
                    None,
                ),
            };
        }
        let requester = match sender {
            Some(u) => u,
            None => people::ensure_contact_named(
                conn,
                &m.from.address,
                m.from.name.as_deref(),
                "from",
                None,
                self.now,
            )?,
        };
        if !requester.is_active {
            return self.record(
                conn,
                "held",
                "the sender's account is deactivated",
                None,
                None,
            );
        }
        let input = self.filing(&requester);
        let view = insert_ticket(
            conn,
            self.rules,
            &requester,
            &input,
            Channel::Email,
            self.now,
        )?;
        self.attach(conn, &view.ticket, &requester, None)?;
        let outcome = self.record(
            conn,
            "created",
            &format!("new ticket from {}", m.from.address),
            Some(&view.ticket),
            None,
        )?;
        super::super::notify::acknowledge(conn, self.notifier, &view.ticket, &requester, self.now)?;
        Ok(outcome)
    }

    /// The ticket a new message files: its subject (without reply
    /// prefixes or our tag), its text, and the other addressees as
    /// watchers — each within the limits a filing has.
    pub(super) fn filing(&self, requester: &User) -> CreateTicket {
        let m = self.m;
        let own = self.notifier.mail.address.to_lowercase();
        let watchers: Vec<String> =
            m.cc.iter()
                .chain(m.to.iter())
                .map(|b| b.address.clone())
                .filter(|a| {
                    *a != own
                        && *a != requester.email
                        && crate::auth::domain::normalize_email(a).is_ok()
                })
                .take(crate::tickets::service::MAX_WATCHERS)
                .collect();
        let subject: String = clean_subject(&m.subject, &self.rules.tickets.reference_prefix)
            .chars()
            .take(crate::tickets::service::MAX_SUBJECT_CHARS)
            .collect();
        let text = m.text.trim();
        let description: String = if text.is_empty() {
            "(no text)".to_owned()
        } else {
            text.chars()
                .take(crate::tickets::service::MAX_BODY_CHARS)
                .collect()
        };
        CreateTicket {
            subject,
            description,
            requester_email: None,
            ticket_type: None,
            impact: None,
            urgency: None,
            priority: None,
            category: None,
            queue: None,
            watchers,
        }
    }
}
