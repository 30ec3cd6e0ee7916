//! HTML mail: sanitised with an allow-list before any page shows it, and a
//! plain-text version for the conversation.

/// Safe HTML: scripts, event handlers, forms, frames and `javascript:` links
/// are gone, and remote images (which tell the sender who read the mail,
/// and when) become a "remote image blocked" placeholder.
pub fn sanitize(html: &str) -> String {
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "cid"].into_iter().collect())
        .clean(html)
        .to_string();
    block_remote_images(&clean)
}

/// Replaces `<img>` tags whose source is on the network. Works on ammonia's
/// output, which is serialised HTML: every attribute in double quotes, no
/// `>` inside a tag.
fn block_remote_images(clean: &str) -> String {
    let mut out = String::with_capacity(clean.len());
    let mut rest = clean;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = &rest[start..start + len + 1];
        let attr = |name: &str| {
            let key = format!(" {name}=\"");
            tag.find(&key).map(|i| {
                let v = &tag[i + key.len()..];
                &v[..v.find('"').unwrap_or(v.len())]
            })
        };
        let remote = attr("src").is_some_and(|src| {
            let src = src.trim_start().to_ascii_lowercase();
            src.starts_with("http:") || src.starts_with("https:") || src.starts_with("//")
        });
        if remote {
            let alt = attr("alt").filter(|a| !a.trim().is_empty());
            out.push_str("<span class=\"remote-image\">[remote image blocked");
            if let Some(alt) = alt {
                out.push_str(": ");
                out.push_str(alt);
            }
            out.push_str("]</span>");
        } else {
            out.push_str(tag);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Where the quoted history of an HTML reply begins: Gmail, Outlook on the
/// web, Apple Mail and Thunderbird each mark it their own way.
const QUOTE_MARKERS: &[&str] = &[
    "<div class=\"gmail_quote",
    "<div class=gmail_quote",
    "<blockquote type=\"cite\"",
    "<div id=\"divRplyFwdMsg\"",
    "<div id=\"appendonsend\"",
    "<div class=\"moz-cite-prefix\"",
];

/// The HTML before its quoted history.
pub fn without_quote(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let cut = QUOTE_MARKERS
        .iter()
        .filter_map(|m| lower.find(&m.to_ascii_lowercase()))
        .min()
        .unwrap_or(html.len());
    &html[..cut]
}

/// Readable text from HTML: block elements become line breaks, tags and
/// scripts disappear, entities are decoded.
pub fn to_text(html: &str) -> String {
    let clean = ammonia::Builder::empty()
        .add_tags([
            "p",
            "br",
            "div",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "blockquote",
        ])
        .clean(html)
        .to_string();
    let mut out = String::with_capacity(clean.len());
    let mut rest = clean.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "blockquote"
        ) {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = decoded.lines().map(str::trim_end).collect();
    let mut text = String::new();
    let mut blank = 0;
    for l in lines {
        if l.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(l.trim_start_matches(' '));
        text.push('\n');
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let dirty = r#"<p onclick="steal()">Hi <img src="x" onerror="alert(1)"><script>alert(2)</script><a href="javascript:evil()">link</a></p>"#;
        let clean = sanitize(dirty);
        for bad in ["onclick", "onerror", "<script", "javascript:", "alert"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(clean.contains("Hi"));
    }

    #[test]
    fn remote_images_become_placeholders_and_embedded_ones_stay() {
        let html = sanitize(
            "<p>Hi<img src=\"https://track.example/p.gif?u=1\" alt=\"logo\" width=\"1\">\
             <img src=\"cid:part1@x\"><IMG SRC=//cdn.example/x.png></p>",
        );
        assert!(!html.contains("track.example"), "{html}");
        assert!(!html.contains("cdn.example"), "{html}");
        assert!(html.contains("[remote image blocked: logo]"), "{html}");
        assert!(html.contains("<img src=\"cid:part1@x\">"), "{html}");
    }

    #[test]
    fn text_version_keeps_lines_and_drops_markup() {
        let html = "<div>Hello&nbsp;team,</div><div><br></div><p>The <b>VPN</b> is down &amp; so is mail.</p><script>x()</script>";
        assert_eq!(
            to_text(html),
            "Hello team,\n\nThe VPN is down & so is mail."
        );
    }

    #[test]
    fn gmail_and_outlook_quotes_are_cut() {
        let gmail = r#"<div dir="ltr">Still broken.</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 23 … wrote:<br></div><blockquote>old</blockquote></div>"#;
        assert_eq!(to_text(without_quote(gmail)), "Still broken.");
        let owa = r#"<div>Works now, thanks!</div><hr><div id="divRplyFwdMsg"><b>From:</b> IT Helpdesk</div>"#;
        assert_eq!(to_text(without_quote(owa)), "Works now, thanks!");
    }
}
