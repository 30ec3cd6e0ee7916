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

/// Our own messages, built by the outbox, read back by this pipeline.
#[cfg(test)]
mod outbox_round_trip {
    use crate::outbox::{Outgoing, build, id_domain, new_message_id};

    #[test]
    fn built_messages_thread_tag_and_mark_themselves_automatic() {
        let o = Outgoing {
            from_name: "IT Helpdesk".into(),
            from: "helpdesk@example.org".into(),
            reply_to: Some("helpdesk+k1abc@example.org".into()),
            to: vec!["jane@example.org".into(), "not an address".into()],
            subject: "[#42] Drücker kaputt".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
            message_id: new_message_id("helpdesk@example.org"),
            thread: vec![
                "root@mail.example.org".into(),
                "b@itdesk.example.org".into(),
            ],
            automatic: true,
            ticket_number: Some(42),
        };
        let (bytes, to) = build(&o).unwrap();
        assert_eq!(to, vec!["jane@example.org"]);
        let parsed = crate::mail::parse::parse(&bytes).unwrap();
        assert_eq!(parsed.subject, "[#42] Drücker kaputt");
        assert_eq!(parsed.in_reply_to, vec!["b@itdesk.example.org"]);
        assert_eq!(
            parsed.references,
            vec!["root@mail.example.org", "b@itdesk.example.org"]
        );
        assert_eq!(
            parsed.markers.auto_submitted.as_deref(),
            Some("auto-generated")
        );
        assert!(o.message_id.ends_with("@itdesk.example.org"));
        assert_eq!(parsed.message_id, o.message_id);
        assert_eq!(
            crate::mail::classify::classify(
                &parsed,
                "other@x.org",
                &id_domain("helpdesk@example.org")
            ),
            crate::mail::classify::Kind::Own,
            "our mail coming back is recognised by its Message-ID"
        );
    }
}
