//! The one rule for text from people and mail: C0 control characters
//! (U+0000–U+001F) other than tab, line feed and carriage return are
//! removed before anything stores or compares it. PostgreSQL cannot store a
//! NUL in text at all, SQLite can; removing them everywhere makes both
//! backends keep the same text, and no page or mail carries invisible
//! controls. Raw originals (mail as received) are kept byte-exact apart
//! from this.

use std::borrow::Cow;

/// `%text%` for a case-blind `LIKE … ESCAPE '\\'`: lowercased, with `%`,
/// `_` and `\\` taken literally.
pub fn like_contains(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A trimmed text, `None` when empty or absent.
pub fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Lowercase hex of bytes (digests, keys).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Whether `c` is a C0 control that text may not carry.
pub fn is_stripped_control(c: char) -> bool {
    c <= '\u{1f}' && !matches!(c, '\t' | '\n' | '\r')
}

/// `s` without the C0 controls text may not carry (borrowed when clean).
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_stripped_control) {
        Cow::Owned(s.chars().filter(|c| !is_stripped_control(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// [`strip_controls`] in place.
pub fn strip_controls_owned(s: String) -> String {
    match strip_controls(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(clean) => clean,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A percent-encoded string (a URL's path or query, a form body) without
/// the escapes of stripped controls (`%00`…`%1F` but `%09`, `%0A`, `%0D`)
/// and without raw control bytes. `%2500` is the text `%00` and stays.
pub fn strip_encoded_controls(s: &[u8]) -> Cow<'_, [u8]> {
    // The byte an escape at `i` stands for.
    let escaped = |i: usize| -> Option<u8> {
        if s[i] != b'%' || i + 2 >= s.len() {
            return None;
        }
        Some(hex_value(s[i + 1])? * 16 + hex_value(s[i + 2])?)
    };
    let mut i = 0;
    let mut out: Option<Vec<u8>> = None;
    while i < s.len() {
        let (len, drop) = match escaped(i) {
            Some(byte) => (3, is_stripped_control(byte as char)),
            None => (1, is_stripped_control(s[i] as char)),
        };
        if drop {
            out.get_or_insert_with(|| s[..i].to_vec());
        } else if let Some(out) = out.as_mut() {
            out.extend_from_slice(&s[i..i + len]);
        }
        i += len;
    }
    match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(s),
    }
}

/// Characters that reorder or hide text (bidirectional overrides and
/// isolates, zero-width marks): `invoice\u{202e}fdp.js` shows as
/// `invoicesj.pdf`. File names lose them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
            | '\u{061c}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_other_than_tab_and_newlines_are_removed() {
        assert_eq!(strip_controls("nul\u{0}byte"), "nulbyte");
        assert_eq!(strip_controls("a\u{1}\u{8}\u{1b}[31mb"), "a[31mb");
        assert_eq!(strip_controls("line\r\nnext\tcol"), "line\r\nnext\tcol");
        assert!(matches!(strip_controls("clean ü"), Cow::Borrowed(_)));
        assert_eq!(strip_controls("\u{7f}del stays"), "\u{7f}del stays");
    }

    #[test]
    fn encoded_controls_are_removed_but_encoded_percent_signs_stay() {
        let s = |b: &[u8]| String::from_utf8(strip_encoded_controls(b).into_owned()).unwrap();
        assert_eq!(s(b"subject=nul%00byte"), "subject=nulbyte");
        assert_eq!(s(b"a=%2500&b=%1f%1Fx"), "a=%2500&b=x");
        assert_eq!(s(b"keep=%09%0a%0D%20"), "keep=%09%0a%0D%20");
        assert_eq!(s(b"raw=\x00x"), "raw=x");
        assert_eq!(s(b"trailing%0"), "trailing%0");
        assert_eq!(s(b"trailing%"), "trailing%");
        assert_eq!(s(b"%00"), "");
        assert_eq!(s(b"%z%00"), "%z");
        assert!(matches!(
            strip_encoded_controls(b"/tickets/42?q=a%20b"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bidi_controls_are_recognised() {
        assert!(is_bidi_control('\u{202e}'));
        assert!(is_bidi_control('\u{2067}'));
        assert!(!is_bidi_control('a'));
    }
}

/// Whether `text` matches the whole-string glob `pattern` (`*` any run of
/// characters, `?` one character), ignoring case.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    // Iterative matching with one backtrack point (the last `*`).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod glob_tests {
    use super::glob_matches;

    #[test]
    fn globs_match_whole_strings_without_regard_to_case() {
        assert!(glob_matches("*iphone*", "Apple iPhone 14"));
        assert!(glob_matches("ios*", "iOS/iPadOS"));
        assert!(glob_matches(
            "SQL Server 20?? *",
            "sql server 2022 standard"
        ));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("ipad*", "Apple iPad Air"));
        assert!(!glob_matches("a?c", "ac"));
        assert!(glob_matches("*a*b*c", "xxaxxbxxc"));
        assert!(!glob_matches("*a*b*c", "xxaxxcxxb"));
    }
}
