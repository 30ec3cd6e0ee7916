//! Reading an RFC 5322 message with a real MIME parser (every charset,
//! RFC 2047 encoded words, nested multiparts) into what the pipeline needs.

use mail_parser::{HeaderValue, Message, MessageParser, MessagePart, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::text::hex;

/// A person in an address header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Lowercased.
    pub address: String,
    pub name: Option<String>,
}

/// A part kept as a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// An inline image of an HTML body.
    pub inline: bool,
}

/// The headers that say a message is automatic, bulk, or a bounce.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markers {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    pub x_autoreply: bool,
    pub list_id: bool,
    /// `Return-Path: <>`.
    pub null_return_path: bool,
    /// `multipart/report` with `report-type=delivery-status`.
    pub delivery_report: bool,
}

/// An inbound message, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// Without angle brackets; made up from the content when missing.
    pub message_id: String,
    pub content_hash: String,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// Outlook's conversation id: the first 22 bytes of Thread-Index, base64.
    pub thread_index: Option<String>,
    pub markers: Markers,
    /// Message-IDs of the messages a delivery report is about.
    pub bounced_ids: Vec<String>,
    /// The text body (derived from HTML for HTML-only mail).
    pub text: String,
    /// The HTML body as sent (sanitise before showing it).
    pub html: Option<String>,
    pub parts: Vec<Part>,
    /// The trace headers, in order: `Received`, `Authentication-Results`,
    /// `Delivered-To`, `Envelope-To`, `X-Original-To` (name, value).
    pub trace: Vec<(String, String)>,
}

/// Headers kept in [`Inbound::trace`].
const TRACE: [&str; 5] = [
    "received",
    "authentication-results",
    "delivered-to",
    "envelope-to",
    "x-original-to",
];

impl Inbound {
    /// The addresses the message was delivered to: `To`, `Cc` and the
    /// delivery headers an MTA adds.
    pub fn delivered_to(&self) -> Vec<&str> {
        self.to
            .iter()
            .chain(&self.cc)
            .map(|m| m.address.as_str())
            .chain(
                self.trace
                    .iter()
                    .filter(|(n, _)| !matches!(n.as_str(), "received" | "authentication-results"))
                    .flat_map(|(_, v)| v.split([',', ' '])),
            )
            .filter(|a| a.contains('@'))
            .collect()
    }
}

/// Input that is not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an email message: {0}")]
pub struct NotAMessage(pub String);

fn bare_id(id: &str) -> String {
    strip(
        id.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .to_owned(),
    )
}

fn id_list(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t
            .split_whitespace()
            .map(bare_id)
            .filter(|s| !s.is_empty())
            .collect(),
        HeaderValue::TextList(list) => list
            .iter()
            .map(|t| bare_id(t))
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn mailboxes(a: Option<&mail_parser::Address<'_>>) -> Vec<Mailbox> {
    a.map(|a| {
        a.iter()
            .filter_map(|m| {
                Some(Mailbox {
                    address: strip(m.address()?.trim().to_lowercase()),
                    name: m
                        .name()
                        .map(|n| strip(n.to_owned()))
                        .filter(|n| !n.trim().is_empty()),
                })
            })
            .collect()
    })
    .unwrap_or_default()
}

fn header_text(m: &mail_parser::Message<'_>, name: &str) -> Option<String> {
    m.header_raw(name).map(|v| strip(v.trim().to_owned()))
}

/// Message-IDs named in the headers of a message embedded in a report.
fn embedded_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("message-id")
                .then(|| bare_id(value))
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// What identifies a message's content however it travelled: the author's
/// headers and the body, not the trace headers (Received, Return-Path,
/// Delivered-To, spam scores) each hop adds — so one message that reaches us
/// through IMAP and through the MTA pipe is still one message.
fn content_hash(m: &mail_parser::Message<'_>, raw: &[u8]) -> String {
    let mut h = Sha256::new();
    for name in ["From", "Date", "Subject", "Message-ID", "To", "Cc"] {
        h.update(name.as_bytes());
        h.update(b":");
        if let Some(v) = m.header_raw(name) {
            h.update(
                v.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_bytes(),
            );
        }
        h.update(b"\n");
    }
    let body_at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2))
        .unwrap_or(raw.len());
    h.update(&raw[body_at..]);
    hex(&h.finalize())
}

