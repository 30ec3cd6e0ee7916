//! `Authentication-Results` (RFC 8601), read only where it can be trusted:
//! from the header our own MTA adds (its authserv-id is
//! `mail.trusted_authserv_id`), which sits above the `Received` headers of
//! earlier hops. A copy with our id further down was in the message before
//! our MTA saw it — anyone can write one — and is ignored. The verdict
//! never replaces a reply key (a domain is not a mailbox); a failed one
//! only withdraws the trust a key would give.

/// What the trusted header says about the message's author domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// DMARC (or, without it, DKIM or SPF) passed.
    Pass,
    /// DMARC failed, or with no DMARC result, DKIM and SPF both did not pass.
    Fail,
    /// Nothing conclusive.
    Unknown,
}

/// The raw headers of a message, in order, unfolded: (name, value).
pub fn header_lines(raw: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

/// The results of the trusted `Authentication-Results` header: the topmost
/// one naming `authserv_id`, if at most `hops` `Received` headers lie above
/// it (relays between the authenticating MTA and itdesk). `None` when no
/// header qualifies or no id is configured.
pub fn trusted_verdict(
    headers: &[(String, String)],
    authserv_id: &str,
    hops: usize,
) -> Option<Verdict> {
    let id = authserv_id.trim();
    if id.is_empty() {
        return None;
    }
    let mut received = 0;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("received") {
            received += 1;
            if received > hops {
                return None;
            }
            continue;
        }
        if !name.eq_ignore_ascii_case("authentication-results") {
            continue;
        }
        let serv = value
            .split(';')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("");
        if serv.eq_ignore_ascii_case(id) {
            return Some(verdict(value));
        }
    }
    None
}

/// The outcome of one method (`dmarc=pass` → "pass").
fn result_of<'a>(value: &'a str, method: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|part| {
        let (m, rest) = part.trim().split_once('=')?;
        m.trim()
            .eq_ignore_ascii_case(method)
            .then(|| rest.split_whitespace().next().unwrap_or(""))
    })
}

fn verdict(value: &str) -> Verdict {
    let is = |method: &str, result: &str| {
        result_of(value, method).is_some_and(|r| r.eq_ignore_ascii_case(result))
    };
    if result_of(value, "dmarc").is_some() {
        return match () {
            _ if is("dmarc", "pass") => Verdict::Pass,
            _ if is("dmarc", "fail") => Verdict::Fail,
            _ => Verdict::Unknown,
        };
    }
    let dkim = is("dkim", "pass");
    let spf = is("spf", "pass");
    if dkim || spf {
        Verdict::Pass
    } else if result_of(value, "dkim").is_some() || result_of(value, "spf").is_some() {
        Verdict::Fail
    } else {
        Verdict::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(text: &str) -> Vec<(String, String)> {
        header_lines(text.as_bytes())
    }

    #[test]
    fn only_the_header_our_mta_added_counts() {
        let forged =
            "Authentication-Results: mx.example.org;\r\n dmarc=pass header.from=example.org\r\n";
        let mail = format!(
            "Authentication-Results: mx.example.org; dmarc=fail header.from=example.org\r\n\
             Received: from evil.example by mx.example.org\r\n{forged}\
             From: agent@example.org\r\n\r\nbody\r\n"
        );
        let h = headers(&mail);
        assert_eq!(
            trusted_verdict(&h, "mx.example.org", 0),
            Some(Verdict::Fail)
        );
        // Our MTA added nothing: the copy below a Received header is ignored.
        let only_forged = format!("Received: from evil.example by mx\r\n{forged}From: a@b\r\n\r\n");
        assert_eq!(
            trusted_verdict(&headers(&only_forged), "mx.example.org", 0),
            None
        );
        // Another server's header is not ours to trust.
        let other = "Authentication-Results: other.example; dmarc=pass\r\n\r\n";
        assert_eq!(trusted_verdict(&headers(other), "mx.example.org", 0), None);
        assert_eq!(trusted_verdict(&h, "", 0), None, "not configured");
    }

    #[test]
    fn relays_between_the_mta_and_itdesk_can_be_allowed_for() {
        let mail = "Received: from mx.example.org by imap.example.org\r\n\
                    Authentication-Results: mx.example.org; dkim=pass; spf=fail\r\n\
                    Received: from sender by mx.example.org\r\n\r\n";
        assert_eq!(trusted_verdict(&headers(mail), "mx.example.org", 0), None);
        assert_eq!(
            trusted_verdict(&headers(mail), "mx.example.org", 1),
            Some(Verdict::Pass)
        );
    }

    #[test]
    fn verdicts_read_dmarc_first() {
        assert_eq!(verdict("mx; dmarc=none; dkim=pass"), Verdict::Unknown);
        assert_eq!(verdict("mx; spf=softfail; dkim=fail"), Verdict::Fail);
        assert_eq!(verdict("mx; none"), Verdict::Unknown);
        assert_eq!(verdict("mx; DMARC=PASS (p=reject)"), Verdict::Pass);
    }
}
