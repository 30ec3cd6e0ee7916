//! Trimming quoted history from a reply: the conversation shows what the
//! person wrote now; the full original stays viewable.

fn is_attribution(line: &str, next: Option<&str>) -> bool {
    let l = line.trim();
    let joined = match next {
        Some(n) => format!("{l} {}", n.trim()),
        None => l.to_owned(),
    };
    let ends = |s: &str| {
        s.ends_with(':')
            && (s.contains("wrote") || s.contains(" schrieb ") || s.contains("a écrit"))
    };
    let starts = l.starts_with("On ") || l.starts_with("Am ") || l.starts_with("Le ");
    starts && (ends(l) || (next.is_some() && ends(&joined)))
}

fn is_outlook_header(lines: &[&str], i: usize) -> bool {
    let l = lines[i].trim_start_matches('*').trim();
    let from = l.starts_with("From:")
        || l.starts_with("Von:")
        || l.starts_with("De :")
        || l.starts_with("De:");
    if !from {
        return false;
    }
    let window = &lines[i + 1..lines.len().min(i + 6)];
    let has = |p: &[&str]| {
        window.iter().any(|w| {
            p.iter()
                .any(|p| w.trim_start_matches('*').trim().starts_with(p))
        })
    };
    has(&["Sent:", "Date:", "Gesendet:", "Envoyé :"])
        && has(&["To:", "Subject:", "An:", "Betreff:", "À :", "Objet :"])
}

/// The new part of a reply: cut at the first quoted-history marker (Gmail
/// and Apple "On … wrote:", Thunderbird, Outlook's "-----Original
/// Message-----" and From/Sent/To block, German and French forms), then drop
/// a trailing `>` block. Returns the input unchanged if nothing would remain.
pub fn trim_reply(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n");
    let lines: Vec<&str> = normalized.lines().collect();
    let mut end = lines.len();
    for i in 0..lines.len() {
        let l = lines[i].trim();
        let original = l
            .trim_matches('-')
            .trim()
            .eq_ignore_ascii_case("original message")
            && l.starts_with("---");
        let rule = l.len() >= 10
            && l.chars().all(|c| c == '_')
            && i + 1 < lines.len()
            && is_outlook_header(&lines, i + 1);
        if original
            || rule
            || is_attribution(lines[i], lines.get(i + 1).copied())
            || is_outlook_header(&lines, i)
        {
            end = i;
            break;
        }
    }
    let mut kept = &lines[..end];
    while let Some(last) = kept.last() {
        let t = last.trim();
        if t.is_empty() || t.starts_with('>') {
            kept = &kept[..kept.len() - 1];
        } else {
            break;
        }
    }
    let result = kept.join("\n").trim().to_owned();
    if result.is_empty() {
        normalized.trim().to_owned()
    } else {
        result
    }
}

#[cfg(test)]
mod tests {
    use super::trim_reply;

    #[test]
    fn gmail_reply_loses_its_attribution_and_quote() {
        let text = "It works again, thanks!\n\nOn Mon, Nov 23, 2026 at 10:12 AM IT Helpdesk <helpdesk@example.org>\nwrote:\n\n> Please restart the router.\n> \n";
        assert_eq!(trim_reply(text), "It works again, thanks!");
    }

    #[test]
    fn outlook_reply_loses_the_header_block() {
        let text = "Still happening.\r\n\r\n________________________________\r\nFrom: IT Helpdesk <helpdesk@example.org>\r\nSent: Monday, November 23, 2026 10:12\r\nTo: Jane Doe <jane@example.org>\r\nSubject: [#42] Printer\r\n\r\nPlease restart it.\r\n";
        assert_eq!(trim_reply(text), "Still happening.");
        let classic =
            "Done.\n\n-----Original Message-----\nFrom: IT\nSent: today\nTo: me\n\nold text";
        assert_eq!(trim_reply(classic), "Done.");
        let bare = "Yes.\n\nFrom: IT Helpdesk\nSent: Tuesday\nTo: Jane\nSubject: Re: x\n\nold";
        assert_eq!(trim_reply(bare), "Yes.");
    }

    #[test]
    fn thunderbird_apple_german_and_french_attributions_are_cut() {
        assert_eq!(
            trim_reply("Ok.\n\nOn 23/11/2026 10:12, IT Helpdesk wrote:\n> old"),
            "Ok."
        );
        assert_eq!(
            trim_reply("Ok.\n\nOn 23 Nov 2026, at 10:12, IT Helpdesk <h@x> wrote:\n\n> old"),
            "Ok."
        );
        assert_eq!(
            trim_reply("Danke.\n\nAm 23.11.2026 um 10:12 schrieb IT Helpdesk <h@x>:\n> alt"),
            "Danke."
        );
        assert_eq!(
            trim_reply(
                "Merci.\n\nLe lun. 23 nov. 2026 à 10:12, IT Helpdesk <h@x> a écrit :\n> ancien"
            ),
            "Merci."
        );
    }

    #[test]
    fn inline_quotes_in_the_middle_stay_and_a_pure_quote_is_kept_whole() {
        let text = "> Did you restart?\nYes, twice.\n\n> old tail\n> more";
        assert_eq!(trim_reply(text), "> Did you restart?\nYes, twice.");
        assert_eq!(trim_reply("> only a quote"), "> only a quote");
    }
}
