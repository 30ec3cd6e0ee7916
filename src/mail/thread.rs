//! Threading rules that need no database: the subject tag, and a clean
//! subject for a new ticket.

/// The ticket number in a subject tag like `[#1234]` (prefix configurable).
pub fn subject_tag(subject: &str, prefix: &str) -> Option<i64> {
    let opener = format!("[{prefix}");
    let mut rest = subject;
    while let Some(start) = rest.find(&opener) {
        let after = &rest[start + opener.len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
        rest = &rest[start + opener.len()..];
    }
    None
}

/// A subject without reply/forward prefixes and ticket tags.
pub fn clean_subject(subject: &str, prefix: &str) -> String {
    let mut s = subject.trim().to_owned();
    loop {
        let before = s.clone();
        for p in ["re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:"] {
            if s.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
            {
                s = s[p.len()..].trim_start().to_owned();
            }
        }
        if let Some(n) = subject_tag(&s, prefix) {
            s = s
                .replacen(&format!("[{prefix}{n}]"), "", 1)
                .trim()
                .to_owned();
        }
        if s == before {
            break;
        }
    }
    if s.is_empty() {
        "(no subject)".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_found_anywhere_in_the_subject() {
        assert_eq!(subject_tag("Re: [#42] Printer", "#"), Some(42));
        assert_eq!(subject_tag("Printer [#1234]", "#"), Some(1234));
        assert_eq!(subject_tag("AW: [IT-7] x", "IT-"), Some(7));
        assert_eq!(subject_tag("[#] nothing [#abc] [#12x]", "#"), None);
    }

    #[test]
    fn subjects_lose_prefixes_and_tags() {
        assert_eq!(
            clean_subject("RE: Fwd: [#42] Printer jam", "#"),
            "Printer jam"
        );
        assert_eq!(clean_subject("   ", "#"), "(no subject)");
        assert_eq!(clean_subject("Réunion", "#"), "Réunion");
        // A multi-byte character across the length of a prefix (found by fuzzing).
        assert_eq!(clean_subject("a€ printer", "#"), "a€ printer");
        assert_eq!(
            clean_subject("€€ [#99999999999999999999]", "#"),
            "€€ [#99999999999999999999]"
        );
    }
}