/// Parses raw bytes. A message needs at least a `From` with an address.
pub fn parse(raw: &[u8]) -> Result<Inbound, NotAMessage> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(NotAMessage("the input is empty".into()));
    }
    // mail-parser 0.11 panics on some broken MIME structures (found by
    // fuzzing, tests/fuzz): such input is not a message we can read, and it
    // must not take the process (or an IMAP poll) down with it.
    let message = std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| NotAMessage("its MIME structure is broken beyond reading".into()))?
        .ok_or_else(|| NotAMessage("no RFC 5322 header could be read".into()))?;
    let from = mailboxes(message.from())
        .into_iter()
        .next()
        .ok_or_else(|| NotAMessage("there is no From address".into()))?;
    let content_hash = content_hash(&message, raw);
    let message_id = message
        .message_id()
        .map(bare_id)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{}@no-message-id.invalid", &content_hash[..32]));
    let thread_index = thread_index(&message);
    let markers = markers(&message);
    let (parts, bounced_ids) = parts(&message, markers.delivery_report);
    let (text, html) = bodies(&message);
    Ok(Inbound {
        message_id: strip(message_id),
        content_hash,
        from,
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        subject: strip(message.subject().unwrap_or("").trim().to_owned()),
        in_reply_to: id_list(message.in_reply_to()),
        references: id_list(message.references()),
        thread_index,
        markers,
        bounced_ids: bounced_ids.into_iter().map(strip).collect(),
        text: strip(text),
        html: html.map(strip),
        parts,
        trace: super::authres::header_lines(raw)
            .into_iter()
            .filter_map(|(n, v)| {
                let n = n.to_ascii_lowercase();
                TRACE.contains(&n.as_str()).then(|| (n, strip(v)))
            })
            .collect(),
    })
}

/// Outlook's Thread-Index, cut to its 22-byte conversation root.
fn thread_index(message: &Message<'_>) -> Option<String> {
    use base64::Engine;
    let t = header_text(message, "Thread-Index")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(t.replace(char::is_whitespace, ""))
        .ok()?;
    (bytes.len() >= 22).then(|| base64::engine::general_purpose::STANDARD.encode(&bytes[..22]))
}

/// What says a message is automatic, bulk or a delivery report.
fn markers(message: &Message<'_>) -> Markers {
    let delivery_report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    Markers {
        auto_submitted: header_text(message, "Auto-Submitted"),
        precedence: header_text(message, "Precedence").map(|p| p.to_lowercase()),
        x_autoreply: message.header_raw("X-Autoreply").is_some()
            || message.header_raw("X-Autorespond").is_some(),
        list_id: message.header_raw("List-Id").is_some(),
        null_return_path: header_text(message, "Return-Path")
            .is_some_and(|r| r.replace(' ', "") == "<>"),
        delivery_report,
    }
}

/// The attachments, and for a delivery report the Message-IDs of the
/// messages it returns (its report parts are not attachments).
fn parts(message: &Message<'_>, delivery_report: bool) -> (Vec<Part>, Vec<String>) {
    let mut bounced_ids = Vec::new();
    let mut parts = Vec::new();
    for part in message.attachments() {
        if delivery_report && report_part(part, &mut bounced_ids) {
            continue;
        }
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_lowercase();
        let inline = part.content_id().is_some()
            && part
                .content_disposition()
                .is_none_or(|d| d.ctype().eq_ignore_ascii_case("inline"));
        let filename = part
            .attachment_name()
            .map(|n| strip(n.to_owned()))
            .unwrap_or_else(|| format!("part-{}", parts.len() + 1));
        parts.push(Part {
            filename,
            content_type,
            bytes: part.contents().to_vec(),
            inline,
        });
    }
    (parts, bounced_ids)
}

/// Whether a part of a delivery report is one of its report parts (the
/// returned message or its headers, the status); collects the returned
/// Message-IDs.
fn report_part(part: &MessagePart<'_>, bounced_ids: &mut Vec<String>) -> bool {
    let subtype_is = |name: &str| {
        part.content_type()
            .is_some_and(|c| c.subtype().is_some_and(|s| s.eq_ignore_ascii_case(name)))
    };
    if let Some(inner) = part.message() {
        bounced_ids.extend(inner.message_id().map(bare_id));
        true
    } else if part.is_text() && subtype_is("rfc822-headers") {
        bounced_ids.extend(embedded_ids(part.text_contents().unwrap_or("")));
        true
    } else {
        subtype_is("delivery-status")
    }
}

