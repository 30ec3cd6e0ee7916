//! Building outbound messages: our own Message-ID, In-Reply-To and
//! References chaining the ticket's thread, the subject tag, text and HTML
//! alternatives, and on automatic messages the headers that keep
//! auto-responders quiet.

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// A message to build.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from_name: String,
    pub from: String,
    /// Where replies should go when not `from` (a plus-address with the
    /// recipient's reply key).
    pub reply_to: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Without angle brackets.
    pub message_id: String,
    /// The ticket's thread, oldest first (without brackets).
    pub thread: Vec<String>,
    /// Sent by itdesk on its own (not a person's reply).
    pub automatic: bool,
    pub ticket_number: Option<i64>,
}

/// The domain our Message-IDs end in: `itdesk.` + the helpdesk's domain, so
/// that our own mail is recognised when it comes back.
pub fn id_domain(address: &str) -> String {
    format!(
        "itdesk.{}",
        address.rsplit('@').next().unwrap_or("localhost")
    )
}

/// A new Message-ID (without brackets).
pub fn new_message_id(address: &str) -> String {
    format!("{}@{}", uuid::Uuid::now_v7().simple(), id_domain(address))
}

fn raw(name: &str, value: String) -> Result<HeaderValue, String> {
    let name = HeaderName::new_from_ascii(name.to_owned()).map_err(|e| e.to_string())?;
    Ok(HeaderValue::new(name, value))
}

/// A file sent with a message: an image the HTML shows (`cid:` + its
/// id), or an attachment.
#[derive(Debug, Clone)]
pub struct Enclosure {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The Content-ID the HTML refers to; `None`: attached.
    pub inline_id: Option<String>,
}

/// The message's bytes, and the recipients it could address (malformed
/// addresses are left out).
pub fn build(o: &Outgoing) -> Result<(Vec<u8>, Vec<String>), String> {
    build_with(o, &[])
}

fn part(e: &Enclosure) -> Result<lettre::message::SinglePart, String> {
    let kind = lettre::message::header::ContentType::parse(&e.content_type)
        .map_err(|err| format!("{}: {err}", e.content_type))?;
    Ok(match &e.inline_id {
        Some(id) => lettre::message::Attachment::new_inline(id.clone()).body(e.bytes.clone(), kind),
        None => lettre::message::Attachment::new(e.name.clone()).body(e.bytes.clone(), kind),
    })
}

/// [`build`] with images the HTML shows (multipart/related) and files
/// attached (multipart/mixed).
pub fn build_with(o: &Outgoing, files: &[Enclosure]) -> Result<(Vec<u8>, Vec<String>), String> {
    let from = Mailbox::new(
        Some(o.from_name.clone()),
        o.from.parse().map_err(|e| format!("from address: {e}"))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .subject(o.subject.clone())
        .message_id(Some(format!("<{}>", o.message_id)))
        .date_now();
    if let Some(reply_to) = &o.reply_to {
        builder = builder.reply_to(Mailbox::new(
            Some(o.from_name.clone()),
            reply_to
                .parse()
                .map_err(|e| format!("reply-to address: {e}"))?,
        ));
    }
    let mut to = Vec::new();
    for addr in &o.to {
        if let Ok(parsed) = addr.parse() {
            builder = builder.to(Mailbox::new(None, parsed));
            to.push(addr.clone());
        }
    }
    if to.is_empty() {
        return Err("no valid recipient".into());
    }
    if let Some(last) = o.thread.last() {
        builder = builder.in_reply_to(format!("<{last}>"));
        // The root and the most recent messages are what clients need.
        let mut refs: Vec<&String> = o.thread.iter().take(1).collect();
        refs.extend(o.thread.iter().skip(1).rev().take(9).rev());
        builder = builder.references(
            refs.iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    if o.automatic {
        builder = builder
            .raw_header(raw("Auto-Submitted", "auto-generated".into())?)
            .raw_header(raw("X-Auto-Response-Suppress", "All".into())?);
    }
    if let Some(n) = o.ticket_number {
        builder = builder.raw_header(raw("X-Itdesk-Ticket", n.to_string())?);
    }
    let mut body = MultiPart::alternative_plain_html(o.text.clone(), o.html.clone());
    let (inline, attached): (Vec<&Enclosure>, Vec<&Enclosure>) =
        files.iter().partition(|f| f.inline_id.is_some());
    if !inline.is_empty() {
        let mut related = MultiPart::related().multipart(body);
        for f in inline {
            related = related.singlepart(part(f)?);
        }
        body = related;
    }
    if !attached.is_empty() {
        let mut mixed = MultiPart::mixed().multipart(body);
        for f in attached {
            mixed = mixed.singlepart(part(f)?);
        }
        body = mixed;
    }
    let message = builder.multipart(body).map_err(|e| e.to_string())?;
    Ok((message.formatted(), to))
}
