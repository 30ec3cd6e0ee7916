//! What kind of mail this is: a person writing, an automatic reply, bulk
//! mail, a delivery failure, or our own mail coming back. Only people get
//! tickets and answers.

use super::parse::Inbound;

/// Why a message is not from a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Person,
    /// Out-of-office and other automatic answers: never answered; recorded
    /// quietly on the ticket they refer to.
    AutoReply(String),
    /// Lists and bulk senders: never a ticket, never answered.
    Bulk(String),
    /// A delivery status notification about a message we sent.
    Bounce,
    /// Our own mail (our address, or a Message-ID we made).
    Own,
}

fn is_system_sender(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.as_str(),
        "mailer-daemon" | "postmaster" | "mail-daemon"
    )
}

/// Classifies a message for an installation whose address is `own_address`
/// and whose Message-IDs end in `@own_id_domain`.
pub fn classify(m: &Inbound, own_address: &str, own_id_domain: &str) -> Kind {
    if m.from.address.eq_ignore_ascii_case(own_address)
        || m.message_id.ends_with(&format!("@{own_id_domain}"))
    {
        return Kind::Own;
    }
    let k = &m.markers;
    if k.delivery_report || (is_system_sender(&m.from.address) && !m.bounced_ids.is_empty()) {
        return Kind::Bounce;
    }
    if let Some(a) = &k.auto_submitted
        && !a.eq_ignore_ascii_case("no")
    {
        return Kind::AutoReply(format!("Auto-Submitted: {a}"));
    }
    if k.x_autoreply {
        return Kind::AutoReply("X-Autoreply".into());
    }
    if let Some(p) = &k.precedence {
        match p.as_str() {
            "bulk" | "junk" | "list" => return Kind::Bulk(format!("Precedence: {p}")),
            "auto_reply" => return Kind::AutoReply("Precedence: auto_reply".into()),
            _ => {}
        }
    }
    if k.list_id {
        return Kind::Bulk("List-Id".into());
    }
    if k.null_return_path {
        return Kind::AutoReply("empty Return-Path".into());
    }
    if is_system_sender(&m.from.address) {
        return Kind::AutoReply(format!("sent by {}", m.from.address));
    }
    Kind::Person
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse::parse;

    fn kind(headers: &str) -> Kind {
        let raw = format!(
            "From: jane@example.org\r\nMessage-ID: <1@x>\r\n{headers}Subject: s\r\n\r\nbody"
        );
        classify(
            &parse(raw.as_bytes()).unwrap(),
            "helpdesk@example.org",
            "itdesk.example.org",
        )
    }

    #[test]
    fn people_are_people() {
        assert_eq!(kind(""), Kind::Person);
        assert_eq!(kind("Auto-Submitted: no\r\n"), Kind::Person);
    }

    #[test]
    fn automatic_bulk_and_system_mail_is_recognised() {
        assert!(matches!(
            kind("Auto-Submitted: auto-replied\r\n"),
            Kind::AutoReply(_)
        ));
        assert!(matches!(kind("X-Autoreply: yes\r\n"), Kind::AutoReply(_)));
        assert!(matches!(kind("X-Autorespond: yes\r\n"), Kind::AutoReply(_)));
        assert!(matches!(kind("Return-Path: <>\r\n"), Kind::AutoReply(_)));
        assert!(matches!(kind("Precedence: bulk\r\n"), Kind::Bulk(_)));
        assert!(matches!(kind("Precedence: list\r\n"), Kind::Bulk(_)));
        assert!(matches!(
            kind("List-Id: <announce.example.org>\r\n"),
            Kind::Bulk(_)
        ));
    }

    #[test]
    fn our_own_mail_is_recognised_by_address_or_message_id() {
        let raw = b"From: Helpdesk@Example.org\r\nSubject: s\r\n\r\nb";
        assert_eq!(
            classify(
                &parse(raw).unwrap(),
                "helpdesk@example.org",
                "itdesk.example.org"
            ),
            Kind::Own
        );
        let raw =
            b"From: someone@x.org\r\nMessage-ID: <abc@itdesk.example.org>\r\nSubject: s\r\n\r\nb";
        assert_eq!(
            classify(
                &parse(raw).unwrap(),
                "helpdesk@example.org",
                "itdesk.example.org"
            ),
            Kind::Own
        );
    }
}