/// The plain text (from the HTML when there is no text part) and the HTML.
fn bodies(message: &Message<'_>) -> (String, Option<String>) {
    let html = (message.html_body_count() > 0)
        .then(|| {
            message
                .html_bodies()
                .next()
                .and_then(|p| p.text_contents().map(str::to_owned))
        })
        .flatten();
    let text = if message.text_body_count() > 0
        && message
            .text_bodies()
            .next()
            .is_some_and(|p| !p.is_text_html())
    {
        message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    } else {
        html.as_deref()
            .map(super::html::to_text)
            .unwrap_or_default()
    };
    (text, html)
}

/// Text from a message loses the control characters [`crate::text`]
/// removes (the raw original is kept as received).
fn strip(s: String) -> String {
    crate::text::strip_controls_owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_body_and_encoded_word_subject_read_correctly() {
        let raw = b"From: =?ISO-8859-1?Q?Ren=E9e_M=FCller?= <Renee@Example.ORG>\r\n\
To: helpdesk@example.org\r\n\
Subject: =?ISO-8859-1?Q?Dr=FCcker_im_B=FCro_kaputt?=\r\n\
Message-ID: <abc@mail.example.org>\r\n\
Content-Type: text/plain; charset=ISO-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Der Dr=FCcker im 2. Stock druckt nur noch wei=DFe Seiten.\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.subject, "Drücker im Büro kaputt");
        assert_eq!(m.from.address, "renee@example.org");
        assert_eq!(m.from.name.as_deref(), Some("Renée Müller"));
        assert_eq!(m.message_id, "abc@mail.example.org");
        assert!(m.text.contains("weiße Seiten"), "{}", m.text);
    }

    #[test]
    fn input_without_a_sender_is_not_a_message() {
        assert!(parse(b"").is_err());
        assert!(parse(b"hello, this is just text\n").is_err());
        assert!(parse(b"Subject: no sender\r\n\r\nbody").is_err());
    }

    #[test]
    fn mime_the_parser_chokes_on_is_not_a_message_and_no_panic() {
        // Found by the fuzzer: mail-parser 0.11 panics on this one.
        let raw = include_bytes!("../../tests/fuzz/seeds/inbound/broken_nested_multipart.eml");
        let err = parse(raw).unwrap_err();
        assert!(err.0.contains("MIME structure"), "{}", err.0);
    }

    #[test]
    fn missing_message_id_is_made_up_from_the_content_and_stable() {
        let raw = b"From: a@example.org\r\nSubject: x\r\n\r\nbody";
        let (a, b) = (parse(raw).unwrap(), parse(raw).unwrap());
        assert_eq!(a.message_id, b.message_id);
        assert!(a.message_id.ends_with("@no-message-id.invalid"));
    }

    #[test]
    fn trace_headers_do_not_change_the_content_hash_but_the_body_does() {
        let raw = b"From: a@example.org\r\nSubject: x\r\nMessage-ID: <m@x>\r\n\r\nbody\r\n";
        let relayed = b"Return-Path: <a@example.org>\r\nReceived: from mx by mx2; Tue, 24 Nov 2026\r\nDelivered-To: helpdesk@example.org\r\nFrom: a@example.org\r\nSubject: x\r\nMessage-ID: <m@x>\r\n\r\nbody\r\n";
        let other =
            b"From: a@example.org\r\nSubject: x\r\nMessage-ID: <m@x>\r\n\r\nanother body\r\n";
        let h = |r: &[u8]| parse(r).unwrap().content_hash;
        assert_eq!(h(raw), h(relayed));
        assert_ne!(h(raw), h(other));
    }

    #[test]
    fn threading_headers_are_read_without_brackets() {
        let raw = b"From: a@example.org\r\nSubject: Re: x\r\nIn-Reply-To: <one@x>\r\nReferences: <zero@x>\r\n <one@x>\r\n\
Thread-Index: AdnB6vK2FJ8iCtLkTeaZo5J0P3BZcQAAAAAA\r\n\r\nbody";
        let m = parse(raw).unwrap();
        assert_eq!(m.in_reply_to, vec!["one@x"]);
        assert_eq!(m.references, vec!["zero@x", "one@x"]);
        assert!(m.thread_index.is_some());
    }
}
