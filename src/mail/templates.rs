//! The words of outbound mail, as text and HTML. Every message names the
//! ticket by its tag so replies thread, and links to its page.

pub use crate::outbox::{Rendered, escape};

/// What every template knows about the ticket.
#[derive(Debug, Clone)]
pub struct TicketRef<'a> {
    pub tag: String,
    pub subject: &'a str,
    pub url: String,
    pub helpdesk: &'a str,
}

/// Who a message is for: the requester and watchers (a reply adds to the
/// ticket) or staff (a notice: the ticket's page is where to act).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Conversation,
    Staff,
}

fn page(t: &TicketRef<'_>, paragraphs: &[String], quote: Option<&str>) -> (String, String) {
    page_for(Audience::Conversation, t, paragraphs, quote)
}

fn page_for(
    audience: Audience,
    t: &TicketRef<'_>,
    paragraphs: &[String],
    quote: Option<&str>,
) -> (String, String) {
    let hint = match audience {
        Audience::Conversation => format!(
            "Reply to this message to add to the ticket; keep {} in the subject.",
            t.tag
        ),
        Audience::Staff => "A notice for IT staff: open the ticket to act on it.".to_owned(),
    };
    let mut text = paragraphs.join("\n\n");
    if let Some(q) = quote {
        text.push_str("\n\n");
        text.push_str(q);
    }
    text.push_str(&format!(
        "\n\n--\n{}\n{} {}\n{hint}\n",
        t.helpdesk, t.tag, t.url
    ));
    let mut html =
        String::from("<div style=\"font-family:sans-serif;font-size:14px;line-height:1.45\">");
    for p in paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(p).replace('\n', "<br>")));
    }
    if let Some(q) = quote {
        html.push_str(&format!(
            "<blockquote style=\"margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc\">{}</blockquote>",
            escape(q).replace('\n', "<br>")
        ));
    }
    html.push_str(&format!(
        "<p style=\"color:#666;font-size:12px\">{} · <a href=\"{}\">{}</a><br>{}</p></div>",
        escape(t.helpdesk),
        escape(&t.url),
        escape(&t.tag),
        escape(&hint)
    ));
    (text, html)
}

fn rendered(subject: String, (text, html): (String, String)) -> Rendered {
    Rendered {
        subject,
        text,
        html,
    }
}

pub fn acknowledgement(t: &TicketRef<'_>, name: &str) -> Rendered {
    rendered(
        format!("{} {}", t.tag, t.subject),
        page(
            t,
            &[
                format!("Hello {name},"),
                format!(
                    "we have received your request and filed it as {}. We will get back to you.",
                    t.tag
                ),
            ],
            Some(t.subject),
        ),
    )
}

pub fn reply(t: &TicketRef<'_>, author: &str, body: &str) -> Rendered {
    rendered(
        format!("Re: {} {}", t.tag, t.subject),
        page(t, &[body.to_owned(), format!("— {author}")], None),
    )
}

pub fn status(t: &TicketRef<'_>, what: &str) -> Rendered {
    rendered(
        format!("{} {}", t.tag, t.subject),
        page(t, &[what.to_owned()], None),
    )
}

pub fn resolution(t: &TicketRef<'_>) -> Rendered {
    rendered(
        format!("[resolved] {} {}", t.tag, t.subject),
        page(
            t,
            &[
                format!("{} has been resolved.", t.tag),
                "If the problem is not solved, reply to this message and the ticket reopens."
                    .into(),
            ],
            None,
        ),
    )
}

pub fn assignment(t: &TicketRef<'_>, by: &str) -> Rendered {
    rendered(
        format!("[assigned] {} {}", t.tag, t.subject),
        page_for(
            Audience::Staff,
            t,
            &[format!("{by} assigned {} to you.", t.tag)],
            None,
        ),
    )
}

pub fn escalation(t: &TicketRef<'_>, what: &str) -> Rendered {
    rendered(
        format!("[SLA] {} {}: {what}", t.tag, t.subject),
        page_for(Audience::Staff, t, &[format!("{}: {what}.", t.tag)], None),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_carry_the_tag_and_escape_html() {
        let t = TicketRef {
            tag: "[#7]".into(),
            subject: "Printer <b>jam</b>",
            url: "https://desk.example.org/tickets/7".into(),
            helpdesk: "IT Helpdesk",
        };
        let r = reply(&t, "Sam", "Please try <script>x</script> now");
        assert_eq!(r.subject, "Re: [#7] Printer <b>jam</b>");
        assert!(r.text.contains("Please try <script>x</script> now"));
        assert!(r.html.contains("&lt;script&gt;") && !r.html.contains("<script>"));
        assert!(r.text.contains("keep [#7] in the subject"));
        assert!(acknowledgement(&t, "Jane").text.starts_with("Hello Jane,"));
        let notice = escalation(&t, "80% of the first response target used");
        assert!(
            !notice.text.contains("Reply to this message"),
            "{}",
            notice.text
        );
        assert!(notice.text.contains("open the ticket to act on it"));
        assert!(notice.text.contains("https://desk.example.org/tickets/7"));
        assert!(!assignment(&t, "Ana").html.contains("Reply to this message"));
    }
}
